using System.Runtime.Intrinsics;
using NeuralNet.Kernels;

namespace NeuralNet.Layers;

/// <summary>
/// Sigmoid linear unit (swish), as torch's <c>nn.SiLU</c>: g(z) = z·σ(z) = z / (1 + e⁻ᶻ);
/// g'(z) = σ(z)(1 + z(1 − σ(z))).
/// </summary>
/// <remarks>
/// 1 − σ(z) is computed as σ(−z) = 1 / (1 + eᶻ), never by subtraction: it keeps its precision for z ≫ 0, and at
/// z = ±1000 one exponential is ∞ and its sigmoid exactly 0, so g and g' stay finite (0 or z, 0 or 1), never NaN.
/// Thread safety: as every <see cref="ActivationLayer"/>, Predict from many threads, Forward and Backward from one.
/// </remarks>
public sealed class SiLU : ActivationLayer, ILayerFactory<SiLU>
{
    static string ILayerFactory<SiLU>.KindName => "SiLU";

    static SiLU ILayerFactory<SiLU>.FromConfig(LayerConfig config) => new();

    /// <summary>He: it keeps the variance of a ReLU-like unit's output stable.</summary>
    public override WeightInitialization InitializationBefore => WeightInitialization.He;

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> h) => Elementwise.Apply<Swish>(z, h);

    /// <inheritdoc/>
    protected override void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h,
        ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
        => Elementwise.Apply<SwishSlope>(z, outputGradient, inputGradient);

    /// <summary>z → z / (1 + e⁻ᶻ).</summary>
    internal readonly struct Swish : IUnaryOperator
    {
        public static float Invoke(float z) => z / (1f + MathF.Exp(-z));
        public static Vector128<float> Invoke(Vector128<float> z) => z / (Vector128<float>.One + Vector128.Exp(-z));
        public static Vector256<float> Invoke(Vector256<float> z) => z / (Vector256<float>.One + Vector256.Exp(-z));
        public static Vector512<float> Invoke(Vector512<float> z) => z / (Vector512<float>.One + Vector512.Exp(-z));
    }

    /// <summary>(z, ∂J/∂h) → ∂J/∂h·σ(z)(1 + z·σ(−z)).</summary>
    internal readonly struct SwishSlope : IBinaryOperator
    {
        public static float Invoke(float z, float dh) =>
            dh * (1f / (1f + MathF.Exp(-z))) * (1f + z / (1f + MathF.Exp(z)));

        public static Vector128<float> Invoke(Vector128<float> z, Vector128<float> dh) =>
            dh * (Vector128<float>.One / (Vector128<float>.One + Vector128.Exp(-z))) * (Vector128<float>.One + z / (Vector128<float>.One + Vector128.Exp(z)));

        public static Vector256<float> Invoke(Vector256<float> z, Vector256<float> dh) =>
            dh * (Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-z))) * (Vector256<float>.One + z / (Vector256<float>.One + Vector256.Exp(z)));

        public static Vector512<float> Invoke(Vector512<float> z, Vector512<float> dh) =>
            dh * (Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-z))) * (Vector512<float>.One + z / (Vector512<float>.One + Vector512.Exp(z)));
    }
}
