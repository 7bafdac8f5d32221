using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using NeuralNet.Kernels;

namespace NeuralNet.Layers;

/// <summary>Hard tanh: g(z) = max(−1, min(1, z)); g'(z) = 1 inside (−1, 1), else 0.</summary>
/// <remarks>Thread safety: as every <see cref="ActivationLayer"/>, Predict from many threads, Forward and Backward from one.</remarks>
public sealed class HardTanh : ActivationLayer, ILayerFactory<HardTanh>
{
    static string ILayerFactory<HardTanh>.KindName => "HardTanh";

    static HardTanh ILayerFactory<HardTanh>.FromConfig(LayerConfig config) => new();

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> h) => Elementwise.Apply<Clip>(z, h);

    /// <inheritdoc/>
    protected override void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h,
        ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
        => Elementwise.Apply<PassInsideUnitInterval>(z, outputGradient, inputGradient);

    /// <summary>z → max(−1, min(1, z)).</summary>
    internal readonly struct Clip : IUnaryOperator
    {
        public static float Invoke(float z) => MathF.Max(-1f, MathF.Min(1f, z));
        public static Vector128<float> Invoke(Vector128<float> z) => Vector128.Max(-Vector128<float>.One, Vector128.Min(Vector128<float>.One, z));
        public static Vector256<float> Invoke(Vector256<float> z) => Vector256.Max(-Vector256<float>.One, Vector256.Min(Vector256<float>.One, z));
        public static Vector512<float> Invoke(Vector512<float> z) => Vector512.Max(-Vector512<float>.One, Vector512.Min(Vector512<float>.One, z));
    }

    /// <summary>(z, ∂J/∂h) → ∂J/∂h where −1 &lt; z &lt; 1, else 0.</summary>
    internal readonly struct PassInsideUnitInterval : IBinaryOperator
    {
        public static float Invoke(float z, float dh) => MathF.Abs(z) < 1f ? dh : 0f;
        public static Vector128<float> Invoke(Vector128<float> z, Vector128<float> dh) => Vector128.LessThan(Vector128.Abs(z), Vector128<float>.One) & dh;
        public static Vector256<float> Invoke(Vector256<float> z, Vector256<float> dh) => Vector256.LessThan(Vector256.Abs(z), Vector256<float>.One) & dh;
        public static Vector512<float> Invoke(Vector512<float> z, Vector512<float> dh) => Vector512.LessThan(Vector512.Abs(z), Vector512<float>.One) & dh;
    }
}
