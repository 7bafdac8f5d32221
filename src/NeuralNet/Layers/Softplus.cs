using System.Runtime.Intrinsics;
using NeuralNet.Kernels;

namespace NeuralNet.Layers;

/// <summary>Softplus, a smooth ReLU: g(z) = log(1 + eᶻ); g'(z) = σ(z).</summary>
/// <remarks>Computed as max(z, 0) + log(1 + e^−|z|), which neither overflows nor loses the result for large |z|.
/// Thread safety: as every <see cref="ActivationLayer"/>, Predict from many threads, Forward and Backward from one.
/// </remarks>
public sealed class Softplus : ActivationLayer, ILayerFactory<Softplus>
{
    static string ILayerFactory<Softplus>.KindName => "Softplus";

    static Softplus ILayerFactory<Softplus>.FromConfig(LayerConfig config) => new();

    /// <summary>He: it keeps the variance of a ReLU-like unit's output stable.</summary>
    public override WeightInitialization InitializationBefore => WeightInitialization.He;

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> h) => Elementwise.Apply<StableSoftplus>(z, h);

    /// <inheritdoc/>
    protected override void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h,
        ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
        => Elementwise.Apply<TimesSigmoid>(z, outputGradient, inputGradient);

    /// <summary>z → max(z, 0) + log(1 + e^−|z|).</summary>
    internal readonly struct StableSoftplus : IUnaryOperator
    {
        public static float Invoke(float z) => MathF.Max(z, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(z)));
        public static Vector128<float> Invoke(Vector128<float> z) =>
            Vector128.Max(z, Vector128<float>.Zero) + Vector128.Log(Vector128<float>.One + Vector128.Exp(-Vector128.Abs(z)));
        public static Vector256<float> Invoke(Vector256<float> z) =>
            Vector256.Max(z, Vector256<float>.Zero) + Vector256.Log(Vector256<float>.One + Vector256.Exp(-Vector256.Abs(z)));
        public static Vector512<float> Invoke(Vector512<float> z) =>
            Vector512.Max(z, Vector512<float>.Zero) + Vector512.Log(Vector512<float>.One + Vector512.Exp(-Vector512.Abs(z)));
    }

    /// <summary>(z, ∂J/∂h) → ∂J/∂h · σ(z), with σ(z) = 1 / (1 + e⁻ᶻ): e⁻ᶻ = ∞ gives exactly 0, never NaN.</summary>
    internal readonly struct TimesSigmoid : IBinaryOperator
    {
        public static float Invoke(float z, float dh) => dh / (1f + MathF.Exp(-z));
        public static Vector128<float> Invoke(Vector128<float> z, Vector128<float> dh) => dh / (Vector128<float>.One + Vector128.Exp(-z));
        public static Vector256<float> Invoke(Vector256<float> z, Vector256<float> dh) => dh / (Vector256<float>.One + Vector256.Exp(-z));
        public static Vector512<float> Invoke(Vector512<float> z, Vector512<float> dh) => dh / (Vector512<float>.One + Vector512.Exp(-z));
    }
}
