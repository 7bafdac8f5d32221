using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

/// <summary>Runs a schedule through <see cref="Mlp.Fit"/> and compares rates with an oracle computed in double.</summary>
internal static class ScheduleHarness
{
    /// <summary>Sgd that records the rate of every step it takes, so a test sees what Fit set per batch.</summary>
    internal sealed class RecordingOptimizer(float learningRate) : ILearningRateOptimizer
    {
        private readonly Sgd _sgd = new(learningRate);
        public List<float> Rates { get; } = [];
        public float LearningRate { get => _sgd.LearningRate; set => _sgd.LearningRate = value; }
        public void Step(IReadOnlyList<Parameter> parameters)
        {
            Rates.Add(_sgd.LearningRate);
            _sgd.Step(parameters);
        }
    }

    /// <summary>Three noisy separable classes of 4 features.</summary>
    internal static (Matrix<float> X, Matrix<float> Y) Blobs(int rows, int seed)
    {
        var random = new Random(seed);
        var x = Matrix<float>.Build.Dense(rows, 4);
        var y = Matrix<float>.Build.Dense(rows, 3);
        for (int i = 0; i < rows; i++)
        {
            int c = i % 3;
            y[i, c] = 1f;
            for (int j = 0; j < 4; j++) x[i, j] = (float)(random.NextDouble() - 0.5) * 2f + (j == c ? 1f : 0f);
        }
        return (x, y);
    }

    /// <summary>Fits a small classifier on <paramref name="rows"/> rows with the schedule; the optimizer records every step's rate.</summary>
    internal static (TrainingHistory History, RecordingOptimizer Optimizer) Fit(ILearningRateSchedule schedule, float learningRate, int epochs,
                                                                               int rows = 6, int batchSize = 6, bool validation = false,
                                                                               RecordingOptimizer? recorder = null)
    {
        var (x, y) = Blobs(rows, 1);
        var (xv, yv) = Blobs(12, 2);
        var model = new Mlp(new Dense(4, 8, seed: 1), new Tanh(), new Dense(8, 3, seed: 2), new Softmax());
        var optimizer = recorder ?? new RecordingOptimizer(learningRate);
        var history = model.Fit(x, y, new CrossEntropyLoss(), optimizer, new TrainingOptions
        {
            Epochs = epochs, BatchSize = batchSize, Seed = 1, LearningRateSchedule = schedule,
            ValidationInputs = validation ? xv : null, ValidationTargets = validation ? yv : null,
        });
        return (history, optimizer);
    }

    /// <summary>
    /// Each float rate is the double oracle rounded to float: within 1e-7 relative (a float's half ulp is 6e-8), so an
    /// off-by-one step or a wrong phase boundary shows up.
    /// </summary>
    internal static void ShouldFollow(this IEnumerable<float> actual, IReadOnlyList<double> expected)
    {
        float[] rates = actual.ToArray();
        rates.Should().HaveCount(expected.Count);
        for (int i = 0; i < rates.Length; i++)
            ((double)rates[i]).Should().BeApproximately(expected[i], 1e-7 * Math.Abs(expected[i]), $"step {i} (from 0)");
    }

    /// <summary>The schedule's rates for steps 0 … count − 1.</summary>
    internal static IEnumerable<float> Rates(this ILearningRateSchedule schedule, int count, float initialLearningRate) =>
        Enumerable.Range(0, count).Select(t => schedule.LearningRate(t, initialLearningRate));
}
