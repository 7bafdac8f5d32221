using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests;

/// <summary>
/// Predict after a weight changed, by each way one can change: an optimizer step, <see cref="Mlp.Fit"/>, a user writing to
/// <see cref="Parameter.Value"/>, restored best weights, and <see cref="Mlp.Load(Stream)"/>. Each model is first predicted at
/// every batch size the kernel treats differently (one sample, a thin batch computed transposed, a full one with W read in
/// place, one cut into row blocks), so that anything kept from the first call would show in the second. The oracle is the
/// network written out in double from the weights as they are now.
/// </summary>
public class StaleWeightsTests
{
    private static readonly int[] Batches = [1, 3, 8, 40, 64];

    [Fact]
    public void An_optimizer_step_is_seen_by_the_next_prediction()
    {
        Mlp model = Model();
        WarmUp(model);
        Matrix<float> x = Inputs(64, 1), y = OneHot(64);
        model.ComputeGradients(x, y, new CrossEntropyLoss());
        new Sgd(0.5f).Step(model.Parameters);
        ShouldPredictFromCurrentWeights(model, "after an optimizer step");
    }

    [Fact]
    public void Fit_is_seen_by_the_next_prediction()
    {
        Mlp model = Model();
        WarmUp(model);
        model.Fit(Inputs(64, 2), OneHot(64), new CrossEntropyLoss(), new Adam(0.05f), new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 1 });
        ShouldPredictFromCurrentWeights(model, "after Fit");
    }

    [Fact]
    public void A_write_to_a_parameter_value_is_seen_by_the_next_prediction()
    {
        Mlp model = Model();
        WarmUp(model);
        var first = (Dense)model.Layers[0];
        first.Weights.Value[3, 5] += 2f;                                   // one element
        first.Weights.Value.SetRow(0, new float[first.Inputs]);            // a whole row: unit 0 dead
        ((Dense)model.Layers[2]).Bias.Value.MapInplace(v => v - 1f);       // every bias of the last layer
        ShouldPredictFromCurrentWeights(model, "after the user wrote to Parameter.Value");
    }

    [Fact]
    public void Restored_best_weights_are_seen_by_the_next_prediction()
    {
        Mlp model = Model();
        WarmUp(model);
        // A learning rate that makes the validation loss rise, so the best epoch is an early one and its weights come back.
        var options = new TrainingOptions
        {
            Epochs = 6, BatchSize = 8, Seed = 3, EarlyStoppingPatience = 2, RestoreBestWeights = true,
            ValidationInputs = Inputs(32, 4), ValidationTargets = OneHot(32),
        };
        model.Fit(Inputs(64, 5), OneHot(64), new CrossEntropyLoss(), new Sgd(3f, momentum: 0.9f), options);
        ShouldPredictFromCurrentWeights(model, "after early stopping restored the best weights");
    }

    [Fact]
    public void A_loaded_model_predicts_from_the_weights_in_its_file()
    {
        Mlp trained = Model();
        trained.Fit(Inputs(64, 6), OneHot(64), new CrossEntropyLoss(), new Adam(0.05f), new TrainingOptions { Epochs = 1, BatchSize = 16, Seed = 2 });
        using var file = new MemoryStream();
        trained.Save(file);
        Mlp stale = Model();   // the same architecture and seeds, untrained: what a stale answer would be
        WarmUp(stale);
        file.Position = 0;
        Mlp loaded = Mlp.Load(file);
        WarmUp(loaded);
        ShouldPredictFromCurrentWeights(loaded, "after Load");
        loaded.Predict(Inputs(8, 9)).AsColumnMajorArray().Should().Equal(trained.Predict(Inputs(8, 9)).AsColumnMajorArray());
        loaded.Predict(Inputs(8, 9)).AsColumnMajorArray().Should().NotEqual(stale.Predict(Inputs(8, 9)).AsColumnMajorArray());
    }

    private static Mlp Model() =>
        new(new Dense(20, 12, seed: 1), new ReLU(), new Dense(12, 4, seed: 2), new Softmax());

    private static void WarmUp(Mlp model)
    {
        foreach (int rows in Batches)
            foreach (int threads in new[] { 1, 2 })
            {
                using var forced = KernelThreads.Force(threads);
                model.Predict(Inputs(rows, 100 + rows), Matrix<float>.Build.Dense(rows, 4));
                model.Predict(Inputs(rows, 100 + rows).ToRowMajorArray(), new float[rows * 4]);
            }
    }

    private static void ShouldPredictFromCurrentWeights(Mlp model, string because)
    {
        foreach (int rows in Batches)
            foreach (int threads in new[] { 1, 2 })
            {
                using var forced = KernelThreads.Force(threads);
                Matrix<float> x = Inputs(rows, 100 + rows);
                Matrix<double> expected = DoubleReference.DenseReluDenseSoftmax(model, x);
                var output = Matrix<float>.Build.Dense(rows, 4);
                model.Predict(x, output);
                var span = new float[rows * 4];
                model.Predict(x.ToRowMajorArray(), span);
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < 4; j++)
                    {
                        output[i, j].Should().BeApproximately((float)expected[i, j], 1e-5f, $"{because}: Predict(Matrix, Matrix), batch {rows}, {threads} thread(s), [{i}, {j}]");
                        span[i * 4 + j].Should().BeApproximately((float)expected[i, j], 1e-5f, $"{because}: Predict(span), batch {rows}, {threads} thread(s), [{i}, {j}]");
                    }
            }
    }

    private static Matrix<float> Inputs(int rows, int seed)
    {
        var random = new Random(seed);
        return Matrix<float>.Build.Dense(rows, 20, (_, _) => (float)(random.NextDouble() * 2 - 1));
    }

    private static Matrix<float> OneHot(int rows) => Matrix<float>.Build.Dense(rows, 4, (i, j) => i % 4 == j ? 1f : 0f);
}
