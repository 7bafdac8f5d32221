using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Samples;

/// <summary>
/// A long run that survives being stopped: digits, 64 → 128 → 10 with Dropout, Adam with a step schedule and early
/// stopping, a checkpoint every few epochs. The run is interrupted (its token cancelled mid-epoch, as Ctrl+C would),
/// resumed from its checkpoint by a new process-like start (a new model and optimizer built the same way), and ends
/// with the weights, bit for bit, of a run that was never interrupted.
/// </summary>
public static class CheckpointsSample
{
    /// <summary>The sample's budget and where it writes.</summary>
    public sealed record Options
    {
        /// <summary>Epochs of the whole run.</summary>
        public int Epochs { get; init; } = 20;
        /// <summary>A checkpoint after every this many epochs.</summary>
        public int CheckpointEvery { get; init; } = 5;
        /// <summary>The run is cancelled in this epoch, half-way through.</summary>
        public int InterruptInEpoch { get; init; } = 8;
        /// <summary>Units in the hidden layer.</summary>
        public int Hidden { get; init; } = 128;
        /// <summary>Seed of the split, the weights, the masks and the shuffle.</summary>
        public int Seed { get; init; } = 1;
        /// <summary>Where the checkpoint goes; null for <see cref="SamplePaths.Output"/>.</summary>
        public string? OutputDirectory { get; init; }
    }

    /// <summary>What happened.</summary>
    /// <param name="InterruptedAt">The epoch and batch after which the run was cancelled.</param>
    /// <param name="ResumedAt">The epoch and batch the resumed run trained first.</param>
    /// <param name="EpochsTrained">Epochs in the resumed run's history (all of them, the interrupted part included).</param>
    /// <param name="Identical">Whether every weight of the resumed model equals the uninterrupted one's, bit for bit.</param>
    /// <param name="TestAccuracy">The resumed model's test accuracy.</param>
    /// <param name="CheckpointPath">The checkpoint file.</param>
    /// <param name="CheckpointBytes">Its size.</param>
    public sealed record Result((int Epoch, int Batch) InterruptedAt, (int Epoch, int Batch) ResumedAt, int EpochsTrained, bool Identical,
                                float TestAccuracy, string CheckpointPath, long CheckpointBytes);

    /// <summary>Trains uninterrupted, then interrupted and resumed, and compares.</summary>
    public static Result Run(Options options, IProgress<EpochResult>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        LabeledData all = Digits.Load(SamplePaths.Digits);
        var (train, test) = all.Split(0.2, options.Seed);
        var scaler = StandardScaler.Fit(train.Inputs);
        var (x, y) = (scaler.Transform(train.Inputs), train.OneHotTargets());
        var (xTest, yTest) = (scaler.Transform(test.Inputs), test.OneHotTargets());
        string checkpoint = Path.Combine(SamplePaths.EnsureDirectory(options.OutputDirectory), "checkpoints-sample.ckpt");
        File.Delete(checkpoint);

        // Everything a run is made of, built from seeds, so that a resumed run is built exactly as the first one.
        (Mlp Model, Adam Optimizer) Build() => (
            new Mlp(new Dense(Digits.Features, options.Hidden, seed: options.Seed), new ReLU(), new Dropout(0.3f, seed: options.Seed + 1),
                    new Dense(options.Hidden, all.Classes, seed: options.Seed + 2), new Softmax()),
            new Adam(learningRate: 2e-3f));
        TrainingOptions Training(string? resumeFrom, IReadOnlyList<ITrainingCallback> callbacks, bool checkpoints = true) => new()
        {
            Epochs = options.Epochs, BatchSize = 32, Seed = options.Seed,
            ValidationInputs = xTest, ValidationTargets = yTest, EarlyStoppingPatience = 5,
            LearningRateSchedule = new StepDecay(stepSize: 10, gamma: 0.5f),
            Checkpoint = checkpoints ? new CheckpointOptions(checkpoint) { EveryEpochs = options.CheckpointEvery } : null,
            ResumeFrom = resumeFrom, Callbacks = callbacks,
        };

        // 1. The run as it goes without interruption.
        var (reference, referenceOptimizer) = Build();
        reference.Fit(x, y, new CrossEntropyLoss(), referenceOptimizer, Training(null, [], checkpoints: false));

        // 2. The same run, cancelled half-way through an epoch: the token's cancellation writes a checkpoint of the last
        //    completed batch before Fit throws.
        using var cancel = new CancellationTokenSource();
        var interrupt = new InterruptAt(options.InterruptInEpoch, cancel);
        var (first, firstOptimizer) = Build();
        try
        {
            first.Fit(x, y, new CrossEntropyLoss(), firstOptimizer, Training(null, [interrupt]), progress, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // Expected: the run was interrupted and its checkpoint written.
        }

        // 3. A new start, as after a restart of the program: a new model and optimizer, ResumeFrom the checkpoint.
        var firstBatch = new FirstBatch();
        var (resumed, resumedOptimizer) = Build();
        TrainingHistory history = resumed.Fit(x, y, new CrossEntropyLoss(), resumedOptimizer, Training(checkpoint, [firstBatch]), progress);

        bool identical = resumed.Parameters.Zip(reference.Parameters)
            .All(pair => pair.First.Value.AsColumnMajorArray().AsSpan().SequenceEqual(pair.Second.Value.AsColumnMajorArray()));
        return new Result(interrupt.At, firstBatch.At, history.Epochs.Count, identical,
            Metrics.Accuracy(resumed.Predict(xTest), yTest), checkpoint, new FileInfo(checkpoint).Length);
    }

    /// <summary>Cancels half-way through epoch <paramref name="epoch"/>.</summary>
    private sealed class InterruptAt(int epoch, CancellationTokenSource cancel) : ITrainingCallback
    {
        public (int Epoch, int Batch) At { get; private set; }

        public void OnBatchEnd(TrainingContext context, BatchResult batch)
        {
            if (batch.Epoch != epoch || batch.Batch != context.BatchCount / 2) return;
            At = (batch.Epoch, batch.Batch);
            cancel.Cancel();
        }
    }

    /// <summary>Notes the first batch a run trains.</summary>
    private sealed class FirstBatch : ITrainingCallback
    {
        public (int Epoch, int Batch) At { get; private set; }

        public void OnBatchEnd(TrainingContext context, BatchResult batch)
        {
            if (At == default) At = (batch.Epoch, batch.Batch);
        }
    }
}
