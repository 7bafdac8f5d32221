using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Tests.Kernels;

/// <summary>Predict from many threads at once: per-thread pack buffers and scratch, and a shared set of kernel helper threads.</summary>
public class ConcurrentPredictTests
{
    [Fact]
    public void Many_threads_predicting_at_once_get_the_single_threaded_answer()
    {
        var model = new Mlp(new Dense(784, 256, seed: 1), new ReLU(), new Dense(256, 128, seed: 2), new ReLU(),
            new Dense(128, 10, seed: 3), new Softmax());
        int[] batches = [1, 7, 64, 1, 33, 64, 2, 64];
        Matrix<float>[] inputs = batches.Select((n, i) => TestData.Uniform(n, 784, 100 + i, 0f, 1f)).ToArray();
        Matrix<float>[] expected = inputs.Select(model.Predict).ToArray();

        var outputs = batches.Select(n => Matrix<float>.Build.Dense(n, 10)).ToArray();
        Parallel.For(0, 8 * inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int j = i % inputs.Length;
            var output = Matrix<float>.Build.Dense(batches[j], 10);
            model.Predict(inputs[j], output);
            output.Should().Be(expected[j]);
        });
    }

    [Fact]
    public void Many_threads_on_one_predictor_get_the_models_answer()
    {
        // Eight threads on two cores: they interleave and share the packed weights and the helper thread; the check is
        // that every answer is still the model's bits (on one core they would merely run in turn).
        var model = new Mlp(new Dense(300, 100, seed: 4), new ReLU(), new Dense(100, 10, seed: 5), new Softmax());
        MlpPredictor predictor = model.CreatePredictor();
        int[] batches = [1, 40, 64, 3, 128, 64, 16, 200];
        Matrix<float>[] inputs = batches.Select((n, i) => TestData.Uniform(n, 300, 200 + i)).ToArray();
        Matrix<float>[] expected = inputs.Select(model.Predict).ToArray();
        Parallel.For(0, 8 * inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int j = i % inputs.Length;
            var output = Matrix<float>.Build.Dense(batches[j], 10);
            predictor.Predict(inputs[j], output);
            output.Should().Be(expected[j]);
        });
    }
}
