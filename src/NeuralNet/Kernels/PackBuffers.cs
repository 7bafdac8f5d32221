using System.Runtime.CompilerServices;

namespace NeuralNet.Kernels;

/// <summary>
/// Per-thread packing buffers, pinned and cache-line aligned, grown on first use and then reused: a warm GEMM
/// allocates nothing, and concurrent callers (many threads predicting at once) never share a buffer.
/// </summary>
internal sealed unsafe class PackBuffers
{
    private const int Alignment = 64;

    /// <summary>Floats an <see cref="Aligned"/> buffer holds beyond the length asked for: room to start at a 64-byte boundary.</summary>
    internal const int Padding = Alignment / sizeof(float);

    [ThreadStatic] private static PackBuffers? s_current;

    private float[] _a = [], _b = [], _tile = [], _partial = [], _column = [], _secondHalf = [];

    internal static PackBuffers ForCurrentThread() => s_current ??= new PackBuffers();

    internal float* A(int length) => Aligned(ref _a, length);
    internal float* B(int length) => Aligned(ref _b, length);
    internal float* Tile(int length) => Aligned(ref _tile, length);
    internal float* Partial(int length) => Aligned(ref _partial, length);
    internal float* Column(int length) => Aligned(ref _column, length);
    /// <summary>The second half of k's sums in a forward product split by k (<see cref="DenseProducts.Forward"/>).</summary>
    internal float* SecondHalf(int length) => Aligned(ref _secondHalf, length);

    /// <summary>At least <paramref name="length"/> floats from a 64-byte boundary in <paramref name="buffer"/>, grown (pinned) if it is too short.</summary>
    internal static float* Aligned(ref float[] buffer, int length)
    {
        int padded = length + Padding;
        // Pinned (on the pinned object heap), so the pointer stays valid without a fixed block.
        if (buffer.Length < padded) buffer = GC.AllocateUninitializedArray<float>(padded, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref buffer[0]);
        return (float*)((address + Alignment - 1) & ~(nint)(Alignment - 1));
    }
}
