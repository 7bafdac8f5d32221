namespace NeuralNet.Training;

/// <summary>
/// A schedule whose rate depends on the validation losses seen so far, as PyTorch's <c>ReduceLROnPlateau</c> stepped with
/// <c>scheduler.step(val_loss)</c>: <see cref="Mlp.Fit"/> calls <see cref="Reset"/> when it starts and <see cref="Step"/>
/// after each epoch's validation, and trains the next epoch with <see cref="ILearningRateSchedule.LearningRate"/>, the
/// current rate. Fit needs validation data for it.
/// </summary>
public interface IValidationLossSchedule : ILearningRateSchedule
{
    /// <summary>Forgets every loss seen and starts again from <paramref name="initialLearningRate"/>.</summary>
    /// <param name="initialLearningRate">η₀, the optimizer's rate when training starts.</param>
    void Reset(float initialLearningRate);

    /// <summary>Takes the validation loss of the epoch just trained and decides the rate of the next.</summary>
    /// <param name="validationLoss">The validation loss after the epoch.</param>
    void Step(float validationLoss);
}
