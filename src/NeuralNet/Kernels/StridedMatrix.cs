namespace NeuralNet.Kernels;

/// <summary>
/// A matrix as a pointer and two strides: element (i, j) lives at <c>Data[i·RowStride + j·ColumnStride]</c>.
/// A column-major m × n array is (1, m); its transpose is the same memory with the strides swapped, so every
/// transposition the Dense layer needs is a view, never a copy.
/// </summary>
internal readonly unsafe struct StridedMatrix(float* data, nint rowStride, nint columnStride)
{
    internal float* Data { get; } = data;
    internal nint RowStride { get; } = rowStride;
    internal nint ColumnStride { get; } = columnStride;

    /// <summary>The column-major array of a matrix with <paramref name="rows"/> rows.</summary>
    internal static StridedMatrix ColumnMajor(float* data, int rows) => new(data, 1, rows);

    internal StridedMatrix Transpose() => new(Data, ColumnStride, RowStride);

    /// <summary>The view whose (0, 0) is this view's (i, j).</summary>
    internal StridedMatrix At(int i, int j) => new(Data + i * RowStride + j * ColumnStride, RowStride, ColumnStride);
}
