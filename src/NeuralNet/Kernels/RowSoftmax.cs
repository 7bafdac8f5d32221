using System.Runtime.CompilerServices;
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
        if (z.RowCount < ByRowsBelow) ApplyByRows(z, h, scratch);
        else ApplyByColumns(z, h, scratch);
    }

    /// <summary>
    /// Below this many rows <see cref="ApplyByRows"/> runs: a column of fewer values than one 128-bit vector is worked by
    /// TensorPrimitives one value at a time, so there a call per class and per pass (4 × classes of them, 220 ns for one
    /// row of 10 on Zen 5) cost more than the arithmetic.
    /// </summary>
    internal const int ByRowsBelow = 4;

    /// <summary>The vector form: a pass over the batch per class and per step.</summary>
    internal static void ApplyByColumns(Matrix<float> z, Matrix<float> h, Span<float> scratch)
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

    /// <summary>
    /// Row by row, with the scalar operations TensorPrimitives applies to spans shorter than a vector, in the same order
    /// (max, then z − max, exp and the running sum class by class, the divisions, then log): the same bits as
    /// <see cref="ApplyByColumns"/> for fewer than <see cref="ByRowsBelow"/> rows, without its calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ApplyByRows(Matrix<float> z, Matrix<float> h, Span<float> scratch)
    {
        int n = z.RowCount, classes = z.ColumnCount;
        float[] zs = z.AsColumnMajorArray(), hs = h.AsColumnMajorArray();
        for (int i = 0; i < n; i++)
        {
            float max = zs[i], sum = 0f;
            for (int j = 1; j < classes; j++) max = float.Max(max, zs[j * n + i]);
            for (int j = 0; j < classes; j++)
            {
                float e = float.Exp(zs[j * n + i] - max);
                hs[j * n + i] = e;
                sum += e;
            }
            for (int j = 0; j < classes; j++) hs[j * n + i] /= sum;
            scratch[n + i] = float.Log(sum);
            scratch[i] = max + scratch[n + i];
        }
    }

    internal static void EnsureScratch(ref float[] scratch, int length)
    {
        if (scratch.Length < length) scratch = new float[length];
    }
}
