using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using NeuralNet.Kernels;

namespace NeuralNet.Layers;

/// <summary>Rectified linear unit: g(z) = max(0, z); g'(z) = 1 if z &gt; 0, else 0 (0 at z = 0, as the lecture says).</summary>
/// <remarks>Thread safety: as every <see cref="ActivationLayer"/>, Predict from many threads, Forward and Backward from one.</remarks>
public sealed class ReLU : ActivationLayer, ILayerFactory<ReLU>
{
    static string ILayerFactory<ReLU>.KindName => "ReLU";

    static ReLU ILayerFactory<ReLU>.FromConfig(LayerConfig config) => new();

    /// <summary>He: it keeps the variance of a ReLU-like unit's output stable.</summary>
    public override WeightInitialization InitializationBefore => WeightInitialization.He;

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> h) => TensorPrimitives.Max(z, 0f, h);

    /// <inheritdoc/>
    protected override void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h,
        ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
        => Elementwise.Apply<PassWherePositive>(z, outputGradient, inputGradient);

    /// <summary>(z, ∂J/∂h) → ∂J/∂h where z &gt; 0, else 0.</summary>
    internal readonly struct PassWherePositive : IBinaryOperator
    {
        public static float Invoke(float z, float dh) => z > 0f ? dh : 0f;
        public static Vector128<float> Invoke(Vector128<float> z, Vector128<float> dh) => Vector128.GreaterThan(z, Vector128<float>.Zero) & dh;
        public static Vector256<float> Invoke(Vector256<float> z, Vector256<float> dh) => Vector256.GreaterThan(z, Vector256<float>.Zero) & dh;
        public static Vector512<float> Invoke(Vector512<float> z, Vector512<float> dh) => Vector512.GreaterThan(z, Vector512<float>.Zero) & dh;
    }
}
