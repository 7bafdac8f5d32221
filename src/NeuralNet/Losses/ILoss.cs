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
    /// The metric <see cref="Mlp.Fit"/> reports on validation data when <see cref="TrainingOptions.Metric"/> is not set:
    /// the loss's own choice (accuracy for the classification losses), null for none.
    /// </summary>
    IMetric? DefaultMetric => null;
}
