using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Samples;

/// <summary>
/// The lecture's argument for maximum likelihood: one sigmoid unit started saturated and wrong (w = −10 where the
/// answer needs w &gt; 0). With cross-entropy the gradient at z is ŷ − y, large exactly when the unit is wrong, so it
/// learns; with MSE it is (ŷ − y) σ′(z) ≈ 0 in saturation, so it stalls.
/// </summary>
public static class SigmoidSaturationSample
{
    /// <summary>The training budget.</summary>
    public sealed record Options
    {
        /// <summary>Full-batch epochs for each loss.</summary>
        public int Epochs { get; init; } = 100;
        /// <summary>Where the plot goes; null for <see cref="SamplePaths.Output"/>.</summary>
        public string? OutputDirectory { get; init; }
    }

    /// <summary>One loss's run: its curve and where it ended.</summary>
    public sealed record LossRun(string Loss, float[] Curve, float Accuracy, float FinalWeight);

    /// <summary>Trains the same saturated unit with each loss and plots both curves.</summary>
    public static (LossRun CrossEntropy, LossRun MeanSquaredError, string PlotPath) Run(Options options)
    {
        // x in [−1, −0.5] ∪ [0.5, 1], label 1 for x > 0.
        float[] xs = Enumerable.Range(0, 40).Select(i => (i < 20 ? -1f : 0.5f) + i % 20 * 0.025f).ToArray();
        var x = Matrix<float>.Build.Dense(xs.Length, 1, xs);
        var y = Matrix<float>.Build.Dense(xs.Length, 1, xs.Select(v => v > 0 ? 1f : 0f).ToArray());

        LossRun Train(ILoss loss, string name)
        {
            var dense = new Dense(1, 1, seed: 0);
            dense.Weights.Value[0, 0] = -10f; // saturated and wrong: ŷ ≈ σ(∓5…∓10)
            dense.Bias.Value[0, 0] = 0f;
            var model = new Mlp(dense, new Sigmoid());
            var history = model.Fit(x, y, loss, new Sgd(learningRate: 1f),
                new TrainingOptions { Epochs = options.Epochs, BatchSize = xs.Length, Shuffle = false, Seed = 0 });
            return new LossRun(name, history.Epochs.Select(e => e.TrainingLoss).ToArray(), Metrics.Accuracy(model.Predict(x), y), dense.Weights.Value[0, 0]);
        }

        LossRun ce = Train(new BinaryCrossEntropyLoss(), "cross-entropy"), mse = Train(new MeanSquaredErrorLoss(), "mean squared error");
        // Each curve relative to its own start, so the two losses share one axis.
        string output = SamplePaths.EnsureDirectory(options.OutputDirectory);
        string plot = Plots.SaveLines(Path.Combine(output, "sigmoid-saturation.png"), "A saturated, wrong sigmoid unit: loss / initial loss",
            "epoch", "loss / initial loss",
            new[] { ce, mse }.Select(r => new Plots.Series(r.Loss, Plots.Epochs(r.Curve.Length), r.Curve.Select(v => (double)(v / r.Curve[0])).ToArray())));
        return (ce, mse, plot);
    }
}
