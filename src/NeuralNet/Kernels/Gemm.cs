using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralNet.Kernels;

/// <summary>
/// Single-precision GEMM on strided views of raw arrays, in the Goto/BLIS scheme: C is cut into NC-column blocks,
/// K into KC-deep slices (B's slice packed once, to stay in L2/L3, unless its rows are contiguous and it is read where
/// it lies), M into MC-row blocks (A's block packed, to stay in L2, unless C is thin), and each MR × NR tile is computed
/// by <see cref="MicroKernel"/> from the slivers.
/// </summary>
internal static unsafe class Gemm
{
    private const int KC = 256;
    private const int MC = 128;  // a multiple of every MR (32, 16, 8, 2)
    private const int NC = 1020;  // a multiple of NR
    private const int NR = MicroKernel.NR;

    /// <summary>
    /// Below this many multiply-adds a second thread costs more than handing it a part does (README, Performance: the
    /// hand-over and the threshold's measurements).
    /// </summary>
    internal const long ParallelThreshold = 1L << 18;

    /// <summary>Up to this many columns of C, an A with contiguous columns is read in place rather than packed.</summary>
    internal const int StreamedColumns = 32;

    /// <summary>Computes the product on up to <paramref name="threads"/> threads; the result is the same for any count.</summary>
    internal static void Multiply(GemmProblem problem, int threads)
    {
        if (problem.M <= 0 || problem.N <= 0) return;
        // A thin C (fewer rows than a tile) wastes most of every tile: compute Cᵀ = Bᵀ Aᵀ instead. Up to
        // Gemv.ColumnByColumn rows at every width, so that those columns are GEMVs on every path, with the same bits.
        if ((problem.M < RowsPerTile(problem.Width) || problem.M <= Gemv.ColumnByColumn) && problem.N > problem.M)
            problem = problem.Transpose();
        if (Gemv.Applies(problem))
        {
            Gemv.Multiply(problem, threads);
            return;
        }
        if (Gemv.AppliesByColumns(problem))
        {
            Gemv.MultiplyByColumns(problem, threads);
            return;
        }

        long work = (long)problem.M * problem.N * Math.Max(problem.K, 1);
        int parts = work >= ParallelThreshold ? Math.Min(threads, KernelThreads.Count) : 1;
        if (parts <= 1)
        {
            RunSerial(problem);
            return;
        }
        Span<GemmProblem> split = stackalloc GemmProblem[parts];
        KernelThreads.Run(split[..Split(problem, split)], parts);
    }

    /// <summary>
    /// Cuts C into at most <c>parts.Length</c> blocks of whole tiles along its longer side; returns how many. Each part
    /// owns its outputs and sums every k itself, so the result cannot depend on how many parts there are.
    /// </summary>
    internal static int Split(in GemmProblem problem, Span<GemmProblem> parts)
    {
        bool byColumns = problem.N >= problem.M;
        int length = byColumns ? problem.N : problem.M, unit = byColumns ? NR : RowsPerTile(problem.Width);
        int chunk = (length + parts.Length - 1) / parts.Length;
        chunk = (chunk + unit - 1) / unit * unit;
        int count = 0;
        for (int start = 0; start < length; start += chunk)
        {
            int size = Math.Min(chunk, length - start);
            parts[count++] = byColumns ? problem.Columns(start, size) : problem.Rows(start, size);
        }
        return count;
    }

    /// <summary>Rows of a micro-kernel tile at the given width.</summary>
    internal static int RowsPerTile(SimdWidth width) => width switch
    {
        SimdWidth.Vector512 => 2 * Vector512<float>.Count,
        SimdWidth.Vector256 => 2 * Vector256<float>.Count,
        SimdWidth.Vector128 => 2 * Vector128<float>.Count,
        _ => 2,
    };

    /// <summary>A part (one block of C, or one half of a GEMV's k) on the calling thread, as it is: no further splitting.</summary>
    internal static void RunSerial(in GemmProblem problem)
    {
        if (Gemv.Applies(problem))
        {
            Gemv.Run(problem);
            return;
        }
        if (ThinProduct.Applies(problem))
        {
            ThinProduct.Run(problem);
            return;
        }
        if (ThinTail(problem) is int tail and > 0)
        {
            RunGeneral(problem.Rows(0, problem.M - tail));
            ThinProduct.Run(problem.Rows(problem.M - tail, tail).Transpose());
            return;
        }
        RunGeneral(problem);
    }

