using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Training;

/// <summary>A score of predictions against targets that <see cref="Mlp.Fit"/> reports on validation data after each epoch.</summary>
public interface IMetric
{
    /// <summary>A short name for reports, such as <c>accuracy</c>.</summary>
    string Name { get; }

    /// <summary>The metric of a batch of predictions against its targets.</summary>
    /// <param name="predictions">ŷ, N × outputs, from <see cref="Mlp.Predict(Matrix{float})"/>.</param>
    /// <param name="targets">y, the same shape.</param>
    /// <exception cref="ArgumentException">The shapes differ or are empty.</exception>
    float Compute(Matrix<float> predictions, Matrix<float> targets);
}
