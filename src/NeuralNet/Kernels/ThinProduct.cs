using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralNet.Kernels;

/// <summary>
/// A thin C (4 to <see cref="Gemm.StreamedColumns"/> columns: a small batch, transposed) whose A has contiguous columns
/// (W, read where it lies), on the AVX-512 path: blocks of 64 rows × 4 columns, sixteen accumulators in registers over
/// a slice of k, every group of columns using the slice of W while it is in L1. Each step of k reads 256 contiguous bytes
/// of a column of W and does sixteen FMAs; the micro-kernel's tile
/// (32 rows × 6 columns) read half that per k, left two of six columns unused at a batch of four, and went through a
/// scratch tile because such a C has strided columns.
/// </summary>
/// <remarks>
/// Every element is the micro-kernel's chain: (C or 0) + row bias + column bias, then one FMA per k in order, so the
/// bits are those of <see cref="Gemm"/>'s other paths and of every other width. Rows past the last block of 64 and
/// columns past the last group of four go to <see cref="Gemm.RunSerial"/>'s general path.
/// </remarks>
internal static unsafe class ThinProduct
{
    private const int Rows = 4 * 16, Columns = 4;

    internal static bool Applies(in GemmProblem p) =>
        p.Width == SimdWidth.Vector512 && p.A.RowStride == 1 && p.N >= Columns && p.N <= Gemm.StreamedColumns && p.M >= Rows;

    /// <summary>Rows of A (columns of W) per slice of k: a block's 64 rows of a slice are 32 KB, which stay in L1 while every group of columns uses them.</summary>
    private const int KSlice = 128;

    /// <summary>The whole blocks here; returns how many rows and columns they covered (the rest is the caller's).</summary>
    internal static (int Rows, int Columns) Run(in GemmProblem p)
    {
        int rows = p.M / Rows * Rows, columns = p.N / Columns * Columns;
        float* tile = PackBuffers.ForCurrentThread().Tile(Rows * columns);
        for (int i = 0; i < rows; i += Rows)
        {
            // The accumulators' start for the block's 64 rows and every whole group of columns, in the micro-kernel's order,
            // column-major 64 × columns; each slice of k adds its FMAs to it, in order, so every element is one chain.
            for (int j = 0; j < columns; j++)
                for (int r = 0; r < Rows; r++)
                {
                    float x = p.Accumulate ? p.C.Data[(i + r) * p.C.RowStride + j * p.C.ColumnStride] : 0f;
                    if (p.RowBias != null) x += p.RowBias[i + r];
                    if (p.ColumnBias != null) x += p.ColumnBias[j];
                    tile[j * Rows + r] = x;
                }
            for (int k0 = 0; k0 < p.K; k0 += KSlice)
            {
                int kc = Math.Min(KSlice, p.K - k0);
                for (int j = 0; j < columns; j += Columns) Block(p, i, j, k0, kc, tile + j * Rows);
            }
            for (int j = 0; j < columns; j++)
                for (int r = 0; r < Rows; r++)
                    p.C.Data[(i + r) * p.C.RowStride + j * p.C.ColumnStride] = tile[j * Rows + r];
        }
        return (rows, columns);
    }

    /// <summary>Adds k ∈ [k0, k0 + kc) to the 64 × 4 accumulators at <paramref name="tile"/> (column-major) for rows i0 and columns j0 on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block(in GemmProblem p, int i0, int j0, int k0, int kc, float* tile)
    {
        Vector512<float> c00 = Vector512.Load(tile), c10 = Vector512.Load(tile + 16), c20 = Vector512.Load(tile + 32), c30 = Vector512.Load(tile + 48),
            c01 = Vector512.Load(tile + 64), c11 = Vector512.Load(tile + 80), c21 = Vector512.Load(tile + 96), c31 = Vector512.Load(tile + 112),
            c02 = Vector512.Load(tile + 128), c12 = Vector512.Load(tile + 144), c22 = Vector512.Load(tile + 160), c32 = Vector512.Load(tile + 176),
            c03 = Vector512.Load(tile + 192), c13 = Vector512.Load(tile + 208), c23 = Vector512.Load(tile + 224), c33 = Vector512.Load(tile + 240);
        nint lda = p.A.ColumnStride, ldb = p.B.RowStride;
        float* a = p.A.Data + i0 + k0 * lda;
        float* b0 = p.B.Data + j0 * p.B.ColumnStride + k0 * ldb, b1 = b0 + p.B.ColumnStride, b2 = b1 + p.B.ColumnStride, b3 = b2 + p.B.ColumnStride;
        for (int k = 0; k < kc; k++, a += lda)
        {
            Vector512<float> a0 = Vector512.Load(a), a1 = Vector512.Load(a + 16), a2 = Vector512.Load(a + 32), a3 = Vector512.Load(a + 48);
            nint kb = k * ldb;
            Vector512<float> s = Vector512.Create(b0[kb]);
            c00 = Vector512.FusedMultiplyAdd(a0, s, c00); c10 = Vector512.FusedMultiplyAdd(a1, s, c10);
            c20 = Vector512.FusedMultiplyAdd(a2, s, c20); c30 = Vector512.FusedMultiplyAdd(a3, s, c30);
            s = Vector512.Create(b1[kb]);
            c01 = Vector512.FusedMultiplyAdd(a0, s, c01); c11 = Vector512.FusedMultiplyAdd(a1, s, c11);
            c21 = Vector512.FusedMultiplyAdd(a2, s, c21); c31 = Vector512.FusedMultiplyAdd(a3, s, c31);
            s = Vector512.Create(b2[kb]);
            c02 = Vector512.FusedMultiplyAdd(a0, s, c02); c12 = Vector512.FusedMultiplyAdd(a1, s, c12);
            c22 = Vector512.FusedMultiplyAdd(a2, s, c22); c32 = Vector512.FusedMultiplyAdd(a3, s, c32);
            s = Vector512.Create(b3[kb]);
            c03 = Vector512.FusedMultiplyAdd(a0, s, c03); c13 = Vector512.FusedMultiplyAdd(a1, s, c13);
            c23 = Vector512.FusedMultiplyAdd(a2, s, c23); c33 = Vector512.FusedMultiplyAdd(a3, s, c33);
        }
        c00.Store(tile); c10.Store(tile + 16); c20.Store(tile + 32); c30.Store(tile + 48);
        c01.Store(tile + 64); c11.Store(tile + 80); c21.Store(tile + 96); c31.Store(tile + 112);
        c02.Store(tile + 128); c12.Store(tile + 144); c22.Store(tile + 160); c32.Store(tile + 176);
        c03.Store(tile + 192); c13.Store(tile + 208); c23.Store(tile + 224); c33.Store(tile + 240);
    }
}
