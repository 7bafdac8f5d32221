using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Kernels;

/// <summary>
/// A Dense layer's Wᵀ packed once for its forward product (<see cref="PackedB"/>): whole, or in the two halves of k that
/// <see cref="DenseProducts.Forward"/> sums separately when the layer is large enough to. A copy of W as it was when
/// packed: only an owner that never changes W may use it.
/// </summary>
internal sealed unsafe class PackedWeights
{
    // Pinned (PackBuffers.Aligned), so that the packed pointers stay valid for the object's life without a fixed block.
    private float[] _whole = [], _firstHalf = [], _secondHalf = [];

    /// <summary>Packs the outputs × inputs weights <paramref name="w"/> (dense, column-major).</summary>
    internal PackedWeights(Matrix<float> w)
    {
        int outputs = w.RowCount, inputs = w.ColumnCount, half = inputs / 2;
        fixed (float* ws = w.AsColumnMajorArray())
        {
            // Wᵀ (inputs × outputs) as the forward product's B: its rows are W's columns, contiguous.
            StridedMatrix wt = StridedMatrix.ColumnMajor(ws, outputs).Transpose();
            // A layer that sums k in halves does so at every batch the blocked GEMM runs (it sums whole only up to
            // Gemv.ColumnByColumn rows, which are GEMVs): it needs the halves alone, one copy of W, not two.
            if (!DenseProducts.SumsInHalves(int.MaxValue, outputs, inputs))
            {
                Whole = Pack(ref _whole, wt, inputs, outputs);
                return;
            }
            FirstHalf = Pack(ref _firstHalf, wt, half, outputs);
            SecondHalf = Pack(ref _secondHalf, wt.At(half, 0), inputs - half, outputs);
        }
    }

    /// <summary>Wᵀ over all of k, or none when the product is summed in halves.</summary>
    internal PackedB Whole { get; }

    /// <summary>Wᵀ's first inputs / 2 rows, or none when the product is not summed in halves.</summary>
    internal PackedB FirstHalf { get; }

    /// <summary>Wᵀ's remaining rows, or none when the product is not summed in halves.</summary>
    internal PackedB SecondHalf { get; }

    private static PackedB Pack(ref float[] storage, StridedMatrix b, int k, int n)
    {
        long length = PackedB.Length(k, n);
        if (length > Array.MaxLength - 64)
            throw new NotSupportedException($"A Dense layer of {k} inputs × {n} outputs is too large to pack ahead ({length} values).");
        return PackedB.Pack(b, k, n, PackBuffers.Aligned(ref storage, (int)length));
    }
}
