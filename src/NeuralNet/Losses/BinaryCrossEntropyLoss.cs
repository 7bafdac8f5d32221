using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Losses;

/// <summary>
/// Binary cross-entropy of sigmoid outputs against targets in [0, 1], summed over the outputs and averaged
/// over the batch: L = −(1/N) Σ [y log ŷ + (1 − y) log(1 − ŷ)]; ∂L/∂ŷ = (ŷ − y) / (N ŷ (1 − ŷ)).
/// </summary>
/// <remarks>
/// After a <see cref="Layers.Sigmoid"/> output, <see cref="Mlp.ComputeGradients"/> fuses the two: the loss comes from
/// the logits stably and the gradient at the logits is exactly (ŷ − y)/N, which does not vanish when σ saturates.
/// Stateless and thread-safe.
/// </remarks>
public sealed class BinaryCrossEntropyLoss : ILoss
{
    // Keeps log and the division finite at ŷ = 0 or 1.
    private const float Epsilon = 1e-7f;

    /// <inheritdoc/>
    public float Loss(Matrix<float> prediction, Matrix<float> target)
    {
        var (p, y) = Targets.Check(prediction, target);
        Targets.RequireProbabilities(target);
        double sum = 0;
        for (int k = 0; k < p.Length; k++)
        {
            double q = Math.Clamp(p[k], Epsilon, 1f - Epsilon);
            sum -= y[k] * Math.Log(q) + (1 - y[k]) * Math.Log(1 - q);
        }
        return (float)(sum / prediction.RowCount);
    }

    /// <inheritdoc/>
    public void Gradient(Matrix<float> prediction, Matrix<float> target, Matrix<float> gradient)
    {
        var (p, y) = Targets.Check(prediction, target);
        Targets.RequireProbabilities(target);
        Shapes.RequireSame(gradient, prediction, nameof(gradient));
        float[] g = gradient.AsColumnMajorArray();
        float n = prediction.RowCount;
        for (int k = 0; k < p.Length; k++)
        {
            float q = Math.Clamp(p[k], Epsilon, 1f - Epsilon);
            g[k] = (q - y[k]) / (n * q * (1f - q));
        }
    }

    /// <inheritdoc/>
    public override string ToString() => nameof(BinaryCrossEntropyLoss);
}
