using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Kernels;

/// <summary>
/// Softmax along each row, computed stably (the row's maximum subtracted before exponentiating; TensorPrimitives.SoftMax
/// does not, and overflows near 89), with each row's log-sum-exp as a by-product. Shared by the Softmax layer and the
/// losses that fuse with it; it knows neither.
/// </summary>
/// <remarks>
/// Column-major storage puts one class of a block of rows in one vector, so a block of rows is softmaxed in registers:
/// its maximum, exponentials, sum and quotients, class by class, in one pass per step over the block's classes (the
/// block's values stay in L1). Every lane is a row computed alone, the sum taken over the classes in order, and the rows
/// past the last whole vector go through the same vector functions one lane at a time (<see cref="Lane0Ops"/>), so a
/// row has the same bits at any position in any batch and at every vector width; the scalar path is the reference.
/// </remarks>
internal static class RowSoftmax
{
    /// <summary>Softmax of every row of <paramref name="z"/> into <paramref name="h"/> (which may be <paramref name="z"/>).</summary>
    internal static void Apply(Matrix<float> z, Matrix<float> h) => Apply(z, h, []);

    /// <summary>
    /// Softmax of every row of <paramref name="z"/> into <paramref name="h"/> (which may be <paramref name="z"/>), and each
    /// row's log-sum-exp, log Σⱼ exp(zⱼ), into <paramref name="logSumExp"/> unless it is empty.
    /// </summary>
    internal static void Apply(Matrix<float> z, Matrix<float> h, Span<float> logSumExp)
    {
        if (!logSumExp.IsEmpty && logSumExp.Length < z.RowCount)
            throw new ArgumentException($"The log-sum-exp span holds {logSumExp.Length} values but the batch has {z.RowCount} rows.", nameof(logSumExp));
        Shapes.RequireSame(h, z, nameof(h));
        switch (Simd.Width)
        {
            case SimdWidth.Vector512: Run<Vector512Ops, Vector512<float>>(z, h, logSumExp); break;
            case SimdWidth.Vector256: Run<Vector256Ops, Vector256<float>>(z, h, logSumExp); break;
            case SimdWidth.Vector128: Run<Vector128Ops, Vector128<float>>(z, h, logSumExp); break;
            default: Run<ScalarOps, float>(z, h, logSumExp); break;
        }
    }

    /// <summary>Whole vectors of rows at <typeparamref name="TOps"/>' width, then narrower ones, then single lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run<TOps, TVector>(Matrix<float> z, Matrix<float> h, Span<float> logSumExp)
        where TOps : struct, IVectorMath<TVector> where TVector : struct
    {
        int n = z.RowCount, classes = z.ColumnCount, i = 0;
        fixed (float* zs = z.AsColumnMajorArray(), hs = h.AsColumnMajorArray(), lse = logSumExp)
        {
            if (n == 1 && TOps.Count > 1)
            {
                OneRow<TOps, TVector>(zs, hs, lse, classes);
                return;
            }
            Rows<TOps, TVector>(zs, hs, lse, n, classes, ref i);
            if (TOps.Count == 1) return;
            if (TOps.Count > Vector256<float>.Count) Rows<Vector256Ops, Vector256<float>>(zs, hs, lse, n, classes, ref i);
            if (TOps.Count > Vector128<float>.Count) Rows<Vector128Ops, Vector128<float>>(zs, hs, lse, n, classes, ref i);
            Rows<Lane0Ops, Vector128<float>>(zs, hs, lse, n, classes, ref i);
        }
    }

    /// <summary>
    /// A batch of one, whose classes lie side by side: vectors across the classes for the element-wise steps (the bits
    /// of any lane: each is one value's own operations), the classes past the last whole vector padded into one more, the
    /// sum in class order as a row's lane takes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void OneRow<TOps, TVector>(float* z, float* h, float* logSumExp, int classes)
        where TOps : struct, IVectorMath<TVector> where TVector : struct
    {
        // The maximum as a lane's Max takes it (max unless max > z[j], z[j]), so ±0 come out the same.
        float max = z[0], sum = 0f;
        for (int j = 1; j < classes; j++) max = max > z[j] ? max : z[j];
        int whole = classes - classes % TOps.Count, left = classes - whole;
        // The last classes in a vector of their own (the lanes past them hold the maximum, whose exponential is 1, and
        // are dropped): one exponential and one quotient where narrower vectors and single lanes took up to four.
        float* rest = stackalloc float[TOps.Count];
        for (int j = 0; j < TOps.Count; j++) rest[j] = j < left ? z[whole + j] : max;
        TVector maxV = TOps.Broadcast(max);
        for (int c = 0; c < whole; c += TOps.Count) TOps.Store(h + c, TOps.Exp(TOps.Subtract(TOps.Load(z + c), maxV)));
        if (left > 0) TOps.Store(rest, TOps.Exp(TOps.Subtract(TOps.Load(rest), maxV)));
        for (int j = 0; j < whole; j++) sum += h[j];
        for (int j = 0; j < left; j++) sum += rest[j];
        TVector sumV = TOps.Broadcast(sum);
        for (int c = 0; c < whole; c += TOps.Count) TOps.Store(h + c, TOps.Divide(TOps.Load(h + c), sumV));
        if (left > 0) TOps.Store(rest, TOps.Divide(TOps.Load(rest), sumV));
        for (int j = 0; j < left; j++) h[whole + j] = rest[j];
        if (logSumExp != null) *logSumExp = max + Lane0Ops.Log(Vector128.CreateScalarUnsafe(sum)).ToScalar();
    }

    /// <summary>
    /// Blocks of <typeparamref name="TOps"/>' width from row <paramref name="i"/> while a whole one fits; advances it. Not
    /// inlined: one method holding every width's loop spilled its registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Rows<TOps, TVector>(float* zs, float* hs, float* logSumExp, int n, int classes, ref int i)
        where TOps : struct, IVectorMath<TVector> where TVector : struct
    {
        for (; i + TOps.Count <= n; i += TOps.Count)
        {
            float* z = zs + i, h = hs + i;
            TVector max = TOps.Load(z);
            for (int j = 1; j < classes; j++) max = TOps.Max(max, TOps.Load(z + (nint)j * n));
            TVector sum = TOps.Zero;
            for (int j = 0; j < classes; j++)
            {
                TVector e = TOps.Exp(TOps.Subtract(TOps.Load(z + (nint)j * n), max));
                TOps.Store(h + (nint)j * n, e);
                sum = TOps.Add(sum, e);
            }
            for (int j = 0; j < classes; j++) TOps.Store(h + (nint)j * n, TOps.Divide(TOps.Load(h + (nint)j * n), sum));
            // log-sum-exp = max + log Σ exp(z − max): finite for any finite logits (the sum is at least 1).
            if (logSumExp != null) TOps.Store(logSumExp + i, TOps.Add(max, TOps.Log(sum)));
        }
    }

    /// <summary>Makes <paramref name="scratch"/> at least <paramref name="length"/> long (a new array when it is shorter).</summary>
    internal static void EnsureScratch(ref float[] scratch, int length)
    {
        if (scratch.Length < length) scratch = new float[length];
    }
}
