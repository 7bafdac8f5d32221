using System.Runtime.CompilerServices;

namespace NeuralNet.Kernels;

/// <summary>
/// The register-blocked heart of the GEMM: one MR × NR tile of C (MR = two vectors, NR = 6 columns) held in
/// twelve accumulators while the k-loop streams a packed sliver of A and of B through FMAs.
/// </summary>
/// <remarks>
/// Every element of C is one FMA chain over p = 0 … k−1 in order, started from C (when accumulating) plus the bias.
/// Nothing in the blocking, the tiling, the thread count or the vector width changes that chain, so all of them
/// give bit-identical results.
/// </remarks>
internal static unsafe class MicroKernel
{
    /// <summary>Columns of a tile.</summary>
    internal const int NR = 6;


    /// <summary>Rows of a tile at the given vector width: two vectors.</summary>
    internal static int RowsFor<TOps, TVector>() where TOps : struct, IVectorOps<TVector> where TVector : struct => 2 * TOps.Count;

    /// <summary>
    /// c[i + j·ldc] = init(i, j) + Σₚ a[i + p·aStep] · b[j + p·bStep] for the full MR × NR tile, where init is
    /// c itself (<paramref name="add"/>) or 0, plus rowBias[i] and colBias[j] when those are given. The steps are
    /// MR and NR for packed slivers, or a matrix's own stride when a sliver is read where it lies.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Run<TOps, TVector>(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc,
        bool add, float* rowBias, float* colBias)
        where TOps : struct, IVectorOps<TVector> where TVector : struct
    {
        int v = TOps.Count;
        float* c0 = c, c1 = c + ldc, c2 = c + 2 * ldc, c3 = c + 3 * ldc, c4 = c + 4 * ldc, c5 = c + 5 * ldc;
        TVector x00, x10, x01, x11, x02, x12, x03, x13, x04, x14, x05, x15;
        if (add)
        {
            x00 = TOps.Load(c0); x10 = TOps.Load(c0 + v); x01 = TOps.Load(c1); x11 = TOps.Load(c1 + v);
            x02 = TOps.Load(c2); x12 = TOps.Load(c2 + v); x03 = TOps.Load(c3); x13 = TOps.Load(c3 + v);
            x04 = TOps.Load(c4); x14 = TOps.Load(c4 + v); x05 = TOps.Load(c5); x15 = TOps.Load(c5 + v);
        }
        else
        {
            x00 = x10 = x01 = x11 = x02 = x12 = x03 = x13 = x04 = x14 = x05 = x15 = TOps.Zero;
        }
        if (rowBias != null)
        {
            TVector r0 = TOps.Load(rowBias), r1 = TOps.Load(rowBias + v);
            x00 = TOps.Add(x00, r0); x10 = TOps.Add(x10, r1); x01 = TOps.Add(x01, r0); x11 = TOps.Add(x11, r1);
            x02 = TOps.Add(x02, r0); x12 = TOps.Add(x12, r1); x03 = TOps.Add(x03, r0); x13 = TOps.Add(x13, r1);
            x04 = TOps.Add(x04, r0); x14 = TOps.Add(x14, r1); x05 = TOps.Add(x05, r0); x15 = TOps.Add(x15, r1);
        }
        if (colBias != null)
        {
            TVector s;
            s = TOps.Broadcast(colBias[0]); x00 = TOps.Add(x00, s); x10 = TOps.Add(x10, s);
            s = TOps.Broadcast(colBias[1]); x01 = TOps.Add(x01, s); x11 = TOps.Add(x11, s);
            s = TOps.Broadcast(colBias[2]); x02 = TOps.Add(x02, s); x12 = TOps.Add(x12, s);
            s = TOps.Broadcast(colBias[3]); x03 = TOps.Add(x03, s); x13 = TOps.Add(x13, s);
            s = TOps.Broadcast(colBias[4]); x04 = TOps.Add(x04, s); x14 = TOps.Add(x14, s);
            s = TOps.Broadcast(colBias[5]); x05 = TOps.Add(x05, s); x15 = TOps.Add(x15, s);
        }

        for (int p = 0; p < kc; p++)
        {
            TVector a0 = TOps.Load(a), a1 = TOps.Load(a + v), s;
            s = TOps.Broadcast(b[0]); x00 = TOps.MultiplyAdd(a0, s, x00); x10 = TOps.MultiplyAdd(a1, s, x10);
            s = TOps.Broadcast(b[1]); x01 = TOps.MultiplyAdd(a0, s, x01); x11 = TOps.MultiplyAdd(a1, s, x11);
            s = TOps.Broadcast(b[2]); x02 = TOps.MultiplyAdd(a0, s, x02); x12 = TOps.MultiplyAdd(a1, s, x12);
            s = TOps.Broadcast(b[3]); x03 = TOps.MultiplyAdd(a0, s, x03); x13 = TOps.MultiplyAdd(a1, s, x13);
            s = TOps.Broadcast(b[4]); x04 = TOps.MultiplyAdd(a0, s, x04); x14 = TOps.MultiplyAdd(a1, s, x14);
            s = TOps.Broadcast(b[5]); x05 = TOps.MultiplyAdd(a0, s, x05); x15 = TOps.MultiplyAdd(a1, s, x15);
            a += aStep;
            b += bStep;
        }

        TOps.Store(c0, x00); TOps.Store(c0 + v, x10); TOps.Store(c1, x01); TOps.Store(c1 + v, x11);
        TOps.Store(c2, x02); TOps.Store(c2 + v, x12); TOps.Store(c3, x03); TOps.Store(c3 + v, x13);
        TOps.Store(c4, x04); TOps.Store(c4 + v, x14); TOps.Store(c5, x05); TOps.Store(c5 + v, x15);
    }

    /// <summary>
    /// <see cref="Run{TOps, TVector}"/> for a tile of one vector of rows (the first of each packed step of
    /// <paramref name="a"/>): a batch's last rows when they fill no more than one vector. Through the full kernel they
    /// cost a whole tile, half of it on zero padding, plus a copy of the tile in and out per k slice (48 rows took longer
    /// than 64). Each element is the same FMA chain from the same start, so the bits are the full tile's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RunHalf<TOps, TVector>(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc,
        bool add, float* rowBias, float* colBias)
        where TOps : struct, IVectorOps<TVector> where TVector : struct
    {
        float* c0 = c, c1 = c + ldc, c2 = c + 2 * ldc, c3 = c + 3 * ldc, c4 = c + 4 * ldc, c5 = c + 5 * ldc;
        TVector x0, x1, x2, x3, x4, x5;
        if (add)
        {
            x0 = TOps.Load(c0); x1 = TOps.Load(c1); x2 = TOps.Load(c2); x3 = TOps.Load(c3); x4 = TOps.Load(c4); x5 = TOps.Load(c5);
        }
        else
        {
            x0 = x1 = x2 = x3 = x4 = x5 = TOps.Zero;
        }
        if (rowBias != null)
        {
            TVector r = TOps.Load(rowBias);
            x0 = TOps.Add(x0, r); x1 = TOps.Add(x1, r); x2 = TOps.Add(x2, r); x3 = TOps.Add(x3, r); x4 = TOps.Add(x4, r); x5 = TOps.Add(x5, r);
        }
        if (colBias != null)
        {
            x0 = TOps.Add(x0, TOps.Broadcast(colBias[0])); x1 = TOps.Add(x1, TOps.Broadcast(colBias[1]));
            x2 = TOps.Add(x2, TOps.Broadcast(colBias[2])); x3 = TOps.Add(x3, TOps.Broadcast(colBias[3]));
            x4 = TOps.Add(x4, TOps.Broadcast(colBias[4])); x5 = TOps.Add(x5, TOps.Broadcast(colBias[5]));
        }

        for (int p = 0; p < kc; p++)
        {
            TVector a0 = TOps.Load(a);
            x0 = TOps.MultiplyAdd(a0, TOps.Broadcast(b[0]), x0);
            x1 = TOps.MultiplyAdd(a0, TOps.Broadcast(b[1]), x1);
            x2 = TOps.MultiplyAdd(a0, TOps.Broadcast(b[2]), x2);
            x3 = TOps.MultiplyAdd(a0, TOps.Broadcast(b[3]), x3);
            x4 = TOps.MultiplyAdd(a0, TOps.Broadcast(b[4]), x4);
            x5 = TOps.MultiplyAdd(a0, TOps.Broadcast(b[5]), x5);
            a += aStep;
            b += bStep;
        }

        TOps.Store(c0, x0); TOps.Store(c1, x1); TOps.Store(c2, x2); TOps.Store(c3, x3); TOps.Store(c4, x4); TOps.Store(c5, x5);
    }
}
