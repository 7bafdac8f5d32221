using System.Runtime.Intrinsics;
using NeuralNet.Kernels;

namespace NeuralNet.Layers;

/// <summary>
/// Gaussian error linear unit, as torch's <c>nn.GELU</c>. Exact (torch's <c>approximate="none"</c>):
/// g(z) = z·Φ(z) = ½z(1 + erf(z/√2)), g'(z) = Φ(z) + z·φ(z) with φ(z) = e^(−z²/2)/√(2π).
/// Approximate (<c>approximate="tanh"</c>): g(z) = ½z(1 + tanh u) with u = √(2/π)(z + 0.044715z³),
/// g'(z) = ½(1 + tanh u) + ½z(1 − tanh²u)·√(2/π)(1 + 3·0.044715z²).
/// </summary>
/// <remarks>
/// Φ(z) is computed as erfc(−z/√2)/2 (<see cref="Erfc"/>, within 1.2e-7 relative), so g keeps its relative precision
/// for z ≪ 0. The tanh form is computed through ½(1 + tanh u) = σ(2u) = 1/(1 + e^(−2u)) and 1 − σ(2u) = σ(−2u),
/// which neither cancel nor give NaN at ±1000.
/// Thread safety: as every <see cref="ActivationLayer"/>, Predict from many threads, Forward and Backward from one.
/// </remarks>
public sealed class GELU : ActivationLayer, ILayerFactory<GELU>
{
    private const float InverseSqrt2 = 0.70710678118654752f;
    private const float InverseSqrt2Pi = 0.39894228040143268f;
    private const float TwoSqrt2OverPi = 1.5957691216057308f; // 2√(2/π): the 2 of σ(2u)
    private const float Kappa = 0.044715f;

    /// <summary>A GELU.</summary>
    /// <param name="tanhApproximation">false (torch's default): the exact z·Φ(z); true: torch's tanh approximation.</param>
    public GELU(bool tanhApproximation = false) => TanhApproximation = tanhApproximation;

    /// <summary>Whether the layer computes torch's tanh approximation instead of the exact z·Φ(z).</summary>
    public bool TanhApproximation { get; }

    static string ILayerFactory<GELU>.KindName => "GELU";

    static GELU ILayerFactory<GELU>.FromConfig(LayerConfig config) => new(config.GetBoolean("tanhApproximation"));

    /// <summary>tanhApproximation: <see cref="TanhApproximation"/>.</summary>
    public override LayerConfig GetConfig() => new() { { "tanhApproximation", TanhApproximation } };

