namespace NeuralNet.Training;

/// <summary>
/// Code of yours that <see cref="Mlp.Fit"/> runs as it trains, as Keras's <c>Callback</c>: after each batch and each
/// epoch (and at the start and end of training), seeing the results, and able to stop training through
/// <see cref="TrainingContext.RequestStop"/>. Every method does nothing unless you implement it.
/// </summary>
/// <remarks>
/// <para>
/// Callbacks run on the training thread, in the order of <see cref="TrainingOptions.Callbacks"/>, after the library's
/// own: the learning-rate schedule (<see cref="TrainingOptions.LearningRateSchedule"/>) and early stopping
/// (<see cref="TrainingOptions.EarlyStoppingPatience"/>, an <see cref="EarlyStopping"/>) come first, and checkpoints
/// (<see cref="TrainingOptions.Checkpoint"/>) last, so that a checkpoint holds what every callback did in the epoch.
/// </para>
/// <para>
/// A callback may read the model and the optimizer; changing them changes training. An exception from a callback ends
/// <see cref="Mlp.Fit"/> with that exception. A checkpoint holds the state of the library's callbacks, not of yours:
/// a callback of yours that counts or remembers should rebuild what it needs from <see cref="TrainingContext.History"/>
/// in <see cref="OnTrainingStart"/>, which on a resumed run already holds every epoch trained before.
/// </para>
/// </remarks>
public interface ITrainingCallback
{
    /// <summary>Before the first epoch (or, resuming, the first epoch left). <see cref="TrainingContext.History"/> holds the epochs already trained.</summary>
    void OnTrainingStart(TrainingContext context)
    {
    }

    /// <summary>Before the first batch of epoch <see cref="TrainingContext.Epoch"/> (when the schedule sets its learning rate).</summary>
    void OnEpochStart(TrainingContext context)
    {
    }

    /// <summary>After each batch's optimizer step. Requesting a stop here ends the epoch after this batch.</summary>
    /// <param name="context">The run.</param>
    /// <param name="batch">The epoch, the batch within it (from 1) and the batch's loss.</param>
    void OnBatchEnd(TrainingContext context, BatchResult batch)
    {
    }

    /// <summary>After each epoch's validation, once its result is in <see cref="TrainingContext.History"/> and reported to the progress.</summary>
    /// <param name="context">The run.</param>
    /// <param name="result">The epoch's result.</param>
    void OnEpochEnd(TrainingContext context, EpochResult result)
    {
    }

    /// <summary>After the last epoch, or after a stop was requested; not when training throws (divergence, cancellation).</summary>
    void OnTrainingEnd(TrainingContext context)
    {
    }
}
