using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;
using NeuralNet.Kernels;
using NeuralNet.Layers;
using NeuralNet.Training;

namespace NeuralNet.Losses;

/// <summary>
/// Cross-entropy of a softmax output against one-hot targets, averaged over the batch:
/// L = −(1/N) Σₙ Σᵢ yᵢ log ŷᵢ; ∂L/∂ŷᵢ = −yᵢ / (N ŷᵢ).
/// </summary>
/// <remarks>
/// After a <see cref="Layers.Softmax"/> output, <see cref="Mlp.ComputeGradients"/> fuses the two: the loss comes
/// from the logits by log-sum-exp, L = (1/N) Σₙ Σᵢ yᵢ (logΣⱼexp(zⱼ) − zᵢ), and the gradient at the logits is exactly
/// (softmax(z) − y)/N, the lecture's result. Stateless and thread-safe.
/// </remarks>
public sealed class CrossEntropyLoss : IFusedLoss
{
    // Per-thread: each row's log-sum-exp and maximum for the fused form; a loss may be shared by models on many threads.
    [ThreadStatic] private static float[]? s_rowScratch;

    // ŷ below this is treated as this: log(0) would make the loss infinite for a confident wrong answer.
    private const float MinProbability = 1e-30f;

    /// <inheritdoc/>
    public float Loss(Matrix<float> prediction, Matrix<float> target)
    {
        var (p, y) = Targets.Check(prediction, target);
        Targets.RequireDistributions(target);
        double sum = 0;
        for (int k = 0; k < p.Length; k++)
            if (y[k] != 0f) sum -= y[k] * Math.Log(Math.Max(p[k], MinProbability));
        return (float)(sum / prediction.RowCount);
    }

    /// <summary>The loss against integer class labels, one per row, in 0 … classes − 1.</summary>
    /// <param name="prediction">ŷ, N × classes.</param>
    /// <param name="labels">N class labels.</param>
    /// <exception cref="ArgumentException">The label count differs from N, or a label is out of range.</exception>
    public float Loss(Matrix<float> prediction, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != prediction.RowCount)
            throw new ArgumentException($"There are {labels.Count} labels for {prediction.RowCount} predictions.", nameof(labels));
        return Loss(prediction, Targets.OneHot(labels, prediction.ColumnCount));
    }

    /// <inheritdoc/>
    public void Gradient(Matrix<float> prediction, Matrix<float> target, Matrix<float> gradient)
    {
        var (p, y) = Targets.Check(prediction, target);
        Targets.RequireDistributions(target);
        Shapes.RequireSame(gradient, prediction, nameof(gradient));
        float[] g = gradient.AsColumnMajorArray();
        float n = prediction.RowCount;
        for (int k = 0; k < p.Length; k++)
            g[k] = y[k] == 0f ? 0f : -y[k] / (n * MathF.Max(p[k], MinProbability));
    }

    /// <inheritdoc/>
    public Type FusedOutputUnit => typeof(Softmax);

    /// <summary>Accuracy: the argmax of each row against the target's.</summary>
    public IMetric? DefaultMetric => Accuracy.Instance;

    /// <inheritdoc/>
    public float LossAndGradientAtLogits(Matrix<float> logits, Matrix<float> target, Matrix<float> gradient)
    {
        var (z, y) = Targets.Check(logits, target);
        Targets.RequireDistributions(target);
        Shapes.RequireSame(gradient, logits, nameof(gradient));
        int n = logits.RowCount, classes = logits.ColumnCount;
        float[] scratch = s_rowScratch ?? [];
        RowSoftmax.EnsureScratch(ref scratch, 2 * n);
        s_rowScratch = scratch;

        // The softmax goes straight into the gradient buffer; the scratch keeps each row's log-sum-exp.
        RowSoftmax.Apply(Shapes.Dense(logits), gradient, scratch);
        ReadOnlySpan<float> logSumExp = scratch.AsSpan(0, n);
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

    /// <inheritdoc/>
    public override string ToString() => nameof(CrossEntropyLoss);
}
