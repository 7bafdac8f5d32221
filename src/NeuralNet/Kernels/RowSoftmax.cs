using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;

namespace NeuralNet.Kernels;

/// <summary>
/// Softmax along each row, computed stably (the row's maximum subtracted before exponentiating; TensorPrimitives.SoftMax
/// does not, and overflows near 89), with each row's log-sum-exp as a by-product. Shared by the Softmax layer and the
/// losses that fuse with it; it knows neither.
/// </summary>
internal static class RowSoftmax
{
    /// <summary>
    /// Softmax of every row of <paramref name="z"/> into <paramref name="h"/>; returns nothing but leaves each
    /// row's log-sum-exp, log Σⱼ exp(zⱼ), in the first n entries of <paramref name="scratch"/> (2n long).
    /// </summary>
    internal static void Apply(Matrix<float> z, Matrix<float> h, Span<float> scratch)
    {
        int n = z.RowCount, classes = z.ColumnCount;
        float[] zs = z.AsColumnMajorArray(), hs = h.AsColumnMajorArray();
        Span<float> rowMax = scratch[..n], rowSum = scratch.Slice(n, n);

        // Column-major storage: a column is one class over the whole batch, so every step is a vector operation.
        zs.AsSpan(0, n).CopyTo(rowMax);
        for (int j = 1; j < classes; j++) TensorPrimitives.Max(rowMax, zs.AsSpan(j * n, n), rowMax);
        rowSum.Clear();
        for (int j = 0; j < classes; j++)
        {
            Span<float> column = hs.AsSpan(j * n, n);
            TensorPrimitives.Subtract(zs.AsSpan(j * n, n), rowMax, column);
            TensorPrimitives.Exp(column, column);
            TensorPrimitives.Add(rowSum, column, rowSum);
        }
        for (int j = 0; j < classes; j++)
        {
            Span<float> column = hs.AsSpan(j * n, n);
            TensorPrimitives.Divide(column, rowSum, column);
        }
        // log-sum-exp = max + log Σ exp(z − max): finite for any finite logits.
        TensorPrimitives.Log(rowSum, rowSum);
        TensorPrimitives.Add(rowMax, rowSum, rowMax);
    }

    internal static void EnsureScratch(ref float[] scratch, int length)
    {
        if (scratch.Length < length) scratch = new float[length];
    }
}
