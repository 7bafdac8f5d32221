using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

/// <summary>
/// With a library optimizer the divergence guard copies the weights every 32 steps of an epoch and at each epoch end
/// (src/NeuralNet/Training/DivergenceGuard.cs); divergence restores that copy. The expected weights come from re-running
/// the same training by hand, batch by batch, with ComputeGradients and Sgd.Step.
/// </summary>
public sealed class DivergenceGuardTests
{
    private const int Interval = 32;

    private static Mlp Model() => new(new Dense(2, 3, seed: 4), new Identity(), new Dense(3, 1, seed: 5));

    private static (Matrix<float> X, Matrix<float> Y) Data(int rows) =>
        (TestData.Uniform(rows, 2, seed: 8, low: 0.5f, high: 1.5f), TestData.Uniform(rows, 1, seed: 9));

    private static float[][] Copy(Mlp model) => model.Parameters.Select(p => p.Value.AsColumnMajorArray().ToArray()).ToArray();

    /// <summary>
    /// Trains by hand with batches of one row in order until a loss is not finite; returns the step (from 1) whose loss
    /// was not finite, its epoch and batch, and the weights at the last copy point before it.
    /// </summary>
    private static (int Step, int Epoch, int Batch, int CopyStep, float[][] Copy) ByHand(Matrix<float> x, Matrix<float> y, float rate, int epochs)
    {
        Mlp model = Model();
        var sgd = new Sgd(rate);
        var loss = new MeanSquaredErrorLoss();
        int rows = x.RowCount;
        (int step, float[][] weights) copy = (0, Copy(model));
        for (int done = 0; done < epochs * rows; done++)
        {
            int inEpoch = done % rows;
            // Copy points: the start, every 32 steps into an epoch, and every epoch end (taken only while the loss is finite).
            bool copyPoint = done > 0 && (inEpoch == 0 || inEpoch % Interval == 0);
            float value = model.ComputeGradients(x.SubMatrix(inEpoch, 1, 0, 2), y.SubMatrix(inEpoch, 1, 0, 1), loss);
            if (!float.IsFinite(value)) return (done + 1, done / rows + 1, inEpoch + 1, copy.step, copy.weights);
            if (copyPoint) copy = (done, Copy(model));
            sgd.Step(model.Parameters);
        }
        return (int.MaxValue, 0, 0, copy.step, copy.weights);
    }

    /// <summary>A rate whose hand-run training diverges between steps <paramref name="from"/> and <paramref name="to"/>, by bisection.</summary>
    private static float RateDivergingBetween(Matrix<float> x, Matrix<float> y, int epochs, int from, int to)
    {
        double low = 1e-3, high = 8; // low does not diverge in time, high diverges at once
        for (int k = 0; k < 200; k++)
        {
            float rate = (float)Math.Sqrt(low * high);
            int step = ByHand(x, y, rate, epochs).Step;
            if (step > to) low = rate;
            else if (step < from) high = rate;
            else if ((step - 1) % Interval != 0 && (step - 1) % x.RowCount != 0) return rate;
            else high = rate;
        }
        throw new InvalidOperationException($"No rate found that diverges between steps {from} and {to}.");
    }

    [Theory]
    [InlineData(200, 1, 34, 63)]   // after the copy at step 32
    [InlineData(100, 1, 66, 95)]   // after the copy at step 64
    [InlineData(40, 4, 42, 71)]    // after the copy at the end of epoch 1 (step 40), before the next at 72
    public void Sgd_divergence_restores_the_weights_of_the_last_copy_exactly(int rows, int epochs, int from, int to)
    {
        var (x, y) = Data(rows);
        float rate = RateDivergingBetween(x, y, epochs, from, to);
        var expected = ByHand(x, y, rate, epochs);
        // The test is meaningful only when the copy is older than the step before the divergence.
        (expected.Step - 1).Should().BeGreaterThan(expected.CopyStep, "the divergence must fall between copy points");
        expected.CopyStep.Should().BePositive("at least one copy after the initial weights");
        Mlp model = Model();

        var act = () => model.Fit(x, y, new MeanSquaredErrorLoss(), new Sgd(rate),
            new TrainingOptions { Epochs = epochs, BatchSize = 1, Shuffle = false });

        var error = act.Should().Throw<TrainingDivergedException>().Which;
        (error.Epoch, error.Batch).Should().Be((expected.Epoch, expected.Batch));
        Copy(model).Should().BeEquivalentTo(expected.Copy, o => o.WithStrictOrdering(),
            $"the weights after {expected.CopyStep} steps, the last copy before step {expected.Step}");
        model.Parameters.Should().OnlyContain(p => p.Value.ForAll(float.IsFinite));
    }
}
