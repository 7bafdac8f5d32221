using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Samples;

/// <summary>
/// The universal approximation theorem in numbers: 1 → w tanh → 1 linear networks fitting sin(x) on [−π, π]
/// with mean squared error; the error falls as the hidden width w grows.
/// </summary>
public static class SineRegressionSample
{
    /// <summary>The widths tried and the training budget.</summary>
    public sealed record Options
    {
        /// <summary>Hidden widths, in increasing order.</summary>
        public int[] Widths { get; init; } = [1, 2, 4, 8, 16];
        /// <summary>Epochs per width.</summary>
        public int Epochs { get; init; } = 1500;
        /// <summary>Where the plot goes; null for <see cref="SamplePaths.Output"/>.</summary>
        public string? OutputDirectory { get; init; }
    }

    /// <summary>The error of one width on a fine test grid.</summary>
    public sealed record Fit(int Width, double TestMse, double MaxError);

    /// <summary>Trains one network per width and returns each one's test error, plus the PNG of the fits.</summary>
    public static (IReadOnlyList<Fit> Fits, string PlotPath) Run(Options options)
    {
        var (x, y) = Grid(64, jitter: true);
        var (xTest, yTest) = Grid(401, jitter: false);
        var fits = new List<Fit>();
        var series = new List<Plots.Series> { new("sin x", Column(xTest), Column(yTest)) };
        foreach (int width in options.Widths)
        {
            var model = new Mlp(new Dense(1, width, seed: width), new Tanh(), new Dense(width, 1, seed: width + 100), new Identity());
            model.Fit(x, y, new MeanSquaredErrorLoss(), new Adam(learningRate: 0.01f),
                new TrainingOptions { Epochs = options.Epochs, BatchSize = 16, Seed = width, LearningRateSchedule = new StepDecay(options.Epochs / 3 + 1, 0.3f) });
            double[] predicted = Column(model.Predict(xTest)), expected = Column(yTest);
            double[] errors = predicted.Zip(expected, (p, e) => p - e).ToArray();
            fits.Add(new Fit(width, errors.Average(e => e * e), errors.Max(Math.Abs)));
            series.Add(new($"{width} hidden", Column(xTest), predicted));
        }
        string output = SamplePaths.EnsureDirectory(options.OutputDirectory);
        string plot = Plots.SaveLines(Path.Combine(output, "sine-regression.png"), "sin x by 1 → w tanh → 1 networks", "x", "y", series);
        return (fits, plot);
    }

    // n points on [−π, π]; the training grid is shifted by half a step so that no test point is a training point.
    private static (Matrix<float> X, Matrix<float> Y) Grid(int n, bool jitter)
    {
        double step = 2 * Math.PI / (n - 1), offset = jitter ? step / 2 : 0;
        double[] xs = Enumerable.Range(0, n).Select(i => -Math.PI + offset + i * step).Where(v => v <= Math.PI).ToArray();
        return (Matrix<float>.Build.Dense(xs.Length, 1, xs.Select(v => (float)v).ToArray()),
                Matrix<float>.Build.Dense(xs.Length, 1, xs.Select(v => (float)Math.Sin(v)).ToArray()));
    }

    private static double[] Column(Matrix<float> m) => m.Column(0).Select(v => (double)v).ToArray();
}
