using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Kernels;

/// <summary>
/// A Dense layer's weights packed once for its forward product, in both layouts a kernel reads: Wᵀ as the blocked GEMM's
/// B (<see cref="PackedB"/>) and W as the thin product's A when a small batch is computed transposed
/// (<see cref="PackedBlocks"/>); each whole, or in the two halves of k that <see cref="DenseProducts.Forward"/> sums
/// separately when the layer is large enough to. Copies of W as it was when packed: only an owner that never changes W
/// may use them.
/// </summary>
internal sealed unsafe class PackedWeights
{
    // Pinned (PackBuffers.Aligned), so that the packed pointers stay valid for the object's life without a fixed block.
    private float[] _whole = [], _firstHalf = [], _secondHalf = [], _wholeRows = [], _firstHalfRows = [], _secondHalfRows = [];

    /// <summary>Packs the outputs × inputs weights <paramref name="w"/> (dense, column-major).</summary>
    internal PackedWeights(Matrix<float> w)
    {
        int outputs = w.RowCount, inputs = w.ColumnCount, half = inputs / 2;
        fixed (float* ws = w.AsColumnMajorArray())
        {
            // Wᵀ (inputs × outputs) as the forward product's B: its rows are W's columns, contiguous.
            // And W itself (outputs × inputs) as the thin product's A, when a small batch is computed transposed.
            StridedMatrix wt = StridedMatrix.ColumnMajor(ws, outputs).Transpose(), w0 = wt.Transpose();
            // A layer that sums k in halves does so at every batch the GEMM runs (it sums whole only up to
            // Gemv.ColumnByColumn rows, which are GEMVs): it needs the halves alone.
            if (!DenseProducts.SumsInHalves(int.MaxValue, outputs, inputs))
            {
                Whole = Pack(ref _whole, wt, inputs, outputs);
                WholeRows = PackRows(ref _wholeRows, w0, outputs, inputs);
                return;
            }
            FirstHalf = Pack(ref _firstHalf, wt, half, outputs);
            SecondHalf = Pack(ref _secondHalf, wt.At(half, 0), inputs - half, outputs);
            FirstHalfRows = PackRows(ref _firstHalfRows, w0, outputs, half);
            SecondHalfRows = PackRows(ref _secondHalfRows, w0.At(0, half), outputs, inputs - half);
        }
    }

    /// <summary>Wᵀ over all of k, or none when the product is summed in halves.</summary>
    internal PackedB Whole { get; }

    /// <summary>Wᵀ's first inputs / 2 rows, or none when the product is not summed in halves.</summary>
    internal PackedB FirstHalf { get; }

    /// <summary>Wᵀ's remaining rows, or none when the product is not summed in halves.</summary>
    internal PackedB SecondHalf { get; }

    /// <summary>W in the thin product's blocks, for <see cref="Whole"/>'s product computed transposed; or none.</summary>
    internal PackedBlocks WholeRows { get; }

    /// <summary>The first half's W in the thin product's blocks, or none.</summary>
    internal PackedBlocks FirstHalfRows { get; }

    /// <summary>The second half's W in the thin product's blocks, or none.</summary>
    internal PackedBlocks SecondHalfRows { get; }

    private static PackedB Pack(ref float[] storage, StridedMatrix b, int k, int n) =>
        PackedB.Pack(b, k, n, Storage(ref storage, PackedB.Length(k, n), k, n));

    private static PackedBlocks PackRows(ref float[] storage, StridedMatrix a, int m, int k) =>
        PackedBlocks.Pack(a, m, k, Storage(ref storage, PackedBlocks.Length(m, k), k, m));

    private static float* Storage(ref float[] storage, long length, int inputs, int outputs) =>
        length <= Array.MaxLength - PackBuffers.Padding
            ? PackBuffers.Aligned(ref storage, (int)length)
            : throw new NotSupportedException($"A Dense layer of {inputs} inputs × {outputs} outputs is too large to pack ahead ({length} values).");
}
