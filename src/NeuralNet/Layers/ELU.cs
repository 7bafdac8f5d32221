using System.Globalization;
using System.Runtime.Intrinsics;
using NeuralNet.Kernels;

namespace NeuralNet.Layers;

/// <summary>
/// Exponential linear unit, as torch's <c>nn.ELU</c>: g(z) = z if z &gt; 0, else α(eᶻ − 1);
/// g'(z) = 1 if z &gt; 0, else α·eᶻ (α at z = 0, as torch).
/// </summary>
/// <remarks>
/// eᶻ − 1 is computed as Kahan's expm1, (u − 1)·z / log u with u = eᶻ, which keeps full relative precision for
/// small |z| where u − 1 alone would cancel; u = 1 gives z and u = 0 gives −1 exactly.
/// Thread safety: as every <see cref="ActivationLayer"/>, Predict from many threads, Forward and Backward from one.
/// </remarks>
public sealed class ELU : ActivationLayer, ILayerFactory<ELU>
{
    /// <summary>An exponential linear unit.</summary>
    /// <param name="alpha">α, the value g approaches as z → −∞ is −α (torch's default 1); any finite value.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is NaN or infinite.</exception>
    public ELU(float alpha = 1f)
    {
        if (!float.IsFinite(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"α must be finite, not {alpha}.");
        Alpha = alpha;
    }

    /// <summary>α, the scale of the negative part.</summary>
    public float Alpha { get; }

    static string ILayerFactory<ELU>.KindName => "ELU";

    static ELU ILayerFactory<ELU>.FromConfig(LayerConfig config) => new(config.GetSingle("alpha"));

    /// <summary>alpha: <see cref="Alpha"/>.</summary>
    public override LayerConfig GetConfig() => new() { { "alpha", Alpha } };

    /// <summary>He: it keeps the variance of a ReLU-like unit's output stable.</summary>
    public override WeightInitialization InitializationBefore => WeightInitialization.He;

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> h) => Elementwise.Apply<Exponential>(z, Alpha, h);

    /// <inheritdoc/>
    protected override void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h,
        ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
        => Elementwise.Apply<ExponentialSlope>(z, outputGradient, Alpha, inputGradient);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"ELU({Alpha})");

    /// <summary>(z, α) → z if z &gt; 0, else α·expm1(z). For z &gt; 0 the expm1 lane may be NaN; the select drops it.</summary>
    internal readonly struct Exponential : IUnaryOperatorWithParameter
    {
        public static float Invoke(float z, float a)
        {
            if (z > 0f) return z;
            float u = MathF.Exp(z), m = u - 1f;
            float expm1 = u == 1f ? z : m == -1f ? -1f : m * z / MathF.Log(u);
            return a * expm1;
        }

        public static Vector128<float> Invoke(Vector128<float> z, Vector128<float> a)
        {
            var u = Vector128.Exp(z);
            var m = u - Vector128<float>.One;
            var expm1 = Vector128.ConditionalSelect(Vector128.Equals(u, Vector128<float>.One), z,
                Vector128.ConditionalSelect(Vector128.Equals(m, -Vector128<float>.One), -Vector128<float>.One, m * z / Vector128.Log(u)));
            return Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), z, a * expm1);
        }

        public static Vector256<float> Invoke(Vector256<float> z, Vector256<float> a)
        {
            var u = Vector256.Exp(z);
            var m = u - Vector256<float>.One;
            var expm1 = Vector256.ConditionalSelect(Vector256.Equals(u, Vector256<float>.One), z,
                Vector256.ConditionalSelect(Vector256.Equals(m, -Vector256<float>.One), -Vector256<float>.One, m * z / Vector256.Log(u)));
            return Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z, a * expm1);
        }

        public static Vector512<float> Invoke(Vector512<float> z, Vector512<float> a)
        {
            var u = Vector512.Exp(z);
            var m = u - Vector512<float>.One;
            var expm1 = Vector512.ConditionalSelect(Vector512.Equals(u, Vector512<float>.One), z,
                Vector512.ConditionalSelect(Vector512.Equals(m, -Vector512<float>.One), -Vector512<float>.One, m * z / Vector512.Log(u)));
            return Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z, a * expm1);
        }
    }

    /// <summary>(z, ∂J/∂h, α) → ∂J/∂h if z &gt; 0, else ∂J/∂h·α·eᶻ.</summary>
    internal readonly struct ExponentialSlope : IBinaryOperatorWithParameter
    {
        public static float Invoke(float z, float dh, float a) => z > 0f ? dh : dh * (a * MathF.Exp(z));
        public static Vector128<float> Invoke(Vector128<float> z, Vector128<float> dh, Vector128<float> a) =>
            Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), dh, dh * (a * Vector128.Exp(z)));
        public static Vector256<float> Invoke(Vector256<float> z, Vector256<float> dh, Vector256<float> a) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), dh, dh * (a * Vector256.Exp(z)));
        public static Vector512<float> Invoke(Vector512<float> z, Vector512<float> dh, Vector512<float> a) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), dh, dh * (a * Vector512.Exp(z)));
    }
}
