using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using System.Numerics.Tensors;

namespace NeuralNet.Losses;

/// <summary>
/// Softmax + cross-entropy from the logits: L = (1/N) Σₙ Σᵢ yᵢ (logΣⱼexp(zⱼ) − zᵢ) and ∂L/∂z = (softmax(z) − y)/N.
/// </summary>
internal sealed class SoftmaxCrossEntropy : FusedOutputLoss
{
    private float[] _scratch = [];

    internal override float LossAndGradient(Matrix<float> logits, Matrix<float> target, Matrix<float> gradient)
    {
        var (z, y) = Targets.Check(logits, target);
        Targets.RequireDistributions(target);
        int n = logits.RowCount, classes = logits.ColumnCount;
        Softmax.EnsureScratch(ref _scratch, 2 * n);

        // The softmax goes straight into the gradient buffer; the scratch keeps each row's log-sum-exp.
        Softmax.Rows(Shapes.Dense(logits), gradient, _scratch);
        ReadOnlySpan<float> logSumExp = _scratch.AsSpan(0, n);
        float[] g = gradient.AsColumnMajorArray();
        double loss = 0;
        for (int j = 0; j < classes; j++)
        {
            ReadOnlySpan<float> yj = y.AsSpan(j * n, n);
            loss += TensorPrimitives.Dot(yj, logSumExp) - TensorPrimitives.Dot(yj, z.AsSpan(j * n, n));
            Span<float> gj = g.AsSpan(j * n, n);
            TensorPrimitives.Subtract(gj, yj, gj);
            TensorPrimitives.Multiply(gj, 1f / n, gj);
        }
        return (float)(loss / n);
    }
}
