namespace NeuralNet.Training;

/// <summary>
/// Writes <see cref="TrainingOptions.Checkpoint"/> as a callback: after epochs k, 2k, … and the last one (whether it is the
/// last of <see cref="TrainingOptions.Epochs"/> or a callback stopped training), and on cancellation. It runs after every
/// other callback, so the file holds what they did in the epoch.
/// </summary>
internal sealed class Checkpointing(CheckpointOptions options, TrainingCheckpoint checkpoint) : ITrainingCallback
{
    public void OnEpochEnd(TrainingContext context, EpochResult result)
    {
        if (result.Epoch % options.EveryEpochs == 0 || result.Epoch == context.Epochs || context.StopRequested) Write(context);
    }

    /// <summary>The token was cancelled between batches: keeps the state after the last completed one.</summary>
    internal void OnCancelled(TrainingContext context)
    {
        if (options.OnCancellation) Write(context);
    }

    private void Write(TrainingContext context) => checkpoint.Write(options.Path, context);
}
