using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Training;

namespace NeuralNet.Losses;

/// <summary>A loss L(ŷ, y) averaged over the batch, and its gradient ∂L/∂ŷ. One sample per row.</summary>
public interface ILoss
{
    /// <summary>The loss of a batch of predictions against its targets, averaged over the N rows.</summary>
    /// <param name="prediction">ŷ, N × outputs.</param>
    /// <param name="target">y, the same shape.</param>
    /// <exception cref="ArgumentException">The shapes differ, the batch is empty, or a target is invalid for this loss.</exception>
    float Loss(Matrix<float> prediction, Matrix<float> target);

    /// <summary>Writes ∂L/∂ŷ (including the 1/N of the average) into <paramref name="gradient"/>.</summary>
    /// <param name="prediction">ŷ, N × outputs.</param>
    /// <param name="target">y, the same shape.</param>
    /// <param name="gradient">Receives the gradient; the same shape.</param>
    void Gradient(Matrix<float> prediction, Matrix<float> target, Matrix<float> gradient);

    /// <summary>∂L/∂ŷ (including the 1/N of the average) in a new matrix.</summary>
    /// <param name="prediction">ŷ, N × outputs.</param>
    /// <param name="target">y, the same shape.</param>
    Matrix<float> Gradient(Matrix<float> prediction, Matrix<float> target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var gradient = Matrix<float>.Build.Dense(prediction.RowCount, prediction.ColumnCount);
        Gradient(prediction, target, gradient);
        return gradient;
    }

    /// <summary>
    /// The sample-weighted loss of a batch, Σₙ wₙℓₙ / Σₙ wₙ, where ℓₙ is row n's loss: a weight of 2 counts a row as if
    /// it appeared twice. With every weight 1 it is <see cref="Loss(Matrix{float}, Matrix{float})"/>.
    /// </summary>
    /// <remarks>
    /// The built-in losses implement it directly. The default, for a loss of your own, assumes the loss is the mean over
    /// the rows of a per-row loss (as <see cref="Loss(Matrix{float}, Matrix{float})"/> says) and evaluates each row alone.
    /// </remarks>
    /// <param name="prediction">ŷ, N × outputs.</param>
    /// <param name="target">y, the same shape.</param>
    /// <param name="sampleWeights">N weights, finite, at least 0, not all 0.</param>
    /// <exception cref="ArgumentException">As the unweighted loss; or the weight count is not N, or a weight is negative, NaN or ∞, or all are 0.</exception>
    float Loss(Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights) =>
        SampleWeighting.Loss(this, prediction, target, sampleWeights);

    /// <summary>
    /// Writes the gradient of the sample-weighted loss into <paramref name="gradient"/>: row n is wₙ/Σw · ∂ℓₙ/∂ŷₙ.
    /// </summary>
    /// <remarks>The default rescales the rows of <see cref="Gradient(Matrix{float}, Matrix{float}, Matrix{float})"/> from 1/N to wₙ/Σw.</remarks>
    /// <param name="prediction">ŷ, N × outputs.</param>
    /// <param name="target">y, the same shape.</param>
    /// <param name="sampleWeights">N weights, finite, at least 0, not all 0.</param>
    /// <param name="gradient">Receives the gradient; the same shape.</param>
    /// <exception cref="ArgumentException">As the unweighted gradient; or the weights are bad, as for the weighted loss.</exception>
    void Gradient(Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights, Matrix<float> gradient) =>
        SampleWeighting.Gradient(this, prediction, target, sampleWeights, gradient);

    /// <summary>
    /// The metric <see cref="Mlp.Fit"/> reports on validation data when <see cref="TrainingOptions.Metric"/> is not set:
    /// the loss's own choice (accuracy for the classification losses), null for none.
    /// </summary>
    IMetric? DefaultMetric => null;
}
