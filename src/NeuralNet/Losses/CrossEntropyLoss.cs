using MathNet.Numerics.LinearAlgebra;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Numerics.Tensors;
using NeuralNet.Kernels;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Losses;

/// <summary>
/// Cross-entropy of a softmax output against one-hot (or probability) targets, averaged over the batch:
/// L = −(1/N) Σₙ Σᵢ wᵢ y′ₙᵢ log ŷₙᵢ with y′ = (1 − ε)y + ε/K; ∂L/∂ŷᵢ = −wᵢ y′ᵢ / (N ŷᵢ). Without
/// <see cref="ClassWeights"/> every wᵢ is 1; without <see cref="LabelSmoothing"/> ε is 0 and y′ = y.
/// </summary>
/// <remarks>
/// <para>PyTorch's <c>CrossEntropyLoss(weight, label_smoothing)</c> on probability targets, which divides by N (on class-index
/// targets torch divides by the sum of the true classes' weights instead).</para>
/// <para>After a <see cref="Layers.Softmax"/> output, <see cref="Mlp.ComputeGradients"/>
/// fuses the two: the loss comes from the logits by log-sum-exp, L = (1/N) Σₙ Σᵢ aₙᵢ (logΣⱼexp(zₙⱼ) − zₙᵢ) with
/// aₙᵢ = wᵢ y′ₙᵢ, and the gradient at the logits is exactly (1/N)(ŷₙⱼ Σᵢ aₙᵢ − aₙⱼ): (softmax(z) − y)/N, the lecture's
/// result, without weights or smoothing. Both stay finite at logits of ±1000. Thread-safe.</para>
/// </remarks>
public sealed class CrossEntropyLoss : IFusedLoss
{
    // Per-thread: each row's log-sum-exp, Σᵢ aᵢ and two columns of work for the fused form; a loss may be shared by models on many threads.
    [ThreadStatic] private static float[]? s_rowScratch;

    // ŷ below this is treated as this: log(0) would make the loss infinite for a confident wrong answer.
    private const float MinProbability = 1e-30f;

    private readonly float[]? _classWeights;
    private readonly ReadOnlyCollection<float>? _classWeightsView;
    private readonly float _labelSmoothing;

    /// <summary>
    /// wᵢ, one per class (finite, at least 0, not all 0): how much an example of class i counts. Null (the default) weighs
    /// every class 1. The list is copied.
    /// </summary>
    /// <exception cref="ArgumentException">A weight is negative, NaN or ∞, all are 0, or the list is empty.</exception>
    public IReadOnlyList<float>? ClassWeights
    {
        get => _classWeightsView;
        init
        {
            _classWeights = Weights.Copy(value, nameof(ClassWeights), someNonZero: true);
            _classWeightsView = _classWeights is null ? null : Array.AsReadOnly(_classWeights);
        }
    }

    /// <summary>ε in [0, 1): the targets become (1 − ε)y + ε/K over the K classes. 0 (the default) is none.</summary>
    /// <exception cref="ArgumentOutOfRangeException">ε is outside [0, 1) or NaN.</exception>
    public float LabelSmoothing
    {
        get => _labelSmoothing;
        init => _labelSmoothing = HyperParameters.UnitInterval(value, nameof(LabelSmoothing), "The label smoothing ε");
    }

    /// <inheritdoc/>
    public float Loss(Matrix<float> prediction, Matrix<float> target)
    {
        var (p, y) = Check(prediction, target);
        return Loss(p, y, prediction.ColumnCount, RowScale.Mean(prediction.RowCount));
    }

    /// <inheritdoc/>
    public float Loss(Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights)
    {
        var (p, y) = Check(prediction, target);
        return Loss(p, y, prediction.ColumnCount, RowScale.Weighted(sampleWeights, prediction.RowCount));
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
        var (p, y) = Check(prediction, target);
        Gradient(p, y, prediction, RowScale.Mean(prediction.RowCount), gradient);
    }

    /// <inheritdoc/>
    public void Gradient(Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights, Matrix<float> gradient)
    {
        var (p, y) = Check(prediction, target);
        Gradient(p, y, prediction, RowScale.Weighted(sampleWeights, prediction.RowCount), gradient);
    }

    /// <inheritdoc/>
    public Type FusedOutputUnit => typeof(Softmax);

    /// <summary>Accuracy: the argmax of each row against the target's.</summary>
    public IMetric? DefaultMetric => Accuracy.Instance;

    /// <inheritdoc/>
    public float LossAndGradientAtLogits(Matrix<float> logits, Matrix<float> target, Matrix<float> gradient)
    {
        var (z, y) = Check(logits, target);
        return AtLogits(logits, z, y, RowScale.Mean(logits.RowCount), gradient);
    }

