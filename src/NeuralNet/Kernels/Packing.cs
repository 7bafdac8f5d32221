using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralNet.Kernels;

/// <summary>
/// Copies a sliver of A or B into the order the micro-kernel reads: for every p, the sliver's <c>width</c> values
/// side by side, padded with zeros past the matrix edge. The kernel then streams one contiguous buffer.
/// </summary>
internal static unsafe class Packing
{
    /// <summary>
    /// destination[p·width + i] = source(i, p) for i &lt; count, 0 for count ≤ i &lt; width, p &lt; kc. A sliver of A
    /// is (rows, k) as it stands; a sliver of B is packed as Bᵀ, so its columns play the role of rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Sliver(StridedMatrix source, int count, int width, int kc, float* destination)
    {
        nint along = source.RowStride, down = source.ColumnStride;
        if (along == 1 && count == width)
        {
            // Each step of p is a contiguous run of `width` floats: a straight copy.
            for (int p = 0; p < kc; p++) Copy(source.Data + p * down, destination + p * width, width);
            return;
        }
        if (down == 1 && Sse.IsSupported)
        {
            // Every row of the sliver is contiguous along p (∇W's Gᵀ and H, ∇X's W): a blocked 4 × 4 transpose.
            TransposeRows(source.Data, along, count, width, kc, destination);
            return;
        }
        if (count < width)
            for (int p = 0; p < kc; p++)
                new Span<float>(destination + p * width + count, width - count).Clear();
        // Transposing copy: read each row of the sliver along p (contiguous when down is 1), write with stride width.
        for (int i = 0; i < count; i++)
        {
            float* s = source.Data + i * along, d = destination + i;
            for (int p = 0; p < kc; p++) d[p * width] = s[p * down];
        }
    }

    /// <summary>
    /// Packs <paramref name="count"/> rows of <paramref name="source"/> (B's columns, as <see cref="Sliver"/> takes
    /// them) into consecutive slivers of <paramref name="width"/>, sliver s at destination + s·width·kc.
    /// </summary>
    /// <remarks>
    /// When the rows are adjacent in memory (the forward product's Wᵀ: each k is a contiguous run of W), sliver by
    /// sliver would walk a 1 KB stride through kc lines of W per sliver, the prefetcher's worst case. Going along k
    /// instead reads each run of W once, front to back,
    /// and scatters it into the slivers' rows, which are short write streams that stay in L1.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Panel(StridedMatrix source, int count, int width, int kc, float* destination)
    {
        if (source.RowStride != 1)
        {
            for (int j = 0; j < count; j += width)
                Sliver(source.At(j, 0), Math.Min(width, count - j), width, kc, destination + j * kc);
            return;
        }
        int full = count / width, rest = count - full * width;
        nint down = source.ColumnStride, sliverLength = (nint)width * kc;
        for (int p = 0; p < kc; p++)
        {
            float* s = source.Data + p * down, d = destination + p * width;
            for (int j = 0; j < full; j++, s += width, d += sliverLength) CopyShort(s, d, width);
            if (rest > 0)
            {
                for (int i = 0; i < rest; i++) d[i] = s[i];
                for (int i = rest; i < width; i++) d[i] = 0f;
            }
        }
    }

    /// <summary>A run of a few floats (a sliver's row): 4 at a time, then a pair, then one; no loop overhead for NR = 6.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyShort(float* source, float* destination, int length)
    {
        int i = 0;
        for (; i + 4 <= length; i += 4) Vector128.Load(source + i).Store(destination + i);
        if (i + 2 <= length)
        {
            *(long*)(destination + i) = *(long*)(source + i);
            i += 2;
        }
        if (i < length) destination[i] = source[i];
    }

    /// <summary>
    /// destination[p·width + i] = rows[i·rowStride + p] (0 for i ≥ count): four rows by four p at a time, each block
    /// loaded as four vectors, transposed in registers and stored as four runs of the destination. A scalar
    /// transposing copy does one load and one strided store per float; this does a quarter of each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeRows(float* rows, nint rowStride, int count, int width, int kc, float* destination)
    {
        int p = 0;
        if (count == 6 && width == 6)
        {
            // A full B sliver (NR = 6; ∇X's W): the general loop below would treat it as 4 + 4 rows, two of them
            // zeros, with a lane-count branch per store; this is the same copy with half the shuffles and no branches.
            for (; p + 4 <= kc; p += 4)
            {
                float* s = rows + p, d = destination + p * 6;
                Vector128<float> r0 = Vector128.Load(s), r1 = Vector128.Load(s + rowStride),
                    r2 = Vector128.Load(s + 2 * rowStride), r3 = Vector128.Load(s + 3 * rowStride),
                    r4 = Vector128.Load(s + 4 * rowStride), r5 = Vector128.Load(s + 5 * rowStride);
                Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackLow(r2, r3);
                Vector128<float> t2 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3);
                Vector128<float> u0 = Sse.UnpackLow(r4, r5), u1 = Sse.UnpackHigh(r4, r5);
                Sse.MoveLowToHigh(t0, t1).Store(d);
                Sse.StoreLow(d + 4, u0);
                Sse.MoveHighToLow(t1, t0).Store(d + 6);
                Sse.StoreHigh(d + 10, u0);
                Sse.MoveLowToHigh(t2, t3).Store(d + 12);
                Sse.StoreLow(d + 16, u1);
                Sse.MoveHighToLow(t3, t2).Store(d + 18);
                Sse.StoreHigh(d + 22, u1);
            }
        }
        for (; p + 4 <= kc; p += 4)
        {
            float* d = destination + p * width;
            for (int i = 0; i < width; i += 4)
            {
                float* s = rows + i * rowStride + p;
                Vector128<float> r0 = Row(s, i, count), r1 = Row(s + rowStride, i + 1, count),
                    r2 = Row(s + 2 * rowStride, i + 2, count), r3 = Row(s + 3 * rowStride, i + 3, count);
                Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackLow(r2, r3);
                Vector128<float> t2 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3);
                int lanes = Math.Min(4, width - i);
                Store(Sse.MoveLowToHigh(t0, t1), d + i, lanes);
                Store(Sse.MoveHighToLow(t1, t0), d + width + i, lanes);
                Store(Sse.MoveLowToHigh(t2, t3), d + 2 * width + i, lanes);
                Store(Sse.MoveHighToLow(t3, t2), d + 3 * width + i, lanes);
            }
        }
        for (; p < kc; p++)
            for (int i = 0; i < width; i++)
                destination[p * width + i] = i < count ? rows[i * rowStride + p] : 0f;
    }

    /// <summary>Four consecutive p of row <paramref name="i"/>, or zeros for a padding row past the edge.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Row(float* source, int i, int count) => i < count ? Vector128.Load(source) : Vector128<float>.Zero;

    /// <summary>Stores the first <paramref name="lanes"/> (1–4) lanes: the last group of a width that is not a multiple of 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<float> value, float* destination, int lanes)
    {
        if (lanes == 4)
        {
            value.Store(destination);
            return;
        }
        if (lanes >= 2) Sse.StoreLow(destination, value);
        if (lanes == 1) destination[0] = value.ToScalar();
        else if (lanes == 3) destination[2] = value.GetElement(2);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Copy(float* source, float* destination, int length)
    {
        int i = 0;
        for (; i + 4 <= length; i += 4) Vector128.Load(source + i).Store(destination + i);
        for (; i < length; i++) destination[i] = source[i];
    }
}
