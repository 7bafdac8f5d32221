using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;

namespace NeuralNet;

/// <summary>Shape checks and buffer reuse shared by layers, losses and the network.</summary>
internal static class Shapes
{
    /// <summary>The matrix itself when it is dense (column-major storage), otherwise a dense copy.</summary>
    internal static Matrix<float> Dense(Matrix<float> m) =>
        m.AsColumnMajorArray() is null ? Matrix<float>.Build.DenseOfMatrix(m) : m;

    /// <summary>The buffer when it already has the shape, otherwise a new one: buffers are sized on the first batch and reused.</summary>
    internal static Matrix<float> Reuse(Matrix<float>? buffer, int rows, int columns) =>
        buffer is not null && buffer.RowCount == rows && buffer.ColumnCount == columns
            ? buffer
            : Matrix<float>.Build.Dense(rows, columns);

    internal static string Describe(Matrix<float> m) => $"{m.RowCount} × {m.ColumnCount}";

    internal static void RequireSame(Matrix<float> actual, Matrix<float> expected, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(actual, parameterName);
        if (actual.RowCount != expected.RowCount || actual.ColumnCount != expected.ColumnCount)
            throw new ArgumentException(
                $"Expected a {Describe(expected)} matrix but got {Describe(actual)}.", parameterName);
    }

    /// <summary>Rejects an empty batch.</summary>
    internal static void RequireRows(Matrix<float> batch, string parameterName)
    {
        if (batch.RowCount == 0 || batch.ColumnCount == 0)
            throw new ArgumentException($"The batch is empty ({Describe(batch)}); it needs at least 1 row and 1 column.", parameterName);
    }

    /// <summary>Rejects NaN or ±∞, naming the first offending element.</summary>
    internal static void RequireFinite(Matrix<float> m, string parameterName)
    {
        float[] values = Dense(m).AsColumnMajorArray();
        int k = IndexOfNonFinite(values);
        if (k >= 0)
            throw new ArgumentException(
                $"Element [{k % m.RowCount}, {k / m.RowCount}] of the {Describe(m)} matrix is {values[k]}; every value must be finite.",
                parameterName);
    }

    /// <summary>The index of the first NaN or ±∞, or −1 when every value is finite.</summary>
    internal static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        // A vectorised sum is finite whenever every element is (barring overflow); scan only when it is not.
        if (float.IsFinite(TensorPrimitives.Sum(values))) return -1;
        for (int k = 0; k < values.Length; k++)
            if (!float.IsFinite(values[k])) return k;
        return -1;
    }
}