    /// <summary>He: it keeps the variance of a ReLU-like unit's output stable.</summary>
    public override WeightInitialization InitializationBefore => WeightInitialization.He;

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> h)
    {
        if (TanhApproximation) Elementwise.Apply<TanhForm>(z, h);
        else Elementwise.Apply<Exact>(z, h);
    }

    /// <inheritdoc/>
    protected override void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h,
        ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        if (TanhApproximation) Elementwise.Apply<TanhFormSlope>(z, outputGradient, inputGradient);
        else Elementwise.Apply<ExactSlope>(z, outputGradient, inputGradient);
    }

    /// <inheritdoc/>
    public override string ToString() => TanhApproximation ? "GELU(tanh)" : "GELU(exact)";

    /// <summary>z → z·Φ(z), Φ(z) = erfc(−z/√2)/2.</summary>
    internal readonly struct Exact : IUnaryOperator
    {
        public static float Invoke(float z) => z * (0.5f * Erfc.Invoke(-z * InverseSqrt2));
        public static Vector128<float> Invoke(Vector128<float> z) => z * (Vector128.Create(0.5f) * Erfc.Invoke(-z * Vector128.Create(InverseSqrt2)));
        public static Vector256<float> Invoke(Vector256<float> z) => z * (Vector256.Create(0.5f) * Erfc.Invoke(-z * Vector256.Create(InverseSqrt2)));
        public static Vector512<float> Invoke(Vector512<float> z) => z * (Vector512.Create(0.5f) * Erfc.Invoke(-z * Vector512.Create(InverseSqrt2)));
    }

    /// <summary>(z, ∂J/∂h) → ∂J/∂h·(Φ(z) + z·φ(z)).</summary>
    internal readonly struct ExactSlope : IBinaryOperator
    {
        public static float Invoke(float z, float dh) =>
            dh * (0.5f * Erfc.Invoke(-z * InverseSqrt2) + z * (InverseSqrt2Pi * MathF.Exp(-0.5f * z * z)));

        public static Vector128<float> Invoke(Vector128<float> z, Vector128<float> dh) =>
            dh * (Vector128.Create(0.5f) * Erfc.Invoke(-z * Vector128.Create(InverseSqrt2))
                + z * (Vector128.Create(InverseSqrt2Pi) * Vector128.Exp(Vector128.Create(-0.5f) * z * z)));

        public static Vector256<float> Invoke(Vector256<float> z, Vector256<float> dh) =>
            dh * (Vector256.Create(0.5f) * Erfc.Invoke(-z * Vector256.Create(InverseSqrt2))
                + z * (Vector256.Create(InverseSqrt2Pi) * Vector256.Exp(Vector256.Create(-0.5f) * z * z)));

        public static Vector512<float> Invoke(Vector512<float> z, Vector512<float> dh) =>
            dh * (Vector512.Create(0.5f) * Erfc.Invoke(-z * Vector512.Create(InverseSqrt2))
                + z * (Vector512.Create(InverseSqrt2Pi) * Vector512.Exp(Vector512.Create(-0.5f) * z * z)));
    }

    /// <summary>z → z / (1 + e^(−2u)), 2u = 2√(2/π)(z + κz³).</summary>
    internal readonly struct TanhForm : IUnaryOperator
    {
        public static float Invoke(float z) => z / (1f + MathF.Exp(-TwoSqrt2OverPi * (z + Kappa * z * z * z)));

        public static Vector128<float> Invoke(Vector128<float> z) =>
            z / (Vector128<float>.One + Vector128.Exp(Vector128.Create(-TwoSqrt2OverPi) * (z + Vector128.Create(Kappa) * z * z * z)));

        public static Vector256<float> Invoke(Vector256<float> z) =>
            z / (Vector256<float>.One + Vector256.Exp(Vector256.Create(-TwoSqrt2OverPi) * (z + Vector256.Create(Kappa) * z * z * z)));

        public static Vector512<float> Invoke(Vector512<float> z) =>
            z / (Vector512<float>.One + Vector512.Exp(Vector512.Create(-TwoSqrt2OverPi) * (z + Vector512.Create(Kappa) * z * z * z)));
    }

    /// <summary>(z, ∂J/∂h) → ∂J/∂h·(s + z·2u'·s(1 − s)), s = σ(2u), 1 − s = σ(−2u), 2u' = 2√(2/π)(1 + 3κz²).</summary>
    internal readonly struct TanhFormSlope : IBinaryOperator
    {
        public static float Invoke(float z, float dh)
        {
            float twoU = TwoSqrt2OverPi * (z + Kappa * z * z * z);
            float s = 1f / (1f + MathF.Exp(-twoU)), complement = 1f / (1f + MathF.Exp(twoU));
            float slope = TwoSqrt2OverPi * (1f + 3f * Kappa * z * z);
            return dh * (s + z * slope * (s * complement));
        }

        public static Vector128<float> Invoke(Vector128<float> z, Vector128<float> dh)
        {
            var twoU = Vector128.Create(TwoSqrt2OverPi) * (z + Vector128.Create(Kappa) * z * z * z);
            var s = Vector128<float>.One / (Vector128<float>.One + Vector128.Exp(-twoU));
            var complement = Vector128<float>.One / (Vector128<float>.One + Vector128.Exp(twoU));
            var slope = Vector128.Create(TwoSqrt2OverPi) * (Vector128<float>.One + Vector128.Create(3f * Kappa) * z * z);
            return dh * (s + z * slope * (s * complement));
        }

        public static Vector256<float> Invoke(Vector256<float> z, Vector256<float> dh)
        {
            var twoU = Vector256.Create(TwoSqrt2OverPi) * (z + Vector256.Create(Kappa) * z * z * z);
            var s = Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-twoU));
            var complement = Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(twoU));
            var slope = Vector256.Create(TwoSqrt2OverPi) * (Vector256<float>.One + Vector256.Create(3f * Kappa) * z * z);
            return dh * (s + z * slope * (s * complement));
        }

        public static Vector512<float> Invoke(Vector512<float> z, Vector512<float> dh)
        {
            var twoU = Vector512.Create(TwoSqrt2OverPi) * (z + Vector512.Create(Kappa) * z * z * z);
            var s = Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-twoU));
            var complement = Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(twoU));
            var slope = Vector512.Create(TwoSqrt2OverPi) * (Vector512<float>.One + Vector512.Create(3f * Kappa) * z * z);
            return dh * (s + z * slope * (s * complement));
        }
    }
}
