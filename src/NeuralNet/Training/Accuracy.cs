using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Training;

/// <summary>
/// Classification accuracy, <see cref="Metrics.Accuracy(Matrix{float}, Matrix{float})"/>: the argmax of each row against the
/// target's, or, for one output column, ŷ &gt; 0.5 against y &gt; 0.5.
/// </summary>
public sealed class Accuracy : IMetric
{
    /// <summary>The one instance; the metric has no state.</summary>
    public static Accuracy Instance { get; } = new();

    private Accuracy()
    {
    }

    /// <inheritdoc/>
    public string Name => "accuracy";

    /// <inheritdoc/>
    public float Compute(Matrix<float> predictions, Matrix<float> targets) => Metrics.Accuracy(predictions, targets);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
