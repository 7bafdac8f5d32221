using System.Runtime.Intrinsics;

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
    internal static void Sliver(StridedMatrix source, int count, int width, int kc, float* destination)
    {
        nint along = source.RowStride, down = source.ColumnStride;
        if (along == 1 && count == width)
        {
            // Each step of p is a contiguous run of `width` floats: a straight copy.
            for (int p = 0; p < kc; p++) Copy(source.Data + p * down, destination + p * width, width);
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

    private static void Copy(float* source, float* destination, int length)
    {
        int i = 0;
        for (; i + 4 <= length; i += 4) Vector128.Load(source + i).Store(destination + i);
        for (; i < length; i++) destination[i] = source[i];
    }
}
