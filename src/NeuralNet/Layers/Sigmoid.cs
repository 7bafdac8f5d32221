using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using NeuralNet.Kernels;

namespace NeuralNet.Layers;

/// <summary>Logistic sigmoid: g(z) = σ(z) = 1 / (1 + e⁻ᶻ); g'(z) = σ(z)(1 − σ(z)).</summary>
/// <remarks>As an output unit, pair it with <see cref="Losses.BinaryCrossEntropyLoss"/>: <see cref="Mlp.ComputeGradients"/>
/// then fuses the two, which avoids the saturation the lecture warns of.
/// Thread safety: as every <see cref="ActivationLayer"/>, Predict from many threads, Forward and Backward from one.
/// </remarks>
public sealed class Sigmoid : ActivationLayer, ILayerFactory<Sigmoid>
{
    static string ILayerFactory<Sigmoid>.KindName => "Sigmoid";

    static Sigmoid ILayerFactory<Sigmoid>.FromConfig(LayerConfig config) => new();

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> h) => TensorPrimitives.Sigmoid(z, h);

    /// <inheritdoc/>
    protected override void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h,
        ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
        => Elementwise.Apply<TimesSigmoidSlope>(h, outputGradient, inputGradient);

    /// <summary>(h = σ(z), ∂J/∂h) → ∂J/∂h · h(1 − h).</summary>
    internal readonly struct TimesSigmoidSlope : IBinaryOperator
    {
        public static float Invoke(float h, float dh) => dh * h * (1f - h);
        public static Vector128<float> Invoke(Vector128<float> h, Vector128<float> dh) => dh * h * (Vector128<float>.One - h);
        public static Vector256<float> Invoke(Vector256<float> h, Vector256<float> dh) => dh * h * (Vector256<float>.One - h);
        public static Vector512<float> Invoke(Vector512<float> h, Vector512<float> dh) => dh * h * (Vector512<float>.One - h);
    }
}
