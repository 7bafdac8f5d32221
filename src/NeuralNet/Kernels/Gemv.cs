using System.Runtime.CompilerServices;

namespace NeuralNet.Kernels;

/// <summary>
/// The one-column case of the GEMM, c = [c] + A b + bias, with A column-major: one sample through a Dense layer.
/// Packing would copy all of A to use it once, so A is streamed from where it lies, eight vectors of rows at a time.
/// </summary>
/// <remarks>Each element is the same FMA chain over p as in <see cref="MicroKernel"/>, so the bits match the GEMM's.</remarks>
internal static unsafe class Gemv
{
    /// <summary>Whether <see cref="Run"/> applies: C is one contiguous column and A's columns are contiguous.</summary>
    internal static bool Applies(in GemmProblem p) => p.N == 1 && p.A.RowStride == 1 && p.C.RowStride == 1;

    internal static void Run(in GemmProblem p)
    {
        switch (p.Width)
        {
            case SimdWidth.Vector512: Run<Vector512Ops, System.Runtime.Intrinsics.Vector512<float>>(p); break;
            case SimdWidth.Vector256: Run<Vector256Ops, System.Runtime.Intrinsics.Vector256<float>>(p); break;
            case SimdWidth.Vector128: Run<Vector128Ops, System.Runtime.Intrinsics.Vector128<float>>(p); break;
            default: Run<ScalarOps, float>(p); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TOps, TVector>(in GemmProblem p)
        where TOps : struct, IVectorOps<TVector> where TVector : struct
    {
        int v = TOps.Count, i = 0;
        float* a = p.A.Data, b = p.B.Data, c = p.C.Data;
        nint lda = p.A.ColumnStride, ldb = p.B.RowStride;
        for (; i + 8 * v <= p.M; i += 8 * v)
        {
            TVector x0 = Initial<TOps, TVector>(p, i), x1 = Initial<TOps, TVector>(p, i + v),
                x2 = Initial<TOps, TVector>(p, i + 2 * v), x3 = Initial<TOps, TVector>(p, i + 3 * v),
                x4 = Initial<TOps, TVector>(p, i + 4 * v), x5 = Initial<TOps, TVector>(p, i + 5 * v),
                x6 = Initial<TOps, TVector>(p, i + 6 * v), x7 = Initial<TOps, TVector>(p, i + 7 * v);
            float* column = a + i;
            for (int k = 0; k < p.K; k++, column += lda)
            {
                TVector s = TOps.Broadcast(b[k * ldb]);
                x0 = TOps.MultiplyAdd(TOps.Load(column), s, x0);
                x1 = TOps.MultiplyAdd(TOps.Load(column + v), s, x1);
                x2 = TOps.MultiplyAdd(TOps.Load(column + 2 * v), s, x2);
                x3 = TOps.MultiplyAdd(TOps.Load(column + 3 * v), s, x3);
                x4 = TOps.MultiplyAdd(TOps.Load(column + 4 * v), s, x4);
                x5 = TOps.MultiplyAdd(TOps.Load(column + 5 * v), s, x5);
                x6 = TOps.MultiplyAdd(TOps.Load(column + 6 * v), s, x6);
                x7 = TOps.MultiplyAdd(TOps.Load(column + 7 * v), s, x7);
            }
            TOps.Store(c + i, x0); TOps.Store(c + i + v, x1); TOps.Store(c + i + 2 * v, x2); TOps.Store(c + i + 3 * v, x3);
            TOps.Store(c + i + 4 * v, x4); TOps.Store(c + i + 5 * v, x5); TOps.Store(c + i + 6 * v, x6); TOps.Store(c + i + 7 * v, x7);
        }
        for (; i + v <= p.M; i += v)
        {
            TVector x = Initial<TOps, TVector>(p, i);
            for (int k = 0; k < p.K; k++) x = TOps.MultiplyAdd(TOps.Load(a + i + k * lda), TOps.Broadcast(b[k * ldb]), x);
            TOps.Store(c + i, x);
        }
        for (; i < p.M; i++)
        {
            float x = Initial<ScalarOps, float>(p, i);
            for (int k = 0; k < p.K; k++) x = MathF.FusedMultiplyAdd(a[i + k * lda], b[k * ldb], x);
            c[i] = x;
        }
    }

    /// <summary>The accumulators' start, in the micro-kernel's order: c or 0, then the row bias, then the column bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Initial<TOps, TVector>(in GemmProblem p, int i)
        where TOps : struct, IVectorOps<TVector> where TVector : struct
    {
        TVector x = p.Accumulate ? TOps.Load(p.C.Data + i) : TOps.Zero;
        if (p.RowBias != null) x = TOps.Add(x, TOps.Load(p.RowBias + i));
        if (p.ColumnBias != null) x = TOps.Add(x, TOps.Broadcast(p.ColumnBias[0]));
        return x;
    }
}
