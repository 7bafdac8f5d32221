using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;

namespace NeuralNet.Losses;

/// <summary>
/// Sigmoid + binary cross-entropy from the logits: each output contributes max(z, 0) − z y + log(1 + e^−|z|)
/// (the same value as −y log σ(z) − (1 − y) log(1 − σ(z)), without overflow), and ∂L/∂z = (σ(z) − y)/N.
/// </summary>
internal sealed class SigmoidBinaryCrossEntropy : FusedOutputLoss
{
    internal override float LossAndGradient(Matrix<float> logits, Matrix<float> target, Matrix<float> gradient)
    {
        var (z, y) = Targets.Check(logits, target);
        Targets.RequireProbabilities(target);
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
}
