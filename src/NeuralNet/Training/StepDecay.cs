namespace NeuralNet.Training;

/// <summary>Step decay, as PyTorch's <c>StepLR</c>: η = η₀ γ^⌊epoch / stepSize⌋ (epochs counted from 0).</summary>
public sealed class StepDecay : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="stepSize">Epochs between decays; at least 1.</param>
    /// <param name="gamma">The factor γ applied every <paramref name="stepSize"/> epochs, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public StepDecay(int stepSize, float gamma)
    {
        if (stepSize < 1)
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, $"The step size must be at least 1 epoch, but was {stepSize}.");
        if (!(gamma > 0f && gamma <= 1f))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"Gamma must lie in (0, 1], but was {gamma}.");
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>γ.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public float LearningRate(int epoch, float initialLearningRate) =>
        (float)(initialLearningRate * Math.Pow(Gamma, epoch / StepSize));

    /// <inheritdoc/>
    public override string ToString() => $"StepDecay(every {StepSize} epochs × {Gamma})";
}
