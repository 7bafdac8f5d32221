using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Losses;

/// <summary>Argument checks that every loss applies to its prediction and target.</summary>
internal static class Targets
{
    /// <summary>Same non-empty shape, finite targets; returns the dense arrays behind both.</summary>
    internal static (float[] Prediction, float[] Target) Check(Matrix<float> prediction, Matrix<float> target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        Shapes.RequireRows(prediction, nameof(prediction));
        if (target.RowCount != prediction.RowCount || target.ColumnCount != prediction.ColumnCount)
            throw new ArgumentException(
                $"The target is {Shapes.Describe(target)} but the prediction is {Shapes.Describe(prediction)}; they must match.", nameof(target));
        Shapes.RequireFinite(target, nameof(target));
        return (Shapes.Dense(prediction).AsColumnMajorArray(), Shapes.Dense(target).AsColumnMajorArray());
    }

    /// <summary>Every target in [0, 1], as probabilities must be.</summary>
    internal static void RequireProbabilities(Matrix<float> target)
    {
        float[] y = Shapes.Dense(target).AsColumnMajorArray();
        for (int k = 0; k < y.Length; k++)
        {
            if (y[k] is < 0f or > 1f)
                throw new ArgumentException(
                    $"Target [{k % target.RowCount}, {k / target.RowCount}] is {y[k]}; targets of this loss must lie in [0, 1].", nameof(target));
        }
    }

    /// <summary>Every row a distribution over the classes (one-hot, or summing to 1).</summary>
    internal static void RequireDistributions(Matrix<float> target)
    {
        RequireProbabilities(target);
        float[] y = Shapes.Dense(target).AsColumnMajorArray();
        int n = target.RowCount;
        for (int i = 0; i < n; i++)
        {
            float sum = 0f;
            for (int j = 0; j < target.ColumnCount; j++) sum += y[j * n + i];
            if (MathF.Abs(sum - 1f) > 1e-3f)
                throw new ArgumentException(
                    $"Target row {i} sums to {sum}; cross-entropy targets must be one-hot (or sum to 1) over the {target.ColumnCount} classes.", nameof(target));
        }
    }

    /// <summary>One-hot rows from class labels 0 … classes − 1.</summary>
    internal static Matrix<float> OneHot(IReadOnlyList<int> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var target = Matrix<float>.Build.Dense(labels.Count, classes);
        for (int i = 0; i < labels.Count; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i],
                    $"Label {i} is {labels[i]}; labels must lie in 0 … {classes - 1} for {classes} classes.");
            target[i, labels[i]] = 1f;
        }
        return target;
    }
}
