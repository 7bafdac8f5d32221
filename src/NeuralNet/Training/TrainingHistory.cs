namespace NeuralNet.Training;

/// <summary>The outcome of <see cref="Mlp.Fit"/>: one <see cref="EpochResult"/> per epoch trained.</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(IReadOnlyList<EpochResult> epochs, int? bestEpoch, bool stoppedEarly)
    {
        Epochs = epochs;
        BestEpoch = bestEpoch;
        StoppedEarly = stoppedEarly;
    }

    /// <summary>The epochs trained, in order.</summary>
    public IReadOnlyList<EpochResult> Epochs { get; }

    /// <summary>
    /// With early stopping that restores the best weights (the first <see cref="EarlyStopping"/> of the run), the epoch
    /// (from 1) of the lowest validation loss, whose weights the model holds at the end; otherwise null.
    /// </summary>
    public int? BestEpoch { get; }

    /// <summary>
    /// Whether early stopping, or another callback (<see cref="TrainingContext.RequestStop"/>), ended training before
    /// <see cref="TrainingOptions.Epochs"/>.
    /// </summary>
    public bool StoppedEarly { get; }
}
