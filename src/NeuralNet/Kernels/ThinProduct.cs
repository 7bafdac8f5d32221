using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralNet.Kernels;

/// <summary>
/// A thin C (4 to <see cref="Gemm.StreamedColumns"/> columns: a small batch, transposed) whose A has contiguous columns
/// (W, read where it lies), on the AVX-512 path: blocks of up to 64 rows × 4 columns, sixteen accumulators in registers
/// over a slice of k, every group of columns using the slice of W while it is in L1. Each step of k reads 256 contiguous
/// bytes of a column of W and does sixteen FMAs; the micro-kernel's tile (32 rows × 6 columns) read half that per k,
/// left two of six columns unused at a batch of four, and went through a scratch tile because such a C has strided columns.
/// </summary>
/// <remarks>
/// <para>
/// Every element is the micro-kernel's chain: (C or 0) + row bias + column bias, then one FMA per k in order, so the
/// bits are those of <see cref="Gemm"/>'s other paths and of every other width. A last group of fewer than four
/// columns repeats one of them (the copies are dropped); rows past the last whole vector, when W's columns cannot be
/// aligned, go through one padded vector. So the whole product runs here, never partly on the general path, which
/// would pack A for a few columns.
/// </para>
/// <para>
/// The blocks start where W's columns start a cache line (a managed array is only 8-byte aligned, and a 64-byte load
/// across two lines costs two: 128 → 154 GFLOP/s at 256 × 784 · 784 × 16 on Zen 5). The rows above row 0 and below the
/// last row that such aligned vectors cover are computed and dropped; an aligned load lies in one cache line, and that
/// line holds a value of A, so it never reads outside mapped memory.
/// </para>
/// </remarks>
internal static unsafe class ThinProduct
{
    /// <summary>Rows of a vector; a block has up to four.</summary>
    internal const int VectorRows = 16;
    private const int Rows = 4 * VectorRows, Columns = 4;

    /// <summary>
    /// Vectors in the next block when <paramref name="left"/> remain: four, but a last one of one vector as 3 + 2 (a block
    /// of one does one FMA per broadcast). <see cref="PackedBlocks"/> packs by the same rule.
    /// </summary>
    internal static int VectorsInBlock(int left) => left == 5 ? 3 : Math.Min(4, left);

    /// <summary>M rounded up to whole vectors.</summary>
    internal static int PaddedRows(int m) => Gemm.RoundUp(m, VectorRows);

    internal static bool Applies(in GemmProblem p) =>
        p.Width == SimdWidth.Vector512 && p.A.RowStride == 1 && p.N >= Columns && p.N <= Gemm.StreamedColumns && p.M >= 1;

    /// <summary>
    /// Rows of A (columns of W) per slice of k when several groups of columns share a block's slice. At one k a block's 64
    /// rows are four cache lines, and the next k's lie lda floats on: with lda = 256 (1 KB) the slice's lines fall in a
    /// quarter of L1's sets, so a 128-deep slice (512 lines) was evicted before the next group read it, and 32 deep (128
    /// lines) stays. 784-256-128-10 on Zen 5, 8 to 28 samples: 3–6 % faster than 128 deep. A single group reads each line
    /// once, so it runs all of k in one slice (its accumulators go through memory once).
    /// </summary>
    private const int SharedSlice = 32;

    /// <summary>The whole product: every row and every column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Run(in GemmProblem p)
    {
        Blocks(p);
        int rows = Reach(p);   // all of them when A is packed ahead
        if (rows < p.M)
        {
            // The last rows of an A whose columns cannot all be aligned (10 classes, say): copied into one aligned vector
            // per k, zeros below them, a few values per k where the general path would pack whole tiles.
            int tail = p.M - rows;
            float* padded = PackBuffers.ForCurrentThread().A(VectorRows * p.K);
            float* source = p.A.Data + rows;
            nint lda = p.A.ColumnStride;
            for (int k = 0, depth = p.K; k < depth; k++, source += lda)
            {
                float* destination = padded + k * VectorRows;
                Vector512<float>.Zero.Store(destination);
                for (int r = 0; r < tail; r++) destination[r] = source[r];
            }
            Blocks(p.Rows(rows, tail) with { A = new StridedMatrix(padded, 1, VectorRows), PackedA = default });
        }
    }

