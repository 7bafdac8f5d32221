using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Kernels;

/// <summary>
/// A Dense layer's Wᵀ packed once for its forward product (<see cref="PackedB"/>): whole, and in the two halves of k that
/// <see cref="DenseProducts.Forward"/> sums separately when
/// the layer is large enough to. A copy of W as it was when packed: only an owner that never changes W may use it.
/// </summary>
internal sealed unsafe class PackedWeights
{
    private const int Alignment = 64;

    // Pinned, so that the packed pointers stay valid for the object's life without a fixed block.
    private readonly float[] _storage;

    /// <summary>Packs the outputs × inputs weights <paramref name="w"/> (dense, column-major).</summary>
    internal PackedWeights(Matrix<float> w)
    {
        int outputs = w.RowCount, inputs = w.ColumnCount, half = inputs / 2;
        bool halves = DenseProducts.SumsInHalves(int.MaxValue, outputs, inputs);
        long whole = PackedB.Length(inputs, outputs), first = PackedB.Length(half, outputs), second = PackedB.Length(inputs - half, outputs);
        long length = whole + (halves ? first + second : 0) + Alignment / sizeof(float);
        if (length > Array.MaxLength)
            throw new ArgumentException($"A {outputs} × {inputs} weight matrix is too large to pack.", nameof(w));
        _storage = GC.AllocateUninitializedArray<float>((int)length, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref _storage[0]);
        float* data = (float*)((address + Alignment - 1) & ~(nint)(Alignment - 1));
        fixed (float* ws = w.AsColumnMajorArray())
        {
            // Wᵀ (inputs × outputs) as the forward product's B: its rows are W's columns, contiguous.
            StridedMatrix wt = StridedMatrix.ColumnMajor(ws, outputs).Transpose();
            Whole = PackedB.Pack(wt, inputs, outputs, data);
            if (!halves) return;
            FirstHalf = PackedB.Pack(wt, half, outputs, data + whole);
            SecondHalf = PackedB.Pack(wt.At(half, 0), inputs - half, outputs, data + whole + first);
        }
    }

    /// <summary>Wᵀ over all of k.</summary>
    internal PackedB Whole { get; }

    /// <summary>Wᵀ's first inputs / 2 rows, or none when the product is not summed in halves.</summary>
    internal PackedB FirstHalf { get; }

    /// <summary>Wᵀ's remaining rows, or none when the product is not summed in halves.</summary>
    internal PackedB SecondHalf { get; }
}
