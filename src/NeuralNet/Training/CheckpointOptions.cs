namespace NeuralNet.Training;

/// <summary>
/// Where and how often <see cref="Mlp.Fit"/> writes a checkpoint (<see cref="TrainingOptions.Checkpoint"/>): a file holding
/// everything needed to continue training exactly where it was, so that a run resumed from it
/// (<see cref="TrainingOptions.ResumeFrom"/>) ends with the weights, bit for bit, of the run that was never interrupted.
/// </summary>
/// <remarks>
/// The file holds the model, the optimizer's state (momentum, moments, step count, learning rate), the schedule's and
/// early stopping's state (best loss, best epoch, best weights), the history so far, the position (epoch, and batch
/// after a cancellation) and the random state (the shuffle's seed, each Dropout layer's generator). It is written
/// atomically (a temporary file renamed over the target), so a process killed at any moment leaves the previous
/// checkpoint or the new one, never a torn file. The format is in <c>docs/checkpoint-format.md</c>.
/// </remarks>
/// <example>
/// <code>
/// var options = new TrainingOptions
/// {
///     Epochs = 100, Seed = 1,
///     Checkpoint = new CheckpointOptions("run.ckpt") { EveryEpochs = 5 },
///     ResumeFrom = File.Exists("run.ckpt") ? "run.ckpt" : null,   // continue a run that was killed
/// };
/// </code>
/// </example>
public sealed class CheckpointOptions
{
    /// <summary>Checkpoints go to <paramref name="path"/>, each replacing the one before.</summary>
    /// <param name="path">The checkpoint file; its folder must exist.</param>
    /// <exception cref="ArgumentException">The path is null, empty or white space.</exception>
    public CheckpointOptions(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>Write after every this many epochs (epochs k, 2k, …) and after the last epoch; at least 1 (the default).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int EveryEpochs
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(EveryEpochs), value, $"{nameof(EveryEpochs)} must be at least 1, but was {value}.");
    } = 1;

    /// <summary>
    /// Whether cancelling <see cref="Mlp.Fit"/>'s token also writes a checkpoint, of the state after the last completed
    /// batch, before the <see cref="OperationCanceledException"/> (the default). Resuming from it continues within the epoch.
    /// </summary>
    public bool OnCancellation { get; init; } = true;

    /// <inheritdoc/>
    public override string ToString() => $"{Path}, every {EveryEpochs} epoch(s)";
}