    /// <summary>The rows the blocks can reach where A lies (see the remarks), every column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocks(in GemmProblem p)
    {
        GemmProblem problem = p;  // a local copy: the loops below then keep its fields in registers
        // Whole groups of four: a last, partial group repeats its last column of B in the missing ones, whose sums are
        // dropped (three columns of wasted FMAs at most, where the general path would pack A and run edge tiles).
        int columns = (problem.N + Columns - 1) / Columns * Columns;
        bool packed = problem.PackedA.Exists;
        nint lda = problem.A.ColumnStride;
        // With lda a multiple of a vector, every column of A has the same offset from a cache line: start the blocks that
        // many rows above row 0 (Reach: and cover every row). A packed A starts its blocks at row 0, aligned.
        int lead = !packed && lda % VectorRows == 0 ? (int)(((nint)problem.A.Data & 63) / sizeof(float)) : 0;
        int rows = Reach(problem);
        float* tile = PackBuffers.ForCurrentThread().Tile(Rows * columns);
        int vectors;
        // Packed, the blocks are those of every row packed, down to the last that holds a row of this problem.
        int total = packed ? PaddedRows(problem.PackedA.Rows) / VectorRows : (rows + lead + VectorRows - 1) / VectorRows;  // 0 when no whole vector fits
        for (int i = -lead, done = 0; done < total && i < problem.M; i += vectors * VectorRows, done += vectors)
        {
            vectors = VectorsInBlock(total - done);
            Start(problem, i, vectors, columns, tile);
            int slice = columns > Columns ? SharedSlice : problem.K;
            // Packed, a block's k are 16 · vectors apart, in one run.
            nint step = packed ? vectors * VectorRows : lda;
            for (int k0 = 0; k0 < problem.K; k0 += slice)
            {
                int kc = Math.Min(slice, problem.K - k0);
                float* a = packed ? problem.PackedA.Block(i) + k0 * step : problem.A.Data + i + k0 * lda;
                for (int j = 0; j < columns; j += Columns)
                {
                    float* b = problem.B.Data + j * problem.B.ColumnStride + k0 * problem.B.RowStride, t = tile + j * Rows;
                    int live = Math.Min(Columns, problem.N - j);
                    switch (vectors)
                    {
                        case 4: Block<Four>(kc, a, step, b, problem.B.RowStride, problem.B.ColumnStride, live, t); break;
                        case 3: Block<Three>(kc, a, step, b, problem.B.RowStride, problem.B.ColumnStride, live, t); break;
                        case 2: Block<Two>(kc, a, step, b, problem.B.RowStride, problem.B.ColumnStride, live, t); break;
                        default: Block<One>(kc, a, step, b, problem.B.RowStride, problem.B.ColumnStride, live, t); break;
                    }
                }
            }
            Finish(problem, i, vectors, tile);
        }
    }

    /// <summary>
    /// The rows from 0 that <see cref="Blocks"/> covers where A lies: all of them when lda is a multiple of a vector (every
    /// column then aligns at the same start), else the whole vectors only, since no start aligns every column and an
    /// unaligned load past the last row may leave A's memory.
    /// </summary>
    private static int Reach(in GemmProblem p) =>
        p.PackedA.Exists || p.A.ColumnStride % VectorRows == 0 ? p.M : p.M / VectorRows * VectorRows;

    /// <summary>
    /// The accumulators' start for rows [i, i + 16·vectors) and every column of the groups, column-major with 64 rows
    /// per column: (C or 0) + row bias + column bias, in the micro-kernel's order; rows outside C take neither C nor a row
    /// bias, and the columns past C's last are zeros (never a stale value that could be a NaN or a subnormal).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Start(in GemmProblem p, int i, int vectors, int columns, float* tile)
    {
        for (int j = p.N; j < columns; j++)
            for (int v = 0; v < vectors; v++) Vector512<float>.Zero.Store(tile + j * Rows + v * VectorRows);
        if (p.Accumulate)
        {
            StartFromC(p, i, vectors, tile);
            return;
        }
        // 0 + row bias, once per vector of the block rather than once per column: the columns differ only in their bias.
        Vector512<float> r0 = RowPart(p, i), r1 = vectors > 1 ? RowPart(p, i + VectorRows) : default,
            r2 = vectors > 2 ? RowPart(p, i + 2 * VectorRows) : default, r3 = vectors > 3 ? RowPart(p, i + 3 * VectorRows) : default;
        for (int j = 0; j < p.N; j++)
        {
            // Without a column bias this adds +0, which leaves every value as it is: 0 + b is never −0.
            Vector512<float> columnBias = p.ColumnBias != null ? Vector512.Create(p.ColumnBias[j]) : Vector512<float>.Zero;
            float* t = tile + j * Rows;
            (r0 + columnBias).Store(t);
            if (vectors > 1) (r1 + columnBias).Store(t + VectorRows);
            if (vectors > 2) (r2 + columnBias).Store(t + 2 * VectorRows);
            if (vectors > 3) (r3 + columnBias).Store(t + 3 * VectorRows);
        }
    }

