using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests.Robustness;

public class FitRobustnessTests
{
    private static (Matrix<float> X, Matrix<float> Y) Regression(int rows)
    {
        var x = TestData.Uniform(rows, 4, seed: 1, low: -3, high: 3);
        var y = Matrix<float>.Build.Dense(rows, 1, (i, _) => x[i, 0] * 2f - x[i, 3]);
        return (x, y);
    }

    [Fact]
    public void A_learning_rate_that_blows_up_stops_Fit_naming_epoch_and_batch_and_keeps_finite_weights()
    {
        // Plain gradient descent on a quadratic diverges geometrically once η exceeds 2 / curvature: here by far.
        var (x, y) = Regression(64);
        var model = new Mlp(new Dense(4, 16, seed: 2), new Identity(), new Dense(16, 1, seed: 3));
        var act = () => model.Fit(x, y, new MeanSquaredErrorLoss(), new Sgd(50f),
            new TrainingOptions { Epochs = 50, BatchSize = 8, Shuffle = false });

        var error = act.Should().Throw<TrainingDivergedException>().Which;
        error.Epoch.Should().BeGreaterThan(0);
        error.Batch.Should().BeInRange(1, 8);
        error.Message.Should().Contain($"epoch {error.Epoch}, batch {error.Batch}");
        model.Parameters.SelectMany(p => p.Value.Enumerate()).Should().OnlyContain(v => float.IsFinite(v));
        // The last finite weights are a usable model: it predicts finite numbers and can be saved.
        model.Predict(x).Enumerate().Should().OnlyContain(v => float.IsFinite(v));
        using var stream = new MemoryStream();
        model.Save(stream);
    }

    [Fact]
    public void A_model_trained_by_Fit_predicts_bit_identically_after_Save_and_Load()
    {
        var (x, y) = Regression(40);
        var model = new Mlp(new Dense(4, 8, seed: 4), new Tanh(), new Dense(8, 1, seed: 5));
        model.Fit(x, y, new MeanSquaredErrorLoss(), new Adam(1e-2f), new TrainingOptions { Epochs = 5, BatchSize = 16, Seed = 6 });

        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = Mlp.Load(stream);

        loaded.Predict(x).AsColumnMajorArray().Should().Equal(model.Predict(x).AsColumnMajorArray());
    }
}
