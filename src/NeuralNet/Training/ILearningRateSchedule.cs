namespace NeuralNet.Training;

/// <summary>A learning rate per epoch, as PyTorch's <c>lr_scheduler</c> sets it: a function of the epoch and the initial rate.</summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for an epoch.</summary>
    /// <param name="epoch">The epoch, from 0 for the first (the batch, counted over the whole run, when <see cref="Unit"/> is <see cref="ScheduleUnit.Batch"/>).</param>
    /// <param name="initialLearningRate">η₀, the optimizer's rate when <see cref="Mlp.Fit"/> started.</param>
    float LearningRate(int epoch, float initialLearningRate);

    /// <summary>
    /// Whether <see cref="LearningRate"/> counts epochs (the default) or batches: <see cref="Mlp.Fit"/> sets the rate before
    /// every epoch, or before every batch of every epoch.
    /// </summary>
    ScheduleUnit Unit => ScheduleUnit.Epoch;
}