    /// <inheritdoc/>
    public float LossAndGradientAtLogits(Matrix<float> logits, Matrix<float> target, ReadOnlySpan<float> sampleWeights, Matrix<float> gradient)
    {
        var (z, y) = Check(logits, target);
        return AtLogits(logits, z, y, RowScale.Weighted(sampleWeights, logits.RowCount), gradient);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        _classWeights is null && _labelSmoothing == 0f ? nameof(CrossEntropyLoss)
            : $"{nameof(CrossEntropyLoss)}(ClassWeights: {(_classWeights is null ? "none" : Weights.Describe(_classWeights))}, " +
              $"LabelSmoothing: {_labelSmoothing.ToString(CultureInfo.InvariantCulture)})";

    private (float[] Prediction, float[] Target) Check(Matrix<float> prediction, Matrix<float> target)
    {
        var arrays = Targets.Check(prediction, target);
        Targets.RequireDistributions(target);
        if (_classWeights is not null) Weights.RequireWidth(_classWeights, target.ColumnCount, nameof(ClassWeights));
        return arrays;
    }

    // Class j's smoothed, weighted target is aⱼ = yⱼ·Scale + Shift: wⱼ(1 − ε)yⱼ + wⱼε/K (yⱼ itself: Scale 1, Shift 0).
    private (float Scale, float Shift) Coefficients(int j, int classes)
    {
        float w = _classWeights?[j] ?? 1f;
        return (w * (1f - _labelSmoothing), w * _labelSmoothing / classes);
    }

    private float Loss(float[] p, float[] y, int classes, RowScale scale)
    {
        int n = p.Length / classes;
        double sum = 0;
        for (int j = 0; j < classes; j++)
        {
            var (a, b) = Coefficients(j, classes);
            for (int i = 0; i < n; i++)
            {
                int k = j * n + i;
                double t = (double)y[k] * a + b;
                if (t != 0) sum -= scale.Weight(i) * t * Math.Log(Math.Max(p[k], MinProbability));
            }
        }
        return scale.Mean(sum);
    }

    private void Gradient(float[] p, float[] y, Matrix<float> prediction, RowScale scale, Matrix<float> gradient)
    {
        Shapes.RequireSame(gradient, prediction, nameof(gradient));
        float[] g = gradient.AsColumnMajorArray()
            ?? throw new ArgumentException("The gradient must be a dense matrix.", nameof(gradient));
        int n = prediction.RowCount, classes = prediction.ColumnCount;
        for (int j = 0; j < classes; j++)
        {
            var (a, b) = Coefficients(j, classes);
            for (int i = 0; i < n; i++)
            {
                int k = j * n + i;
                float t = y[k] * a + b;
                g[k] = t == 0f ? 0f : -t / MathF.Max(p[k], MinProbability);
            }
            scale.Apply(g.AsSpan(j * n, n));
        }
    }

    private float AtLogits(Matrix<float> logits, float[] z, float[] y, RowScale scale, Matrix<float> gradient)
    {
        Shapes.RequireSame(gradient, logits, nameof(gradient));
        int n = logits.RowCount, classes = logits.ColumnCount;
        float[] scratch = s_rowScratch ?? [];
        RowSoftmax.EnsureScratch(ref scratch, 4 * n);
        s_rowScratch = scratch;

        // The softmax goes straight into the gradient buffer; the scratch keeps each row's log-sum-exp, then Σᵢ aᵢ.
        RowSoftmax.Apply(Shapes.Dense(logits), gradient, scratch);
        ReadOnlySpan<float> logSumExp = scratch.AsSpan(0, n);
        Span<float> targetSum = scratch.AsSpan(n, n), column = scratch.AsSpan(2 * n, n), margin = scratch.AsSpan(3 * n, n);
        bool plain = _classWeights is null && _labelSmoothing == 0f;
        targetSum.Clear();
        for (int j = 0; j < classes; j++) TensorPrimitives.Add(targetSum, Target(y, j, n, classes, plain, column), targetSum);

        float[] g = gradient.AsColumnMajorArray();
        ReadOnlySpan<float> weights = scale.SampleWeights;
        double loss = 0;
        for (int j = 0; j < classes; j++)
        {
            ReadOnlySpan<float> aj = Target(y, j, n, classes, plain, column);
            // log-sum-exp − zᵢ ≥ 0: no cancellation between two large numbers.
            TensorPrimitives.Subtract(logSumExp, z.AsSpan(j * n, n), margin);
            if (!weights.IsEmpty) TensorPrimitives.Multiply(margin, weights, margin);
            loss += TensorPrimitives.Dot(aj, margin);
            Span<float> gj = g.AsSpan(j * n, n);
            TensorPrimitives.Multiply(gj, targetSum, gj);
            TensorPrimitives.Subtract(gj, aj, gj);
            scale.Apply(gj);
        }
        return scale.Mean(loss);
    }

    // Column j of a = w ⊙ y′: y's own column when there is nothing to weigh or smooth, else written into the work column.
    private ReadOnlySpan<float> Target(float[] y, int j, int n, int classes, bool plain, Span<float> work)
    {
        ReadOnlySpan<float> yj = y.AsSpan(j * n, n);
        if (plain) return yj;
        var (a, b) = Coefficients(j, classes);
        TensorPrimitives.Multiply(yj, a, work);
        TensorPrimitives.Add(work, b, work);
        return work;
    }
}
