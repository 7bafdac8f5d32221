using System.Globalization;
using System.Runtime.Intrinsics;
using NeuralNet.Kernels;

namespace NeuralNet.Layers;

/// <summary>
/// Leaky rectified linear unit, as torch's <c>nn.LeakyReLU</c>: g(z) = z if z &gt; 0, else a·z;
/// g'(z) = 1 if z &gt; 0, else a (a at z = 0, as torch), where a is the <see cref="NegativeSlope"/>.
/// </summary>
/// <remarks>Thread safety: as every <see cref="ActivationLayer"/>, Predict from many threads, Forward and Backward from one.</remarks>
public sealed class LeakyReLU : ActivationLayer, ILayerFactory<LeakyReLU>
{
    /// <summary>A leaky ReLU.</summary>
    /// <param name="negativeSlope">a, the slope for z ≤ 0 (torch's default 0.01); any finite value.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="negativeSlope"/> is NaN or infinite.</exception>
    public LeakyReLU(float negativeSlope = 0.01f)
    {
        if (!float.IsFinite(negativeSlope))
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, $"The negative slope must be finite, not {negativeSlope}.");
        NegativeSlope = negativeSlope;
    }

    /// <summary>a, the slope for z ≤ 0.</summary>
    public float NegativeSlope { get; }

    static string ILayerFactory<LeakyReLU>.KindName => "LeakyReLU";

    static LeakyReLU ILayerFactory<LeakyReLU>.FromConfig(LayerConfig config) => new(config.GetSingle("negativeSlope"));

    /// <summary>negativeSlope: <see cref="NegativeSlope"/>.</summary>
    public override LayerConfig GetConfig() => new() { { "negativeSlope", NegativeSlope } };

    /// <summary>He: it keeps the variance of a ReLU-like unit's output stable.</summary>
    public override WeightInitialization InitializationBefore => WeightInitialization.He;

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> h) => Elementwise.Apply<Leaky>(z, NegativeSlope, h);

    /// <inheritdoc/>
    protected override void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h,
        ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
        => Elementwise.Apply<LeakySlope>(z, outputGradient, NegativeSlope, inputGradient);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"LeakyReLU({NegativeSlope})");

    /// <summary>(z, a) → z if z &gt; 0, else a·z (NaN stays NaN).</summary>
    internal readonly struct Leaky : IUnaryOperatorWithParameter
    {
        public static float Invoke(float z, float a) => z > 0f ? z : a * z;
        public static Vector128<float> Invoke(Vector128<float> z, Vector128<float> a) =>
            Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), z, a * z);
        public static Vector256<float> Invoke(Vector256<float> z, Vector256<float> a) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z, a * z);
        public static Vector512<float> Invoke(Vector512<float> z, Vector512<float> a) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z, a * z);
    }

    /// <summary>(z, ∂J/∂h, a) → ∂J/∂h if z &gt; 0, else a·∂J/∂h.</summary>
    internal readonly struct LeakySlope : IBinaryOperatorWithParameter
    {
        public static float Invoke(float z, float dh, float a) => z > 0f ? dh : a * dh;
        public static Vector128<float> Invoke(Vector128<float> z, Vector128<float> dh, Vector128<float> a) =>
            Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), dh, a * dh);
        public static Vector256<float> Invoke(Vector256<float> z, Vector256<float> dh, Vector256<float> a) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), dh, a * dh);
        public static Vector512<float> Invoke(Vector512<float> z, Vector512<float> dh, Vector512<float> a) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), dh, a * dh);
    }
}