    /// <summary>
    /// How many last rows of C, past its whole tiles, the thin product takes over (0 for none): up to one vector of them,
    /// when transposed they are a thin product (the forward product's, W read where it lies). In the blocked GEMM such a
    /// last tile of rows re-reads each panel of W where it lies, whose 1 KB-strided lines L1 does not keep from the
    /// tile before, so it cost what a whole tile costs: 784 → 256 at 40 and at 48 rows took as long as at 64 (Zen 5).
    /// The bits are the same (every path computes each element as the same chain).
    /// </summary>
    private static int ThinTail(in GemmProblem problem)
    {
        int tile = RowsPerTile(problem.Width), tail = problem.M % tile;
        if (problem.M < tile || tail == 0 || tail > tile / 2) return 0;
        return ThinProduct.Applies(problem.Rows(problem.M - tail, tail).Transpose()) ? tail : 0;
    }

    /// <summary>The blocked GEMM at the problem's width.</summary>
    private static void RunGeneral(in GemmProblem problem)
    {
        switch (problem.Width)
        {
            case SimdWidth.Vector512: Blocked<Vector512Ops, Vector512<float>>(problem); break;
            case SimdWidth.Vector256: Blocked<Vector256Ops, Vector256<float>>(problem); break;
            case SimdWidth.Vector128: Blocked<Vector128Ops, Vector128<float>>(problem); break;
            default: Blocked<ScalarOps, float>(problem); break;
        }
    }

