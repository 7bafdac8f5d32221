using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using NeuralNet.Kernels;

namespace NeuralNet.Layers;

/// <summary>Hyperbolic tangent: g(z) = tanh(z); g'(z) = 1 − tanh²(z).</summary>
/// <remarks>Thread safety: as every <see cref="ActivationLayer"/>, Predict from many threads, Forward and Backward from one.</remarks>
public sealed class Tanh : ActivationLayer, ILayerFactory<Tanh>
{
    static string ILayerFactory<Tanh>.KindName => "Tanh";

    static Tanh ILayerFactory<Tanh>.FromConfig(LayerConfig config) => new();

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> h) => TensorPrimitives.Tanh(z, h);

    /// <inheritdoc/>
    protected override void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h,
        ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
        => Elementwise.Apply<TimesTanhSlope>(h, outputGradient, inputGradient);

    /// <summary>(h = tanh(z), ∂J/∂h) → ∂J/∂h · (1 − h²).</summary>
    internal readonly struct TimesTanhSlope : IBinaryOperator
    {
        public static float Invoke(float h, float dh) => dh * (1f - h * h);
        public static Vector128<float> Invoke(Vector128<float> h, Vector128<float> dh) => dh * (Vector128<float>.One - h * h);
        public static Vector256<float> Invoke(Vector256<float> h, Vector256<float> dh) => dh * (Vector256<float>.One - h * h);
        public static Vector512<float> Invoke(Vector512<float> h, Vector512<float> dh) => dh * (Vector512<float>.One - h * h);
    }
}
