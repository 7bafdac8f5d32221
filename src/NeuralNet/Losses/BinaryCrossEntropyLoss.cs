using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;
using NeuralNet.Layers;
using NeuralNet.Training;

namespace NeuralNet.Losses;

/// <summary>
/// Binary cross-entropy of sigmoid outputs against targets in [0, 1], summed over the outputs and averaged
/// over the batch: L = −(1/N) Σ [y log ŷ + (1 − y) log(1 − ŷ)]; ∂L/∂ŷ = (ŷ − y) / (N ŷ (1 − ŷ)).
/// </summary>
/// <remarks>
/// After a <see cref="Layers.Sigmoid"/> output, <see cref="Mlp.ComputeGradients"/> fuses the two: each output contributes
/// max(z, 0) − z y + log(1 + e^−|z|) (the same value as −y log σ(z) − (1 − y) log(1 − σ(z)), without overflow), and the
/// gradient at the logits is exactly (σ(z) − y)/N, which does not vanish when σ saturates.
/// Stateless and thread-safe.
/// </remarks>
public sealed class BinaryCrossEntropyLoss : IFusedLoss
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
    public Type FusedOutputUnit => typeof(Sigmoid);

    /// <summary>Accuracy: ŷ &gt; 0.5 against y &gt; 0.5 for one output, the argmax of each row for several.</summary>
    public IMetric? DefaultMetric => Accuracy.Instance;

    /// <inheritdoc/>
    public float LossAndGradientAtLogits(Matrix<float> logits, Matrix<float> target, Matrix<float> gradient)
    {
        var (z, y) = Targets.Check(logits, target);
        Targets.RequireProbabilities(target);
        Shapes.RequireSame(gradient, logits, nameof(gradient));
        int n = logits.RowCount;
        double loss = 0;
        for (int k = 0; k < z.Length; k++)
            loss += Math.Max(z[k], 0.0) - (double)z[k] * y[k] + Math.Log(1.0 + Math.Exp(-Math.Abs((double)z[k])));

        Span<float> g = gradient.AsColumnMajorArray();
        TensorPrimitives.Sigmoid(z, g);
        TensorPrimitives.Subtract(g, y, g);
        TensorPrimitives.Multiply(g, 1f / n, g);
        return (float)(loss / n);
    }

    /// <inheritdoc/>
    public override string ToString() => nameof(BinaryCrossEntropyLoss);
}
