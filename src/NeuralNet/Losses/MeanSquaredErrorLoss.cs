using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;

namespace NeuralNet.Losses;

/// <summary>
/// Mean squared error with the lecture's one half: L = (1/(2N)) Σₙ ‖y − ŷ‖²; ∂L/∂ŷ = (ŷ − y)/N.
/// The loss of a linear (<see cref="Layers.Identity"/>) output for regression.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public sealed class MeanSquaredErrorLoss : ILoss
{
    /// <inheritdoc/>
    public float Loss(Matrix<float> prediction, Matrix<float> target)
    {
        var (p, y) = Targets.Check(prediction, target);
        double sum = 0;
        for (int k = 0; k < p.Length; k++)
        {
            double d = (double)p[k] - y[k];
            sum += d * d;
        }
        return (float)(sum / (2.0 * prediction.RowCount));
    }

    /// <inheritdoc/>
    public void Gradient(Matrix<float> prediction, Matrix<float> target, Matrix<float> gradient)
    {
        var (p, y) = Targets.Check(prediction, target);
        Shapes.RequireSame(gradient, prediction, nameof(gradient));
        Span<float> g = gradient.AsColumnMajorArray();
        TensorPrimitives.Subtract(p, y, g);
        TensorPrimitives.Multiply(g, 1f / prediction.RowCount, g);
    }

    /// <inheritdoc/>
    public override string ToString() => nameof(MeanSquaredErrorLoss);
}
