namespace NeuralNet.Training;

/// <summary>Exponential decay, as PyTorch's <c>ExponentialLR</c>: η = η₀ γ^epoch (epochs counted from 0).</summary>
public sealed class ExponentialDecay : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="gamma">The factor γ applied every epoch, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is out of range.</exception>
    public ExponentialDecay(float gamma)
    {
        if (!(gamma > 0f && gamma <= 1f))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"Gamma must lie in (0, 1], but was {gamma}.");
        Gamma = gamma;
    }

    /// <summary>γ.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public float LearningRate(int epoch, float initialLearningRate) =>
        (float)(initialLearningRate * Math.Pow(Gamma, epoch));

    /// <inheritdoc/>
    public override string ToString() => $"ExponentialDecay(× {Gamma} per epoch)";
}
