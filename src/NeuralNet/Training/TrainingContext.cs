using System.Diagnostics;
using NeuralNet.Optimizers;

namespace NeuralNet.Training;

/// <summary>
/// The run of <see cref="Mlp.Fit"/> that an <see cref="ITrainingCallback"/> sees: the model, the optimizer, where
/// training is, the epochs so far, and the means to stop it.
/// </summary>
public sealed class TrainingContext
{
    private readonly List<EpochResult> _history;

    internal TrainingContext(Mlp model, IOptimizer optimizer, int epochs, int batchCount, int seed)
    {
        Model = model;
        Optimizer = optimizer;
        Epochs = epochs;
        BatchCount = batchCount;
        Seed = seed;
        _history = new List<EpochResult>(epochs);
    }

    /// <summary>The model being trained.</summary>
    public Mlp Model { get; }

    /// <summary>The optimizer stepping it.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>The epochs training runs for, <see cref="TrainingOptions.Epochs"/>.</summary>
    public int Epochs { get; }

    /// <summary>The current epoch, from 1 (0 before the first has started).</summary>
    public int Epoch { get; internal set; }

    /// <summary>Batches per epoch: ⌈rows / batch size⌉.</summary>
    public int BatchCount { get; }

    /// <summary>The results of the epochs completed so far, a resumed run's earlier ones included.</summary>
    public IReadOnlyList<EpochResult> History => _history;

    /// <summary>Whether a callback asked training to stop.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>
    /// Stops training: from <see cref="ITrainingCallback.OnEpochEnd"/>, no further epoch starts; from
    /// <see cref="ITrainingCallback.OnBatchEnd"/>, the epoch ends after this batch (validated and reported on the batches
    /// it trained). <see cref="TrainingHistory.StoppedEarly"/> is then true.
    /// </summary>
    public void RequestStop() => StopRequested = true;

    // Where the loop is, all of it in a checkpoint: the last epoch started (Epoch), whether it is still running (InEpoch:
    // its OnEpochStart ran and its shuffle was drawn), how many of its batches stepped, and their running loss and time.
    internal int Seed { get; }
    internal bool InEpoch { get; set; }
    internal int CompletedBatches { get; set; }
    internal double LossSum { get; set; }
    internal double WeightSeen { get; set; }   // rows, or their Σ wₙ with sample weights
    internal TimeSpan ElapsedBefore { get; set; }
    internal Stopwatch Clock { get; } = new();

    internal TimeSpan EpochElapsed => ElapsedBefore + Clock.Elapsed;

    internal void BeginEpoch(int epoch)
    {
        Epoch = epoch;
        InEpoch = true;
        (CompletedBatches, LossSum, WeightSeen, ElapsedBefore) = (0, 0, 0, TimeSpan.Zero);
    }

    internal void EndEpoch(EpochResult result)
    {
        _history.Add(result);
        InEpoch = false;
        (CompletedBatches, LossSum, WeightSeen, ElapsedBefore) = (0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>A resumed run: the epochs trained before, and whether that run had been stopped.</summary>
    internal void Restore(IEnumerable<EpochResult> history, bool stopRequested)
    {
        _history.Clear();
        _history.AddRange(history);
        StopRequested = stopRequested;
    }
}
