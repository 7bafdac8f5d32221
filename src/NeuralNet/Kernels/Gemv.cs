using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralNet.Kernels;

/// <summary>
/// The one-column case of the GEMM, c = [c] + A b + bias, with A column-major: one sample through a Dense layer.
/// Packing would copy all of A to use it once, so A is streamed where it lies: a block of rows at a time, its
/// accumulators in registers, reading the block's part of every column in memory order, which the hardware
/// prefetchers follow.
/// </summary>
/// <remarks>
/// Below <see cref="SplitThreshold"/> each element is the same FMA chain over p as in <see cref="MicroKernel"/>, so the
/// bits match the GEMM's. From there on, k is summed as two chains, the first half of A's columns and the second, added
/// at the end, one chain per core: a row split would have each core read half of every column of A, which maps to half
/// of its L2's sets and stays cached on neither, while a column split gives each core a contiguous half of A that its
/// L2 keeps between calls (README, Performance, has the measurements). The two chains are the same on
/// one thread, on two and at every vector width, and a batch's forward product sums k in the same two halves
/// (<see cref="DenseProducts.SumsInHalves"/>), so where that rule applies a sample predicted alone has the bits it has
/// inside a batch.
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

    /// <summary>
    /// Up to this many columns of C (a batch of two or three, transposed) each column is its own GEMV: W read once per
    /// sample in memory order beats a tile of six columns of which two or three are used.
    /// </summary>
    internal const int ColumnByColumn = 3;

    /// <summary>Whether <see cref="MultiplyByColumns"/> applies: at most <see cref="ColumnByColumn"/> columns of C, A's columns contiguous.</summary>
    internal static bool AppliesByColumns(in GemmProblem p) => p.N <= ColumnByColumn && p.A.RowStride == 1;

    /// <summary>
    /// Each column of C as a GEMV (the bits of that sample predicted alone), through a contiguous scratch column when
    /// C's columns are strided.
    /// </summary>
    internal static void MultiplyByColumns(in GemmProblem p, int threads)
    {
        float* column = PackBuffers.ForCurrentThread().Column(p.M);
        for (int j = 0; j < p.N; j++)
        {
            StridedMatrix c = p.C.At(0, j);
            if (p.Accumulate)
                for (int i = 0; i < p.M; i++) column[i] = c.Data[i * c.RowStride];
            Multiply(p with
            {
                B = p.B.At(0, j), C = StridedMatrix.ColumnMajor(column, p.M), N = 1,
                ColumnBias = p.ColumnBias == null ? null : p.ColumnBias + j,
            }, threads);
            for (int i = 0; i < p.M; i++) c.Data[i * c.RowStride] = column[i];
        }
    }

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

    /// <summary>
    /// Rows in blocks whose accumulators stay in registers for the whole of k: each block reads its rows of every column of
    /// A once, in memory order, and C is stored once. (Accumulating C in memory, four columns per sweep, reached about half
    /// the bandwidth: a load and a store of C per four FMAs, and stores to C that alias the next loads of A.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TOps, TVector>(in GemmProblem p)
        where TOps : struct, IVectorOps<TVector> where TVector : struct
    {
        int v = TOps.Count, i = 0;
        // 16 accumulators where there are 32 vector registers (AVX-512); 8 elsewhere, with room for the operands.
        if (v == Vector512<float>.Count)
            for (; i + 16 * v <= p.M; i += 16 * v) Rows16<TOps, TVector>(p, i);
        for (; i + 8 * v <= p.M; i += 8 * v) Rows<TOps, TVector, Eight>(p, i, i + 7 * v);
        if (i < p.M) Rest(p, i);
    }

    /// <summary>
    /// The rows from <paramref name="first"/> on, fewer than a block of eight vectors: in one pass over k, so that their
    /// chains run side by side (one after the other, each would wait out its own FMA latency), in vectors of the widest
    /// width no wider than the rows (the ten outputs of a last layer: two 8-float vectors), the last ending at row M and
    /// overlapping the one before (those rows are computed twice, the same chain, so the same bits); 1–3 rows as floats.
    /// </summary>
    private static void Rest(in GemmProblem p, int first)
    {
        int m = p.M - first;
        if (p.Width >= SimdWidth.Vector512 && m >= Vector512<float>.Count) Vectors<Vector512Ops, Vector512<float>>(p, first);
        else if (p.Width >= SimdWidth.Vector256 && m >= Vector256<float>.Count) Vectors<Vector256Ops, Vector256<float>>(p, first);
        else if (p.Width >= SimdWidth.Vector128 && m >= Vector128<float>.Count) Vectors<Vector128Ops, Vector128<float>>(p, first);
        else Vectors<ScalarOps, float>(p, first);
    }

    /// <summary>Rows [first, M), at least one vector and at most eight of them, as one block whose last vector ends at M.</summary>
    private static void Vectors<TOps, TVector>(in GemmProblem p, int first)
        where TOps : struct, IVectorOps<TVector> where TVector : struct
    {
        int v = TOps.Count, last = p.M - v;
        switch ((p.M - first + v - 1) / v)
        {
            case 1: Rows<TOps, TVector, One>(p, first, last); break;
            case 2: Rows<TOps, TVector, Two>(p, first, last); break;
            case 3: Rows<TOps, TVector, Three>(p, first, last); break;
            case 4: Rows<TOps, TVector, Four>(p, first, last); break;
            case 5: Rows<TOps, TVector, Five>(p, first, last); break;
            case 6: Rows<TOps, TVector, Six>(p, first, last); break;
            case 7: Rows<TOps, TVector, Seven>(p, first, last); break;
            default: Rows<TOps, TVector, Eight>(p, first, last); break;
        }
    }

    /// <summary>c[i .. i + 16v) = init + Σₖ A[·, k] b[k]: sixteen vectors of rows, one FMA chain per element, k in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows16<TOps, TVector>(in GemmProblem p, int i)
        where TOps : struct, IVectorOps<TVector> where TVector : struct
    {
        int v = TOps.Count;
        float* a = p.A.Data + i, b = p.B.Data, c = p.C.Data + i;
        nint lda = p.A.ColumnStride, ldb = p.B.RowStride;
        TVector x0 = Initial<TOps, TVector>(p, i), x1 = Initial<TOps, TVector>(p, i + v), x2 = Initial<TOps, TVector>(p, i + 2 * v),
            x3 = Initial<TOps, TVector>(p, i + 3 * v), x4 = Initial<TOps, TVector>(p, i + 4 * v), x5 = Initial<TOps, TVector>(p, i + 5 * v),
            x6 = Initial<TOps, TVector>(p, i + 6 * v), x7 = Initial<TOps, TVector>(p, i + 7 * v), x8 = Initial<TOps, TVector>(p, i + 8 * v),
            x9 = Initial<TOps, TVector>(p, i + 9 * v), x10 = Initial<TOps, TVector>(p, i + 10 * v), x11 = Initial<TOps, TVector>(p, i + 11 * v),
            x12 = Initial<TOps, TVector>(p, i + 12 * v), x13 = Initial<TOps, TVector>(p, i + 13 * v), x14 = Initial<TOps, TVector>(p, i + 14 * v),
            x15 = Initial<TOps, TVector>(p, i + 15 * v);
        for (int k = 0; k < p.K; k++, a += lda)
        {
            TVector s = TOps.Broadcast(b[k * ldb]);
            x0 = TOps.MultiplyAdd(TOps.Load(a), s, x0); x1 = TOps.MultiplyAdd(TOps.Load(a + v), s, x1);
            x2 = TOps.MultiplyAdd(TOps.Load(a + 2 * v), s, x2); x3 = TOps.MultiplyAdd(TOps.Load(a + 3 * v), s, x3);
            x4 = TOps.MultiplyAdd(TOps.Load(a + 4 * v), s, x4); x5 = TOps.MultiplyAdd(TOps.Load(a + 5 * v), s, x5);
            x6 = TOps.MultiplyAdd(TOps.Load(a + 6 * v), s, x6); x7 = TOps.MultiplyAdd(TOps.Load(a + 7 * v), s, x7);
            x8 = TOps.MultiplyAdd(TOps.Load(a + 8 * v), s, x8); x9 = TOps.MultiplyAdd(TOps.Load(a + 9 * v), s, x9);
            x10 = TOps.MultiplyAdd(TOps.Load(a + 10 * v), s, x10); x11 = TOps.MultiplyAdd(TOps.Load(a + 11 * v), s, x11);
            x12 = TOps.MultiplyAdd(TOps.Load(a + 12 * v), s, x12); x13 = TOps.MultiplyAdd(TOps.Load(a + 13 * v), s, x13);
            x14 = TOps.MultiplyAdd(TOps.Load(a + 14 * v), s, x14); x15 = TOps.MultiplyAdd(TOps.Load(a + 15 * v), s, x15);
        }
        TOps.Store(c, x0); TOps.Store(c + v, x1); TOps.Store(c + 2 * v, x2); TOps.Store(c + 3 * v, x3);
        TOps.Store(c + 4 * v, x4); TOps.Store(c + 5 * v, x5); TOps.Store(c + 6 * v, x6); TOps.Store(c + 7 * v, x7);
        TOps.Store(c + 8 * v, x8); TOps.Store(c + 9 * v, x9); TOps.Store(c + 10 * v, x10); TOps.Store(c + 11 * v, x11);
        TOps.Store(c + 12 * v, x12); TOps.Store(c + 13 * v, x13); TOps.Store(c + 14 * v, x14); TOps.Store(c + 15 * v, x15);
    }

    /// <summary>
    /// <see cref="Rows16"/> for <typeparamref name="TCount"/> vectors of rows (up to eight): at i, i + v, … and the last at
    /// <paramref name="last"/>, which may overlap the one before it. Every C value is read (when accumulating) before any
    /// is stored, so an overlapped row starts from C as it was.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TOps, TVector, TCount>(in GemmProblem p, int i, int last)
        where TOps : struct, IVectorOps<TVector> where TVector : struct where TCount : struct, IVectorCount
    {
        int v = TOps.Count, n = TCount.Value;
        int o0 = At(0), o1 = At(1), o2 = At(2), o3 = At(3), o4 = At(4), o5 = At(5), o6 = At(6), o7 = At(7);
        float* a = p.A.Data, b = p.B.Data, c = p.C.Data;
        nint lda = p.A.ColumnStride, ldb = p.B.RowStride;
        TVector x0 = Initial<TOps, TVector>(p, o0), x1 = default, x2 = default, x3 = default, x4 = default, x5 = default, x6 = default, x7 = default;
        if (n > 1) x1 = Initial<TOps, TVector>(p, o1);
        if (n > 2) x2 = Initial<TOps, TVector>(p, o2);
        if (n > 3) x3 = Initial<TOps, TVector>(p, o3);
        if (n > 4) x4 = Initial<TOps, TVector>(p, o4);
        if (n > 5) x5 = Initial<TOps, TVector>(p, o5);
        if (n > 6) x6 = Initial<TOps, TVector>(p, o6);
        if (n > 7) x7 = Initial<TOps, TVector>(p, o7);
        for (int k = 0; k < p.K; k++, a += lda)
        {
            TVector s = TOps.Broadcast(b[k * ldb]);
            x0 = TOps.MultiplyAdd(TOps.Load(a + o0), s, x0);
            if (n > 1) x1 = TOps.MultiplyAdd(TOps.Load(a + o1), s, x1);
            if (n > 2) x2 = TOps.MultiplyAdd(TOps.Load(a + o2), s, x2);
            if (n > 3) x3 = TOps.MultiplyAdd(TOps.Load(a + o3), s, x3);
            if (n > 4) x4 = TOps.MultiplyAdd(TOps.Load(a + o4), s, x4);
            if (n > 5) x5 = TOps.MultiplyAdd(TOps.Load(a + o5), s, x5);
            if (n > 6) x6 = TOps.MultiplyAdd(TOps.Load(a + o6), s, x6);
            if (n > 7) x7 = TOps.MultiplyAdd(TOps.Load(a + o7), s, x7);
        }
        TOps.Store(c + o0, x0);
        if (n > 1) TOps.Store(c + o1, x1);
        if (n > 2) TOps.Store(c + o2, x2);
        if (n > 3) TOps.Store(c + o3, x3);
        if (n > 4) TOps.Store(c + o4, x4);
        if (n > 5) TOps.Store(c + o5, x5);
        if (n > 6) TOps.Store(c + o6, x6);
        if (n > 7) TOps.Store(c + o7, x7);

        // Vector j's first row: the last vector's is `last`; the offsets of vectors past the count are never used.
        int At(int j) => j == n - 1 ? last : i + j * v;
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
