namespace NeuralNet.Kernels;

/// <summary>
/// A B (K × N) packed once, ahead of the products that read it: a frozen model's weights, the way ONNX Runtime's MLAS
/// pre-packs a session's. The layout is the one <see cref="Gemm"/> packs each call's B into: k in the GEMM's equal
/// slices (<see cref="Gemm.Slices"/>), and each slice of kc rows stored as N / NR panels (the last padded with zeros),
/// panel j (columns j … j + NR − 1) at <c>slice start · Width + j · kc</c>, NR values per k. So the micro-kernel reads
/// it in order, where a B read where it lies (Wᵀ, 1 KB between its k) kept few of its lines in L1.
/// </summary>
/// <remarks>
/// The values are copies: packing takes nothing but bits from B, so every element of C is the same FMA chain and has the
/// same bits as with B unpacked. Whoever packs owns the staleness question; a <see cref="MlpPredictor"/> owns the only
/// copy of its weights, so there is none.
/// </remarks>
internal readonly unsafe struct PackedB
{
    private readonly float* _data;

    private PackedB(float* data, int width, int column)
    {
        _data = data;
        Width = width;
        Column = column;
    }

    /// <summary>Whether there is a packed B (a default value is none).</summary>
    internal bool Exists => _data != null;

    /// <summary>B's columns rounded up to whole panels: the length of a slice's row of panels.</summary>
    internal int Width { get; }

    /// <summary>The column of the packed B that this problem's column 0 is (a multiple of NR).</summary>
    internal int Column { get; }

    /// <summary>Floats needed to pack a K × N matrix.</summary>
    internal static long Length(int k, int n) => (long)k * Gemm.RoundUp(n, MicroKernel.NR);

    /// <summary>Packs <paramref name="b"/> (K × N) into <paramref name="destination"/>, <see cref="Length"/> floats.</summary>
    internal static PackedB Pack(StridedMatrix b, int k, int n, float* destination)
    {
        int width = Gemm.RoundUp(n, MicroKernel.NR);
        var (count, slice) = Gemm.Slices(k);
        for (int s = 0; s < count; s++)
        {
            int pc = s * slice, kc = Math.Min(slice, k - pc);
            Packing.Panel(b.At(pc, 0).Transpose(), n, MicroKernel.NR, kc, destination + (long)pc * width);
        }
        return new PackedB(destination, width, 0);
    }

    /// <summary>The same packed B, read from this problem's column <paramref name="start"/> on (a multiple of NR).</summary>
    internal PackedB From(int start) => Exists ? new PackedB(_data, Width, Column + start) : default;

    /// <summary>The panel holding the problem's columns <paramref name="column"/> … + NR − 1 in the slice at <paramref name="pc"/>, <paramref name="kc"/> deep.</summary>
    internal float* Panel(int pc, int kc, int column) => _data + (long)pc * Width + (long)(Column + column) * kc;
}
