using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;
using System.Diagnostics;

namespace NeuralNet.Samples;

/// <summary>The full MNIST set (60,000 / 10,000) with a 784 → 256 → 128 → 10 ReLU/softmax network; reports throughput.</summary>
public static class MnistSample
{
    /// <summary>The budget and where the data is.</summary>
    public sealed record Options
    {
        /// <summary>The folder with the four IDX files.</summary>
        public string Directory { get; init; } = SamplePaths.MnistDirectory;
        /// <summary>Epochs.</summary>
        public int Epochs { get; init; } = 12;
        /// <summary>Units of the first hidden layer.</summary>
        public int Hidden { get; init; } = 256;
        /// <summary>Units of the second hidden layer.</summary>
        public int Hidden2 { get; init; } = 128;
        /// <summary>Mini-batch size.</summary>
        public int BatchSize { get; init; } = 128;
        /// <summary>Seed of the weights and the shuffling.</summary>
        public int Seed { get; init; } = 1;
        /// <summary>Where the plot goes; null for <see cref="SamplePaths.Output"/>.</summary>
        public string? OutputDirectory { get; init; }
    }

    /// <summary>What the run achieved.</summary>
    public sealed record Result(TrainingHistory History, float TestAccuracy, int TrainCount, int TestCount, double SamplesPerSecond, TimeSpan TrainingTime, string PlotPath);

    /// <summary>The message for a user whose MNIST files are missing, naming the command that fetches them.</summary>
    public static string MissingFilesMessage(string directory) =>
        $"MNIST is not in {directory}. Fetch it (11 MB download, checksums verified) from the repository root with:\n  {SamplePaths.FetchMnistCommand}";

    /// <summary>Loads MNIST, trains, evaluates; null when the files are missing (see <see cref="MissingFilesMessage"/>).</summary>
    public static Result? Run(Options options, IProgress<EpochResult>? progress = null)
    {
        if (!Mnist.IsPresent(options.Directory)) return null;
        var (train, test) = Mnist.Load(options.Directory);
        var model = new Mlp(new Dense(train.Inputs.ColumnCount, options.Hidden, seed: options.Seed), new ReLU(),
                            new Dense(options.Hidden, options.Hidden2, seed: options.Seed + 1), new ReLU(),
                            new Dense(options.Hidden2, 10, seed: options.Seed + 2), new Softmax());
        var clock = Stopwatch.StartNew();
        TrainingHistory history = model.Fit(train.Inputs, train.OneHotTargets(), new CrossEntropyLoss(), new Adam(learningRate: 1e-3f),
            new TrainingOptions
            {
                Epochs = options.Epochs,
                BatchSize = options.BatchSize,
                Seed = options.Seed,
                ValidationInputs = test.Inputs,       // reported per epoch for the curve; nothing is chosen by it
                ValidationTargets = test.OneHotTargets(),
                LearningRateSchedule = new ExponentialDecay(0.8f),
            }, progress);
        clock.Stop();
        // Throughput of training alone: the epochs' time minus their validation passes is not separated, so this is a floor.
        double samplesPerSecond = (double)train.Count * history.Epochs.Count / clock.Elapsed.TotalSeconds;
        float accuracy = Metrics.Accuracy(Metrics.ArgMax(model.Predict(test.Inputs)), test.Labels);
        string output = SamplePaths.EnsureDirectory(options.OutputDirectory);
        string plot = Plots.SaveLines(Path.Combine(output, "mnist-loss.png"), $"MNIST: 784 → {options.Hidden} → {options.Hidden2} → 10 ReLU/softmax, Adam",
            "epoch", "cross-entropy",
            [
                new("training", Plots.Epochs(history.Epochs.Count), history.Epochs.Select(e => (double)e.TrainingLoss).ToArray()),
                new("test (monitoring only)", Plots.Epochs(history.Epochs.Count), history.Epochs.Select(e => (double)e.ValidationLoss!.Value).ToArray()),
            ]);
        return new Result(history, accuracy, train.Count, test.Count, samplesPerSecond, clock.Elapsed, plot);
    }
}
