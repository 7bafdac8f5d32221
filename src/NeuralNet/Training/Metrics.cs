using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Losses;

namespace NeuralNet.Training;

/// <summary>Label helpers and classification metrics: one-hot, argmax, accuracy, confusion matrix.</summary>
public static class Metrics
{
    /// <summary>One-hot targets: row n has a 1 in column <c>labels[n]</c> and 0 elsewhere.</summary>
    /// <param name="labels">Class labels in 0 … <paramref name="classes"/> − 1.</param>
    /// <param name="classes">The number of classes (columns); at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A label is out of range, or <paramref name="classes"/> &lt; 1.</exception>
    public static Matrix<float> OneHot(IReadOnlyList<int> labels, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        return Targets.OneHot(labels, classes);
    }

    /// <summary>The column of the largest value in each row (the first on ties): predicted classes from scores or one-hot rows.</summary>
    /// <param name="scores">N × classes.</param>
    public static int[] ArgMax(Matrix<float> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        Shapes.RequireRows(scores, nameof(scores));
        float[] s = Shapes.Dense(scores).AsColumnMajorArray();
        int n = scores.RowCount;
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            float max = s[i];
            for (int j = 1; j < scores.ColumnCount; j++)
                if (s[j * n + i] > max) { max = s[j * n + i]; result[i] = j; }
        }
        return result;
    }

    /// <summary>The fraction of positions where <paramref name="predicted"/> equals <paramref name="actual"/>.</summary>
    /// <exception cref="ArgumentException">The lists differ in length or are empty.</exception>
    public static float Accuracy(IReadOnlyList<int> predicted, IReadOnlyList<int> actual)
    {
        RequireSameLength(predicted, actual);
        int correct = 0;
        for (int i = 0; i < actual.Count; i++) if (predicted[i] == actual[i]) correct++;
        return (float)correct / actual.Count;
    }

    /// <summary>
    /// Accuracy of predictions against targets of the same shape: argmax per row for several columns, or
    /// (for one column, a sigmoid output) ŷ &gt; 0.5 against y &gt; 0.5.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ or are empty.</exception>
    public static float Accuracy(Matrix<float> predictions, Matrix<float> targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        if (predictions.RowCount != targets.RowCount || predictions.ColumnCount != targets.ColumnCount)
            throw new ArgumentException(
                $"The predictions are {Shapes.Describe(predictions)} but the targets are {Shapes.Describe(targets)}; they must match.", nameof(targets));
        Shapes.RequireRows(predictions, nameof(predictions));
        if (predictions.ColumnCount > 1) return Accuracy(ArgMax(predictions), ArgMax(targets));
        int correct = 0;
        for (int i = 0; i < predictions.RowCount; i++)
            if (predictions[i, 0] > 0.5f == targets[i, 0] > 0.5f) correct++;
        return (float)correct / predictions.RowCount;
    }

    /// <summary>The confusion matrix: element [a, p] counts the samples of class a predicted as class p.</summary>
    /// <param name="actual">True labels in 0 … classes − 1.</param>
    /// <param name="predicted">Predicted labels, the same length.</param>
    /// <param name="classes">The number of classes; at least 1.</param>
    /// <exception cref="ArgumentException">Lengths differ, are empty, or a label is out of range.</exception>
    public static int[,] ConfusionMatrix(IReadOnlyList<int> actual, IReadOnlyList<int> predicted, int classes)
    {
        RequireSameLength(predicted, actual);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        var counts = new int[classes, classes];
        for (int i = 0; i < actual.Count; i++)
        {
            if ((uint)actual[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(actual), actual[i], $"Actual label {i} is {actual[i]}; labels must lie in 0 … {classes - 1}.");
            if ((uint)predicted[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(predicted), predicted[i], $"Predicted label {i} is {predicted[i]}; labels must lie in 0 … {classes - 1}.");
            counts[actual[i], predicted[i]]++;
        }
        return counts;
    }

    private static void RequireSameLength(IReadOnlyList<int> predicted, IReadOnlyList<int> actual)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(actual);
        if (predicted.Count != actual.Count)
            throw new ArgumentException($"There are {predicted.Count} predicted labels but {actual.Count} actual ones.", nameof(predicted));
        if (actual.Count == 0) throw new ArgumentException("There are no labels to compare (0 samples).", nameof(actual));
    }
}