    // Fully optimized from the first call, as every loop the kernels run per product: their tier-0 code (instrumented for
    // PGO) made the first calls several times slower, for about 0.5 s of a first MNIST epoch and, in a one-CPU process
    // (where the runtime waits ten times longer before tiering up), for the first 5–8 s of a Predict loop.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocked<TOps, TVector>(in GemmProblem p)
        where TOps : struct, IVectorOps<TVector> where TVector : struct
    {
        int mr = 2 * TOps.Count;
        PackBuffers buffers = PackBuffers.ForCurrentThread();
        float* tile = buffers.Tile(mr * NR + mr + NR);  // the tile, then padded row and column biases
        // A thin C (one to a few column panels: a small batch, transposed) reads A once per panel; streaming it from where
        // it lies, columns contiguous, beats copying all of it first. At 256 × 784 · 784 × 16 (a batch of 16 through the
        // first Dense layer) on Zen 5 the product went from 104 to 75 µs; at 31 columns the two were equal.
        bool streamA = p.A.RowStride == 1 && p.N <= StreamedColumns;
        // B with contiguous rows (the forward product's Wᵀ: each k is a run of W) needs no packing: the kernel reads a
        // panel's six values per k where they lie. Packing W on every call cost more than half a batch-32 product's time.
        // Up to one MC block of rows: with more, each block would read W's scattered runs again, where a packed copy is
        // read contiguously (equal at 256 rows on Zen 5, slower on Zen 3).
        bool readB = p.B.ColumnStride == 1 && p.M <= MC;
        var (kBlocks, kSlice) = Slices(p.K);

        for (int jc = 0; jc < p.N; jc += NC)
        {
            int nc = Math.Min(NC, p.N - jc);
            for (int kb = 0; kb < kBlocks; kb++)
            {
                int pc = kb * kSlice, kc = Math.Min(kSlice, p.K - pc);
                bool first = kb == 0, add = p.Accumulate || !first;
                // B packed ahead is read as it is. Else whole panels are read in place when B's rows are contiguous, and
                // only a partial last panel (or all of B) is packed here.
                float* packedB;
                int inPlace = 0;
                if (p.PackedB.Exists)
                {
                    packedB = p.PackedB.Panel(pc, kc, jc);
                }
                else
                {
                    packedB = buffers.B(kc * RoundUp(nc, NR));
                    if (readB) inPlace = nc / NR * NR;
                    if (inPlace < nc) Packing.Panel(p.B.At(pc, jc + inPlace).Transpose(), nc - inPlace, NR, kc, packedB + inPlace * kc);
                }

                for (int ic = 0; ic < p.M; ic += MC)
                {
                    int mc = Math.Min(MC, p.M - ic);
                    float* packedA = buffers.A(kc * RoundUp(mc, mr));
                    if (!streamA)
                        for (int ir = 0; ir < mc; ir += mr)
                            Packing.Sliver(p.A.At(ic + ir, pc), Math.Min(mr, mc - ir), mr, kc, packedA + ir * kc);

                    for (int jr = 0; jr < nc; jr += NR)
                    {
                        int cols = Math.Min(NR, nc - jr);
                        float* b = packedB + jr * kc;
                        nint bStep = NR;
                        if (jr < inPlace)
                        {
                            b = p.B.At(pc, jc + jr).Data;
                            bStep = p.B.RowStride;
                        }
                        float* columnBias = first && p.ColumnBias != null ? p.ColumnBias + jc + jr : null;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* a = packedA + ir * kc;
                            nint aStep = mr;
                            if (streamA && rows == mr)
                            {
                                a = p.A.At(ic + ir, pc).Data;
                                aStep = p.A.ColumnStride;
                            }
                            else if (streamA)
                            {
                                Packing.Sliver(p.A.At(ic + ir, pc), rows, mr, kc, a);
                            }
                            float* rowBias = first && p.RowBias != null ? p.RowBias + ic + ir : null;
                            StridedMatrix c = p.C.At(ic + ir, jc + jr);
                            if (rows == mr && cols == NR && c.RowStride == 1)
                                MicroKernel.Run<TOps, TVector>(kc, a, aStep, b, bStep, c.Data, c.ColumnStride, add, rowBias, columnBias);
                            else
                                EdgeTile<TOps, TVector>(kc, a, aStep, b, bStep, c, rows, cols, add, rowBias, columnBias, tile);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// A partial tile, or one of a C whose rows are not contiguous: computed in a full-size scratch tile and copied
    /// out. The scratch starts as C or 0 and the biases are padded with zeros, so the kernel's own accumulator start
    /// ((C or 0) + row bias + column bias) and therefore the bits match a full tile's. Column by column, so a C with
    /// contiguous rows is copied in and out in runs rather than element by element (small networks are mostly edges).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EdgeTile<TOps, TVector>(int kc, float* a, nint aStep, float* b, nint bStep, StridedMatrix c, int rows, int cols,
        bool add, float* rowBias, float* columnBias, float* tile)
        where TOps : struct, IVectorOps<TVector> where TVector : struct
    {
        int mr = 2 * TOps.Count;
        new Span<float>(tile, mr * NR).Clear();
        if (add)
            for (int j = 0; j < cols; j++) CopyColumn(c.At(0, j), rows, tile + j * mr, toTile: true);
        float* paddedRowBias = null, paddedColumnBias = null;
        if (rowBias != null)
        {
            paddedRowBias = tile + mr * NR;
            new Span<float>(paddedRowBias, mr).Clear();
            new ReadOnlySpan<float>(rowBias, rows).CopyTo(new Span<float>(paddedRowBias, rows));
        }
        if (columnBias != null)
        {
            paddedColumnBias = tile + mr * NR + mr;
            new Span<float>(paddedColumnBias, NR).Clear();
            new ReadOnlySpan<float>(columnBias, cols).CopyTo(new Span<float>(paddedColumnBias, cols));
        }
        MicroKernel.Run<TOps, TVector>(kc, a, aStep, b, bStep, tile, mr, add: true, paddedRowBias, paddedColumnBias);
        for (int j = 0; j < cols; j++) CopyColumn(c.At(0, j), rows, tile + j * mr, toTile: false);
    }

    /// <summary>The first <paramref name="rows"/> of a column of C to or from a scratch column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyColumn(StridedMatrix column, int rows, float* scratch, bool toTile)
    {
        if (column.RowStride == 1)
        {
            var c = new Span<float>(column.Data, rows);
            var t = new Span<float>(scratch, rows);
            if (toTile) c.CopyTo(t); else t.CopyTo(c);
            return;
        }
        for (int i = 0; i < rows; i++)
        {
            ref float element = ref column.Data[i * column.RowStride];
            if (toTile) scratch[i] = element; else element = scratch[i];
        }
    }

    /// <summary>
    /// How k is cut: equal slices of at most KC rather than KC, KC, …, remainder (k = 784 as 4 × 196, not 3 × 256 + 16,
    /// whose thin last slice would pay a whole pass of loading and storing C, and a pack of B, for 2 % of the arithmetic).
    /// The last slice may be shorter. <see cref="PackedB"/> packs by the same rule.
    /// </summary>
    internal static (int Count, int Slice) Slices(int k)
    {
        int count = Math.Max(1, (k + KC - 1) / KC);
        return (count, (k + count - 1) / count);
    }

    internal static int RoundUp(int value, int unit) => (value + unit - 1) / unit * unit;
}
