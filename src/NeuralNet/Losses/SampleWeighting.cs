using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;

namespace NeuralNet.Losses;

/// <summary>
/// The sample-weighted forms of a loss that does not implement them itself (a user's loss): exact for any loss that is,
/// as <see cref="ILoss"/> says, the mean over the rows of a per-row loss ℓₙ. The gradient is the unweighted one with
/// row n rescaled from 1/N to wₙ/Σw; the loss evaluates each row alone (ℓₙ = the loss of a one-row batch).
/// </summary>
internal static class SampleWeighting
{
    // Per-thread one-row buffers (prediction or logits, target, gradient), resized only when the width changes.
    [ThreadStatic] private static Matrix<float>? s_row, s_targetRow, s_gradientRow;
    [ThreadStatic] private static float[]? s_factor;

    internal static float Loss(ILoss loss, Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights)
    {
        var (p, y) = Targets.Check(prediction, target);
        var scale = RowScale.Weighted(sampleWeights, prediction.RowCount);
        double sum = 0;
        for (int i = 0; i < prediction.RowCount; i++)
        {
            var (row, targetRow) = Rows(p, y, i, prediction.RowCount, prediction.ColumnCount);
            sum += (double)scale.Weight(i) * loss.Loss(row, targetRow);
        }
        return scale.Mean(sum);
    }

    internal static void Gradient(ILoss loss, Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights,
                                  Matrix<float> gradient)
    {
        Targets.Check(prediction, target);
        var scale = RowScale.Weighted(sampleWeights, prediction.RowCount);
        loss.Gradient(prediction, target, gradient);
        Rescale(gradient, scale);
    }

    internal static float LossAndGradientAtLogits(IFusedLoss loss, Matrix<float> logits, Matrix<float> target,
                                                  ReadOnlySpan<float> sampleWeights, Matrix<float> gradient)
    {
        var (z, y) = Targets.Check(logits, target);
        var scale = RowScale.Weighted(sampleWeights, logits.RowCount);
        loss.LossAndGradientAtLogits(logits, target, gradient);
        Rescale(gradient, scale);
        int n = logits.RowCount, columns = logits.ColumnCount;
        s_gradientRow = Shapes.Reuse(s_gradientRow, 1, columns);
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            var (row, targetRow) = Rows(z, y, i, n, columns);
            sum += (double)scale.Weight(i) * loss.LossAndGradientAtLogits(row, targetRow, s_gradientRow);
        }
        return scale.Mean(sum);
    }

    // The user's gradient carries 1/N in every row; row n needs sₙ instead, so it is multiplied by N·sₙ.
    private static void Rescale(Matrix<float> gradient, RowScale scale)
    {
        int n = gradient.RowCount;
        float[] factor = s_factor is { } cached && cached.Length >= n ? cached : s_factor = new float[n];
        for (int i = 0; i < n; i++) factor[i] = n * scale[i];
        if (gradient.AsColumnMajorArray() is { } g)
        {
            for (int j = 0; j < gradient.ColumnCount; j++)
                TensorPrimitives.Multiply(g.AsSpan(j * n, n), factor.AsSpan(0, n), g.AsSpan(j * n, n));
            return;
        }
        for (int j = 0; j < gradient.ColumnCount; j++)
            for (int i = 0; i < n; i++) gradient[i, j] *= factor[i];
    }

    // Row i of column-major n-row arrays as one-row matrices, in this thread's buffers.
    private static (Matrix<float> Row, Matrix<float> Target) Rows(float[] values, float[] target, int i, int n, int columns)
    {
        s_row = Shapes.Reuse(s_row, 1, columns);
        s_targetRow = Shapes.Reuse(s_targetRow, 1, columns);
        float[] row = s_row.AsColumnMajorArray(), targetRow = s_targetRow.AsColumnMajorArray();
        for (int j = 0; j < columns; j++)
        {
            row[j] = values[j * n + i];
            targetRow[j] = target[j * n + i];
        }
        return (s_row, s_targetRow);
    }
}
