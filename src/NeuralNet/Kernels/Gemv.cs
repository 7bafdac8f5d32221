using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralNet.Kernels;

/// <summary>
/// The one-column case of the GEMM, c = [c] + A b + bias, with A column-major: one sample through a Dense layer.
/// Packing would copy all of A to use it once, so A is streamed column by column, in memory order, which the
/// hardware prefetchers follow; c (one column, a few KB) stays in L1 while it accumulates.
/// </summary>
/// <remarks>
/// Below <see cref="SplitThreshold"/> each element is the same FMA chain over p as in <see cref="MicroKernel"/>, so the
/// bits match the GEMM's. From there on, k is summed as two chains, the first half of A's columns and the second, added
/// at the end, one chain per core: a row split would have each core read half of every column of A, which maps to half
/// of its L2's sets and stays cached on neither, while a column split gives each core a contiguous half of A that its
/// L2 keeps between calls (README, Performance, has the measurements). The two chains are the same on
/// one thread, on two and at every vector width; a sample predicted alone can differ in the last bit from the same
/// sample inside a batch, as in other BLAS-backed libraries.
/// </remarks>
internal static unsafe class Gemv
{
    /// <summary>
    /// From this many multiply-adds (128 KB of A) on, k is summed in two halves, on two cores when there are two. The
    /// 256 → 128 layer after the 784 → 256 one qualifies: split too, it leaves each core 464 KB of weights for its 512 KB L2.
    /// </summary>
    internal const long SplitThreshold = 1L << 15;

    /// <summary>Whether <see cref="Run"/> applies: C is one contiguous column and A's columns are contiguous.</summary>
    internal static bool Applies(in GemmProblem p) => p.N == 1 && p.A.RowStride == 1 && p.C.RowStride == 1;

    /// <summary>The product, in two halves of k from <see cref="SplitThreshold"/> on, on up to two threads.</summary>
    internal static void Multiply(in GemmProblem p, int threads)
    {
        if ((long)p.M * p.K < SplitThreshold)
        {
            Run(p);
            return;
        }
        int half = p.K / 2;
        float* partial = PackBuffers.ForCurrentThread().Partial(p.M);
        Span<GemmProblem> halves =
        [
            p with { K = half },
            p with
            {
                A = p.A.At(0, half), B = p.B.At(half, 0), K = p.K - half, C = StridedMatrix.ColumnMajor(partial, p.M),
                Accumulate = false, RowBias = null, ColumnBias = null,
            },
        ];
        KernelThreads.Run(halves, threads);
        var c = new Span<float>(p.C.Data, p.M);
        TensorPrimitives.Add(c, new ReadOnlySpan<float>(partial, p.M), c);
    }

    internal static void Run(in GemmProblem p)
    {
        switch (p.Width)
        {
            case SimdWidth.Vector512: Run<Vector512Ops, Vector512<float>>(p); break;
            case SimdWidth.Vector256: Run<Vector256Ops, Vector256<float>>(p); break;
            case SimdWidth.Vector128: Run<Vector128Ops, Vector128<float>>(p); break;
            default: Run<ScalarOps, float>(p); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TOps, TVector>(in GemmProblem p)
        where TOps : struct, IVectorOps<TVector> where TVector : struct
    {
        int v = TOps.Count, vectorRows = p.M - p.M % v;
        float* a = p.A.Data, b = p.B.Data, c = p.C.Data;
        nint lda = p.A.ColumnStride, ldb = p.B.RowStride;
        for (int i = 0; i < vectorRows; i += v) TOps.Store(c + i, Initial<TOps, TVector>(p, i));
        for (int i = vectorRows; i < p.M; i++) c[i] = Initial<ScalarOps, float>(p, i);

        // Four columns per sweep: each element of c is loaded and stored once per four FMAs (a sweep per column would
        // be bound by the stores), and the four columns are four sequential streams for the prefetchers.
        int k = 0;
        for (; k + 4 <= p.K; k += 4)
        {
            float* a0 = a + k * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
            float b0 = b[k * ldb], b1 = b[(k + 1) * ldb], b2 = b[(k + 2) * ldb], b3 = b[(k + 3) * ldb];
            TVector s0 = TOps.Broadcast(b0), s1 = TOps.Broadcast(b1), s2 = TOps.Broadcast(b2), s3 = TOps.Broadcast(b3);
            for (int i = 0; i < vectorRows; i += v)
            {
                TVector x = TOps.MultiplyAdd(TOps.Load(a0 + i), s0, TOps.Load(c + i));
                x = TOps.MultiplyAdd(TOps.Load(a1 + i), s1, x);
                x = TOps.MultiplyAdd(TOps.Load(a2 + i), s2, x);
                TOps.Store(c + i, TOps.MultiplyAdd(TOps.Load(a3 + i), s3, x));
            }
            for (int i = vectorRows; i < p.M; i++)
                c[i] = MathF.FusedMultiplyAdd(a3[i], b3, MathF.FusedMultiplyAdd(a2[i], b2,
                    MathF.FusedMultiplyAdd(a1[i], b1, MathF.FusedMultiplyAdd(a0[i], b0, c[i]))));
        }
        for (; k < p.K; k++)
        {
            float* column = a + k * lda;
            float bk = b[k * ldb];
            TVector s = TOps.Broadcast(bk);
            for (int i = 0; i < vectorRows; i += v) TOps.Store(c + i, TOps.MultiplyAdd(TOps.Load(column + i), s, TOps.Load(c + i)));
            for (int i = vectorRows; i < p.M; i++) c[i] = MathF.FusedMultiplyAdd(column[i], bk, c[i]);
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
