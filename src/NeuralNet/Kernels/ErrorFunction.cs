using System.Runtime.Intrinsics;

namespace NeuralNet.Kernels;

/// <summary>
/// The complementary error function erfc(x) = 1 − erf(x) in float at every vector width, which .NET does not provide.
/// </summary>
/// <remarks>
/// Numerical Recipes' Chebyshev fit (erfcc): with z = |x| and t = 1 / (1 + z/2),
/// erfc(z) = t·exp(−z² − 1.26551223 + t·P(t)), P a polynomial of degree 9, and erfc(−z) = 2 − erfc(z). Its error is
/// below 1.2e-7 relative to erfc everywhere, so the tail that GELU's Φ(x) = erfc(−x/√2)/2 needs for x ≪ 0 keeps its
/// relative precision instead of the cancellation 1 + erf(x) would suffer. No branch: z = ∞ gives t = 0 and
/// exp(−∞) = 0, exactly 0; NaN stays NaN. The scalar path is the reference; the vector paths do the same operations.
/// </remarks>
internal readonly struct Erfc : IUnaryOperator
{
    private const float C0 = -1.26551223f, C1 = 1.00002368f, C2 = 0.37409196f, C3 = 0.09678418f, C4 = -0.18628806f,
        C5 = 0.27886807f, C6 = -1.13520398f, C7 = 1.48851587f, C8 = -0.82215223f, C9 = 0.17087277f;

    public static float Invoke(float x)
    {
        float z = MathF.Abs(x);
        float t = 1f / (1f + 0.5f * z);
        float p = C8 + t * C9;
        p = C7 + t * p; p = C6 + t * p; p = C5 + t * p; p = C4 + t * p;
        p = C3 + t * p; p = C2 + t * p; p = C1 + t * p; p = C0 + t * p;
        float tail = t * MathF.Exp(p - z * z);
        return x >= 0f ? tail : 2f - tail;
    }

    public static Vector128<float> Invoke(Vector128<float> x)
    {
        var z = Vector128.Abs(x);
        var t = Vector128<float>.One / (Vector128<float>.One + Vector128.Create(0.5f) * z);
        var p = Vector128.Create(C8) + t * Vector128.Create(C9);
        p = Vector128.Create(C7) + t * p; p = Vector128.Create(C6) + t * p; p = Vector128.Create(C5) + t * p; p = Vector128.Create(C4) + t * p;
        p = Vector128.Create(C3) + t * p; p = Vector128.Create(C2) + t * p; p = Vector128.Create(C1) + t * p; p = Vector128.Create(C0) + t * p;
        var tail = t * Vector128.Exp(p - z * z);
        return Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(x, Vector128<float>.Zero), tail, Vector128.Create(2f) - tail);
    }

    public static Vector256<float> Invoke(Vector256<float> x)
    {
        var z = Vector256.Abs(x);
        var t = Vector256<float>.One / (Vector256<float>.One + Vector256.Create(0.5f) * z);
        var p = Vector256.Create(C8) + t * Vector256.Create(C9);
        p = Vector256.Create(C7) + t * p; p = Vector256.Create(C6) + t * p; p = Vector256.Create(C5) + t * p; p = Vector256.Create(C4) + t * p;
        p = Vector256.Create(C3) + t * p; p = Vector256.Create(C2) + t * p; p = Vector256.Create(C1) + t * p; p = Vector256.Create(C0) + t * p;
        var tail = t * Vector256.Exp(p - z * z);
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), tail, Vector256.Create(2f) - tail);
    }

    public static Vector512<float> Invoke(Vector512<float> x)
    {
        var z = Vector512.Abs(x);
        var t = Vector512<float>.One / (Vector512<float>.One + Vector512.Create(0.5f) * z);
        var p = Vector512.Create(C8) + t * Vector512.Create(C9);
        p = Vector512.Create(C7) + t * p; p = Vector512.Create(C6) + t * p; p = Vector512.Create(C5) + t * p; p = Vector512.Create(C4) + t * p;
        p = Vector512.Create(C3) + t * p; p = Vector512.Create(C2) + t * p; p = Vector512.Create(C1) + t * p; p = Vector512.Create(C0) + t * p;
        var tail = t * Vector512.Exp(p - z * z);
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero), tail, Vector512.Create(2f) - tail);
    }
}

/// <summary>The error function erf(x) = 1 − erfc(x), within about 1e-7 of it everywhere (see <see cref="Erfc"/>).</summary>
internal readonly struct Erf : IUnaryOperator
{
    public static float Invoke(float x) => 1f - Erfc.Invoke(x);
    public static Vector128<float> Invoke(Vector128<float> x) => Vector128<float>.One - Erfc.Invoke(x);
    public static Vector256<float> Invoke(Vector256<float> x) => Vector256<float>.One - Erfc.Invoke(x);
    public static Vector512<float> Invoke(Vector512<float> x) => Vector512<float>.One - Erfc.Invoke(x);
}