    /// <summary>0 + the row bias of rows [r0, r0 + 16) (exactly 0 + b, as the micro-kernel adds it), or 0 without one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> RowPart(in GemmProblem p, int r0)
    {
        if (p.RowBias == null) return Vector512<float>.Zero;
        Vector512<float> bias = r0 >= 0 && r0 + VectorRows <= p.M ? Vector512.Load(p.RowBias + r0) : PaddedRowBias(p.RowBias, r0, p.M);
        return Vector512<float>.Zero + bias;
    }

    /// <summary>The row bias of rows [r0, r0 + 16) at the edges of C, 0 for rows outside [0, m) (whose sums are dropped).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<float> PaddedRowBias(float* bias, int r0, int m)
    {
        float* padded = stackalloc float[VectorRows];
        for (int r = 0; r < VectorRows; r++) padded[r] = r0 + r >= 0 && r0 + r < m ? bias[r0 + r] : 0f;
        return Vector512.Load(padded);
    }

    /// <summary>The start when accumulating: C + row bias + column bias, element by element (the rows outside C take 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StartFromC(in GemmProblem p, int i, int vectors, float* tile)
    {
        for (int j = 0; j < p.N; j++)
            for (int r = 0; r < vectors * VectorRows; r++)
            {
                int row = i + r;
                float x = 0f;
                if (row >= 0 && row < p.M)
                {
                    x = p.C.Data[row * p.C.RowStride + j * p.C.ColumnStride];
                    if (p.RowBias != null) x += p.RowBias[row];
                    if (p.ColumnBias != null) x += p.ColumnBias[j];
                }
                tile[j * Rows + r] = x;
            }
    }

    /// <summary>Writes the rows of the block (16·vectors from row i) that lie in C to C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Finish(in GemmProblem p, int i, int vectors, float* tile)
    {
        int first = Math.Max(i, 0), end = Math.Min(i + vectors * VectorRows, p.M), columns = p.N;
        StridedMatrix c = p.C;
        if (c.ColumnStride == 1 && Sse.IsSupported)
        {
            // C is Cᵀ of a column-major z (a row of C is a run of samples): 4 × 4 blocks of the tile, transposed in
            // registers, are four runs of four values of C.
            int row = first, whole = columns / Columns * Columns;
            for (; row + 4 <= end; row += 4)
                for (int j = 0; j < whole; j += 4)
                {
                    float* t = tile + j * Rows + (row - i), d = c.Data + row * c.RowStride + j;
                    Vector128<float> c0 = Vector128.Load(t), c1 = Vector128.Load(t + Rows), c2 = Vector128.Load(t + 2 * Rows), c3 = Vector128.Load(t + 3 * Rows);
                    Vector128<float> t0 = Sse.UnpackLow(c0, c1), t1 = Sse.UnpackLow(c2, c3), t2 = Sse.UnpackHigh(c0, c1), t3 = Sse.UnpackHigh(c2, c3);
                    Sse.MoveLowToHigh(t0, t1).Store(d);
                    Sse.MoveHighToLow(t1, t0).Store(d + c.RowStride);
                    Sse.MoveLowToHigh(t2, t3).Store(d + 2 * c.RowStride);
                    Sse.MoveHighToLow(t3, t2).Store(d + 3 * c.RowStride);
                }
            // The rows of the transposed blocks in a last, partial group of columns.
            for (int j = whole; j < columns; j++)
                for (int r = first; r < row; r++)
                    c.Data[r * c.RowStride + j] = tile[j * Rows + r - i];
            first = row;
        }
        else if (c.RowStride == 1)
        {
            for (int j = 0; j < columns; j++)
                new ReadOnlySpan<float>(tile + j * Rows + (first - i), end - first).CopyTo(new Span<float>(c.Data + first + j * c.ColumnStride, end - first));
            return;
        }
        for (int j = 0; j < columns; j++)
            for (int row = first; row < end; row++)
                c.Data[row * c.RowStride + j * c.ColumnStride] = tile[j * Rows + row - i];
    }

