using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Data;

/// <summary>
/// Standardisation, x′ = (x − μ) / σ per column, with μ and σ (population) fitted on training data only and then
/// applied unchanged to validation and test data. A constant column (σ = 0) is only centred, as scikit-learn does.
/// </summary>
public sealed class StandardScaler
{
    private StandardScaler(float[] mean, float[] scale)
    {
        Mean = mean;
        Scale = scale;
    }

    /// <summary>μ per column.</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>σ per column (1 where the column was constant).</summary>
    public IReadOnlyList<float> Scale { get; }

    /// <summary>Fits μ and σ on the training inputs.</summary>
    /// <exception cref="ArgumentException">The matrix is empty or holds NaN or ∞.</exception>
    public static StandardScaler Fit(Matrix<float> training)
    {
        var columns = ColumnScaling.Columns(training);
        var mean = new float[columns.Length];
        var scale = new float[columns.Length];
        for (int j = 0; j < columns.Length; j++)
        {
            double mu = columns[j].Average(v => (double)v);
            double variance = columns[j].Average(v => (v - mu) * (v - mu));
            mean[j] = (float)mu;
            scale[j] = variance > 0 ? (float)Math.Sqrt(variance) : 1f;
        }
        return new StandardScaler(mean, scale);
    }

    /// <summary>(x − μ) / σ per column, in a new matrix.</summary>
    /// <exception cref="ArgumentException">The column count differs from the fitted one.</exception>
    public Matrix<float> Transform(Matrix<float> inputs) =>
        ColumnScaling.Apply(inputs, Mean.Count, j => Mean[j], j => Scale[j]);
}
