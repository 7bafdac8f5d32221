namespace NeuralNet.Training;

/// <summary>A learning rate per epoch, as PyTorch's <c>lr_scheduler</c> sets it: a function of the epoch and the initial rate.</summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for an epoch.</summary>
    /// <param name="epoch">The epoch, from 0 for the first.</param>
    /// <param name="initialLearningRate">η₀, the optimizer's rate when <see cref="Mlp.Fit"/> started.</param>
    float LearningRate(int epoch, float initialLearningRate);
}
