using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Data;

/// <summary>
/// Min-max scaling to [0, 1], x′ = (x − min) / (max − min) per column, with min and max fitted on training data only.
/// Test values outside the training range map outside [0, 1]. A constant column maps to 0.
/// </summary>
public sealed class MinMaxScaler
{
    private MinMaxScaler(float[] min, float[] range)
    {
        Min = min;
        Range = range;
    }

    /// <summary>The training minimum per column.</summary>
    public IReadOnlyList<float> Min { get; }

    /// <summary>max − min per column (1 where the column was constant).</summary>
    public IReadOnlyList<float> Range { get; }

    /// <summary>Fits min and max on the training inputs.</summary>
    /// <exception cref="ArgumentException">The matrix is empty or holds NaN or ∞.</exception>
    public static MinMaxScaler Fit(Matrix<float> training)
    {
        var columns = ColumnScaling.Columns(training);
        var min = columns.Select(c => c.Min()).ToArray();
        var range = columns.Select((c, j) => c.Max() - min[j] is var r && r > 0f ? r : 1f).ToArray();
        return new MinMaxScaler(min, range);
    }

    /// <summary>(x − min) / (max − min) per column, in a new matrix.</summary>
    /// <exception cref="ArgumentException">The column count differs from the fitted one.</exception>
    public Matrix<float> Transform(Matrix<float> inputs) =>
        ColumnScaling.Apply(inputs, Min.Count, j => Min[j], j => Range[j]);
}
