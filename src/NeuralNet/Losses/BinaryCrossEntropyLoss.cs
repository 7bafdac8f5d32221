using MathNet.Numerics.LinearAlgebra;
using System.Collections.ObjectModel;
using System.Numerics.Tensors;
using NeuralNet.Layers;
using NeuralNet.Training;

namespace NeuralNet.Losses;

/// <summary>
/// Binary cross-entropy of sigmoid outputs against targets in [0, 1], summed over the outputs and averaged over the batch:
/// L = −(1/N) Σ [p y log ŷ + (1 − y) log(1 − ŷ)], with pⱼ the <see cref="PositiveWeights"/> of output j (1 without them);
/// ∂L/∂ŷ = (ŷ(p y + 1 − y) − p y) / (N ŷ (1 − ŷ)).
/// </summary>
/// <remarks>
/// <para>PyTorch's <c>BCEWithLogitsLoss(pos_weight)</c>, summed over the outputs (torch's mean divides by the outputs too).</para>
/// <para>After a <see cref="Layers.Sigmoid"/> output, <see cref="Mlp.ComputeGradients"/>
/// fuses the two: with softplus(z) = max(z, 0) + log(1 + e^−|z|) = −log(1 − σ(z)) and softplus(z) − z = −log σ(z), each
/// output contributes (1 − y) softplus(z) + p y (softplus(z) − z) without overflow, and the gradient at the logits is exactly
/// (σ(z)(p y + 1 − y) − p y)/N: (σ(z) − y)/N without weights, which does not vanish when σ saturates. Thread-safe.</para>
/// </remarks>
public sealed class BinaryCrossEntropyLoss : IFusedLoss
{
    // Keeps log and the division finite at ŷ = 0 or 1.
    private const float Epsilon = 1e-7f;

    // Per-thread: one column of work for the weighted fused gradient; a loss may be shared by models on many threads.
    [ThreadStatic] private static float[]? s_column;

    private readonly float[]? _positiveWeights;
    private readonly ReadOnlyCollection<float>? _positiveWeightsView;

    /// <summary>
    /// pⱼ, one per output (finite, at least 0): how much a positive (y = 1) of output j counts against a negative, as
    /// torch's <c>pos_weight</c> (negatives/positives balances a rare class). Null (the default) is 1 for every output. The list is copied.
    /// </summary>
    /// <exception cref="ArgumentException">A weight is negative, NaN or ∞, or the list is empty.</exception>
    public IReadOnlyList<float>? PositiveWeights
    {
        get => _positiveWeightsView;
        init
        {
            _positiveWeights = Weights.Copy(value, nameof(PositiveWeights), someNonZero: false);
            _positiveWeightsView = _positiveWeights is null ? null : Array.AsReadOnly(_positiveWeights);
        }
    }

    /// <inheritdoc/>
    public float Loss(Matrix<float> prediction, Matrix<float> target)
    {
        var (p, y) = Check(prediction, target);
        return Loss(p, y, prediction.RowCount, RowScale.Mean(prediction.RowCount));
    }

    /// <inheritdoc/>
    public float Loss(Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights)
    {
        var (p, y) = Check(prediction, target);
        return Loss(p, y, prediction.RowCount, RowScale.Weighted(sampleWeights, prediction.RowCount));
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
    public Type FusedOutputUnit => typeof(Sigmoid);

    /// <summary>Accuracy: ŷ &gt; 0.5 against y &gt; 0.5 for one output, the argmax of each row for several.</summary>
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
        _positiveWeights is null ? nameof(BinaryCrossEntropyLoss)
            : $"{nameof(BinaryCrossEntropyLoss)}(PositiveWeights: {Weights.Describe(_positiveWeights)})";

    private (float[] Prediction, float[] Target) Check(Matrix<float> prediction, Matrix<float> target)
    {
        var arrays = Targets.Check(prediction, target);
        Targets.RequireProbabilities(target);
        if (_positiveWeights is not null) Weights.RequireWidth(_positiveWeights, target.ColumnCount, nameof(PositiveWeights));
        return arrays;
    }

    private float PositiveWeight(int output) => _positiveWeights?[output] ?? 1f;

    private float Loss(float[] p, float[] y, int n, RowScale scale)
    {
        double sum = 0;
        for (int k = 0; k < p.Length; k++)
        {
            double q = Math.Clamp(p[k], Epsilon, 1f - Epsilon);
            sum -= scale.Weight(k % n) * (PositiveWeight(k / n) * y[k] * Math.Log(q) + (1 - y[k]) * Math.Log(1 - q));
        }
        return scale.Mean(sum);
    }

    private void Gradient(float[] p, float[] y, Matrix<float> prediction, RowScale scale, Matrix<float> gradient)
    {
        Shapes.RequireSame(gradient, prediction, nameof(gradient));
        float[] g = gradient.AsColumnMajorArray()
            ?? throw new ArgumentException("The gradient must be a dense matrix.", nameof(gradient));
        int n = prediction.RowCount;
        for (int j = 0; j < prediction.ColumnCount; j++)
        {
            float positive = PositiveWeight(j);
            for (int i = 0; i < n; i++)
            {
                int k = j * n + i;
                float q = Math.Clamp(p[k], Epsilon, 1f - Epsilon);
                g[k] = (q * (positive * y[k] + 1f - y[k]) - positive * y[k]) / (q * (1f - q));
            }
            scale.Apply(g.AsSpan(j * n, n));
        }
    }

    private float AtLogits(Matrix<float> logits, float[] z, float[] y, RowScale scale, Matrix<float> gradient)
    {
        Shapes.RequireSame(gradient, logits, nameof(gradient));
        int n = logits.RowCount;
        double loss = 0;
        for (int k = 0; k < z.Length; k++)
        {
            double softplus = Math.Max(z[k], 0.0) + Math.Log(1.0 + Math.Exp(-Math.Abs((double)z[k])));
            loss += scale.Weight(k % n) * ((1.0 - y[k]) * softplus + PositiveWeight(k / n) * (double)y[k] * (softplus - z[k]));
        }

        float[] g = gradient.AsColumnMajorArray();
        float[] work = s_column is { } cached && cached.Length >= n ? cached : s_column = new float[n];
        TensorPrimitives.Sigmoid(z, g);
        for (int j = 0; j < logits.ColumnCount; j++)
        {
            ReadOnlySpan<float> yj = y.AsSpan(j * n, n);
            Span<float> gj = g.AsSpan(j * n, n), pyj = work.AsSpan(0, n);
            float positive = PositiveWeight(j);
            if (positive == 1f)
            {
                // σ(z)·(p y + 1 − y) − p y with p = 1, the same bits in one pass instead of four.
                TensorPrimitives.Subtract(gj, yj, gj);
            }
            else
            {
                TensorPrimitives.Multiply(yj, positive - 1f, pyj);
                TensorPrimitives.Add(pyj, 1f, pyj);
                TensorPrimitives.Multiply(gj, pyj, gj);
                TensorPrimitives.Multiply(yj, positive, pyj);
                TensorPrimitives.Subtract(gj, pyj, gj);
            }
            scale.Apply(gj);
        }
        return scale.Mean(loss);
    }
}
