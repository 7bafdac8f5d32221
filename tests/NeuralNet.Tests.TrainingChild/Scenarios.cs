using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests.TrainingChild;

/// <summary>
/// The training runs the checkpoint tests interrupt: each builds its model, optimizer, data and options from scratch
/// and from seeds only, so the child process and the test build exactly the same run.
/// </summary>
public static class Scenarios
{
    /// <summary>Every scenario's name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sgd-momentum", "adam-cosine", "early-stopping-dropout", "early-stopping-best-weights"];

    /// <summary>What a test adds to a scenario's options.</summary>
    public sealed record Extras(CheckpointOptions? Checkpoint = null, string? ResumeFrom = null, IReadOnlyList<ITrainingCallback>? Callbacks = null);

    /// <summary>One run, ready to <see cref="Fit"/>.</summary>
    public sealed record Run(Mlp Model, IOptimizer Optimizer, Matrix<float> Inputs, Matrix<float> Targets, TrainingOptions Options)
    {
        /// <summary>Trains the model.</summary>
        public TrainingHistory Fit(CancellationToken cancellationToken = default) =>
            Model.Fit(Inputs, Targets, new CrossEntropyLoss(), Optimizer, Options, cancellationToken: cancellationToken);
    }

    /// <summary>Checkpoints are written every this many epochs.</summary>
    public const int CheckpointEvery = 2;

    /// <summary>Builds scenario <paramref name="name"/>.</summary>
    public static Run Build(string name, Extras? extras = null)
    {
        extras ??= new Extras();
        var (x, y) = Blobs(480, 16, 4, seed: 1);
        switch (name)
        {
            case "sgd-momentum":
                return new Run(Classifier(), new Sgd(0.05f, momentum: 0.9f, nesterov: true, weightDecay: 1e-3f), x, y,
                    new TrainingOptions
                    {
                        Epochs = 6, BatchSize = 16, Seed = 3,
                        Checkpoint = extras.Checkpoint, ResumeFrom = extras.ResumeFrom, Callbacks = extras.Callbacks ?? [],
                    });
            case "adam-cosine":
                return new Run(Classifier(), new Adam(0.01f, weightDecay: 1e-4f), x, y,
                    new TrainingOptions
                    {
                        Epochs = 6, BatchSize = 16, Seed = 4, LearningRateSchedule = new CosineAnnealing(tMax: 6, etaMin: 1e-4f),
                        Checkpoint = extras.Checkpoint, ResumeFrom = extras.ResumeFrom, Callbacks = extras.Callbacks ?? [],
                    });
            case "early-stopping-dropout":
            case "early-stopping-best-weights":
            {
                // Validation targets one class off: the validation loss is lowest after epoch 1 and rises after it, so the best
                // epoch comes before the interruption and the stop after it. Without restoring, the run ends with the weights of
                // the stop's epoch, which depend on every dropout mask; restoring, with epoch 1's, kept in the checkpoint.
                var (xv, yv) = Blobs(120, 16, 4, seed: 2);
                var wrong = Matrix<float>.Build.Dense(yv.RowCount, yv.ColumnCount, (i, j) => yv[i, (j + 1) % yv.ColumnCount]);
                var model = new Mlp(new Dense(16, 32, seed: 1), new ReLU(), new Dropout(0.3f, seed: 7), new Dense(32, 4, seed: 2), new Softmax());
                return new Run(model, new AdamW(0.01f), x, y, new TrainingOptions
                {
                    Epochs = 12, BatchSize = 16, Seed = 5, ValidationInputs = xv, ValidationTargets = wrong, EarlyStoppingPatience = 4,
                    RestoreBestWeights = name == "early-stopping-best-weights",
                    Checkpoint = extras.Checkpoint, ResumeFrom = extras.ResumeFrom, Callbacks = extras.Callbacks ?? [],
                });
            }
            default:
                throw new ArgumentException($"There is no scenario '{name}'; there are {string.Join(", ", Names)}.", nameof(name));
        }
    }

    private static Mlp Classifier() => new(new Dense(16, 32, seed: 1), new Tanh(), new Dense(32, 4, seed: 2), new Softmax());

    /// <summary>Classes as noisy blobs: class c raises feature c and c + classes.</summary>
    public static (Matrix<float> X, Matrix<float> Y) Blobs(int rows, int features, int classes, int seed)
    {
        var random = new Random(seed);
        var x = Matrix<float>.Build.Dense(rows, features);
        var y = Matrix<float>.Build.Dense(rows, classes);
        for (int i = 0; i < rows; i++)
        {
            int c = random.Next(classes);
            y[i, c] = 1f;
            for (int j = 0; j < features; j++) x[i, j] = (float)(random.NextDouble() * 2 - 1) + (j % classes == c ? 1.5f : 0f);
        }
        return (x, y);
    }
}
