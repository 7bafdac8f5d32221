namespace NeuralNet.Kernels;

/// <summary>
/// A thin product's A (W, M rows × K, its columns contiguous) packed once in <see cref="ThinProduct"/>'s own blocks:
/// the blocks of 16·v rows (v vectors, <see cref="ThinProduct.VectorsInBlock"/>) from row 0, each stored k by k, 16·v
/// values per k, rows past M zero. Where A lies, a block's k are a column stride apart (1 KB for 256 outputs), so its
/// lines crowd a quarter of L1's sets; packed, each block is one contiguous run, read in order.
/// </summary>
/// <remarks>Copies of A's bits: every element is the same FMA chain as with A where it lies.</remarks>
internal readonly unsafe struct PackedBlocks
{
    private readonly float* _data;
    private readonly int _k;

    private PackedBlocks(float* data, int rows, int k)
    {
        _data = data;
        Rows = rows;
        _k = k;
    }

    /// <summary>Whether there is a packed A (a default value is none).</summary>
    internal bool Exists => _data != null;

    /// <summary>
    /// The rows packed from here on. The blocks follow from this count alone, so a problem of fewer rows (a part of C)
    /// runs the packed blocks and drops the rows past its own.
    /// </summary>
    internal int Rows { get; }

    /// <summary>Floats needed to pack M × K.</summary>
    internal static long Length(int m, int k) => (long)ThinProduct.PaddedRows(m) * k;

    /// <summary>Packs <paramref name="a"/> (M × K, rows contiguous within a column) into <paramref name="destination"/>, <see cref="Length"/> floats.</summary>
    internal static PackedBlocks Pack(StridedMatrix a, int m, int k, float* destination)
    {
        if (a.RowStride != 1) throw new ArgumentException("The thin product's A has contiguous columns.", nameof(a));
        float* d = destination;
        for (int i = 0, left = ThinProduct.PaddedRows(m) / ThinProduct.VectorRows; left > 0;)
        {
            int rows = ThinProduct.VectorsInBlock(left) * ThinProduct.VectorRows, live = Math.Clamp(m - i, 0, rows);
            for (int p = 0; p < k; p++, d += rows)
            {
                new ReadOnlySpan<float>(a.Data + i + p * a.ColumnStride, live).CopyTo(new Span<float>(d, live));
                new Span<float>(d + live, rows - live).Clear();   // zeros, never a stale NaN or subnormal
            }
            i += rows;
            left -= rows / ThinProduct.VectorRows;
        }
        return new PackedBlocks(destination, m, k);
    }

    /// <summary>The block starting at row <paramref name="i"/> (a block boundary).</summary>
    internal float* Block(int i) => _data + (long)i * _k;

    /// <summary>The packed A from row <paramref name="start"/> on when a block starts there (the blocks after it are then the same); else none.</summary>
    internal PackedBlocks From(int start)
    {
        if (!Exists || start == 0) return this;
        int i = 0;
        for (int left = ThinProduct.PaddedRows(Rows) / ThinProduct.VectorRows; i < start && left > 0;)
        {
            int vectors = ThinProduct.VectorsInBlock(left);
            i += vectors * ThinProduct.VectorRows;
            left -= vectors;
        }
        return i == start ? new PackedBlocks(_data + (long)start * _k, Rows - start, _k) : default;
    }
}
