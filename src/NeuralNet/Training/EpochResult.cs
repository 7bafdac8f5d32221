namespace NeuralNet.Training;

/// <summary>What one epoch of <see cref="Mlp.Fit"/> achieved.</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="TrainingLoss">The mean data loss over the epoch's training samples (each batch weighted by its size, or by its rows' <see cref="TrainingOptions.SampleWeights"/>).</param>
/// <param name="ValidationLoss">The loss on the validation data after the epoch, or null without validation data.</param>
/// <param name="ValidationAccuracy">
/// The fraction of validation samples classified correctly (argmax, or ŷ &gt; 0.5 for one output) when the metric is
/// <see cref="Accuracy"/>, else null (also without validation data).
/// </param>
/// <param name="Elapsed">Wall-clock time of the epoch, validation included.</param>
public sealed record EpochResult(int Epoch, float TrainingLoss, float? ValidationLoss, float? ValidationAccuracy, TimeSpan Elapsed)
{
    /// <summary>The learning rate the epoch trained with, when the optimizer exposes one.</summary>
    public float? LearningRate { get; init; }

    /// <summary>The value of the validation metric (<see cref="TrainingOptions.Metric"/>, or the loss's default), or null without one.</summary>
    public float? ValidationMetric { get; init; }
}