    /// <summary>
    /// Adds k ∈ [0, kc) of A from <paramref name="a"/> and of B from <paramref name="b"/> to the accumulators at
    /// <paramref name="tile"/>: TCount vectors of rows × 4 columns, of which the first <paramref name="live"/> are B's (the
    /// others repeat the last of them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<TCount>(int kc, float* a, nint lda, float* b, nint ldb, nint bColumn, int live, float* tile)
        where TCount : struct, IVectorCount
    {
        // TCount is a struct, so the JIT compiles one body per count with the unused vectors' code removed.
        int n = TCount.Value;
        Vector512<float> c00 = Vector512.Load(tile), c01 = Vector512.Load(tile + Rows), c02 = Vector512.Load(tile + 2 * Rows), c03 = Vector512.Load(tile + 3 * Rows);
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default, c20 = default, c21 = default, c22 = default, c23 = default,
            c30 = default, c31 = default, c32 = default, c33 = default;
        if (n > 1) { c10 = Vector512.Load(tile + 16); c11 = Vector512.Load(tile + Rows + 16); c12 = Vector512.Load(tile + 2 * Rows + 16); c13 = Vector512.Load(tile + 3 * Rows + 16); }
        if (n > 2) { c20 = Vector512.Load(tile + 32); c21 = Vector512.Load(tile + Rows + 32); c22 = Vector512.Load(tile + 2 * Rows + 32); c23 = Vector512.Load(tile + 3 * Rows + 32); }
        if (n > 3) { c30 = Vector512.Load(tile + 48); c31 = Vector512.Load(tile + Rows + 48); c32 = Vector512.Load(tile + 2 * Rows + 48); c33 = Vector512.Load(tile + 3 * Rows + 48); }
        float* b0 = b, b1 = live > 1 ? b0 + bColumn : b0, b2 = live > 2 ? b1 + bColumn : b1, b3 = live > 3 ? b2 + bColumn : b2;
        for (int k = 0; k < kc; k++, a += lda)
        {
            nint kb = k * ldb;
            Vector512<float> a0 = Vector512.Load(a), a1 = n > 1 ? Vector512.Load(a + 16) : default,
                a2 = n > 2 ? Vector512.Load(a + 32) : default, a3 = n > 3 ? Vector512.Load(a + 48) : default;
            Vector512<float> s = Vector512.Create(b0[kb]);
            c00 = Vector512.FusedMultiplyAdd(a0, s, c00);
            if (n > 1) c10 = Vector512.FusedMultiplyAdd(a1, s, c10);
            if (n > 2) c20 = Vector512.FusedMultiplyAdd(a2, s, c20);
            if (n > 3) c30 = Vector512.FusedMultiplyAdd(a3, s, c30);
            s = Vector512.Create(b1[kb]);
            c01 = Vector512.FusedMultiplyAdd(a0, s, c01);
            if (n > 1) c11 = Vector512.FusedMultiplyAdd(a1, s, c11);
            if (n > 2) c21 = Vector512.FusedMultiplyAdd(a2, s, c21);
            if (n > 3) c31 = Vector512.FusedMultiplyAdd(a3, s, c31);
            s = Vector512.Create(b2[kb]);
            c02 = Vector512.FusedMultiplyAdd(a0, s, c02);
            if (n > 1) c12 = Vector512.FusedMultiplyAdd(a1, s, c12);
            if (n > 2) c22 = Vector512.FusedMultiplyAdd(a2, s, c22);
            if (n > 3) c32 = Vector512.FusedMultiplyAdd(a3, s, c32);
            s = Vector512.Create(b3[kb]);
            c03 = Vector512.FusedMultiplyAdd(a0, s, c03);
            if (n > 1) c13 = Vector512.FusedMultiplyAdd(a1, s, c13);
            if (n > 2) c23 = Vector512.FusedMultiplyAdd(a2, s, c23);
            if (n > 3) c33 = Vector512.FusedMultiplyAdd(a3, s, c33);
        }
        c00.Store(tile); c01.Store(tile + Rows); c02.Store(tile + 2 * Rows); c03.Store(tile + 3 * Rows);
        if (n > 1) { c10.Store(tile + 16); c11.Store(tile + Rows + 16); c12.Store(tile + 2 * Rows + 16); c13.Store(tile + 3 * Rows + 16); }
        if (n > 2) { c20.Store(tile + 32); c21.Store(tile + Rows + 32); c22.Store(tile + 2 * Rows + 32); c23.Store(tile + 3 * Rows + 32); }
        if (n > 3) { c30.Store(tile + 48); c31.Store(tile + Rows + 48); c32.Store(tile + 2 * Rows + 48); c33.Store(tile + 3 * Rows + 48); }
    }
}
