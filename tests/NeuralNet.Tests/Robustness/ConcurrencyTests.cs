using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Tests.Robustness;

public sealed class ConcurrencyTests
{
    [Fact]
    public void Predict_from_8_threads_at_once_is_bit_identical_to_sequential_calls()
    {
        var model = new Mlp(
            new Dense(20, 64, seed: 1), new ReLU(), new Dense(64, 32, seed: 2), new Softplus(), new Dense(32, 16, seed: 3),
            new Tanh(), new Dense(16, 10, seed: 4), new Softmax());
        // Batches of different sizes, so threads would trample each other's buffers if Predict shared any.
        Matrix<float>[] batches = Enumerable.Range(0, 16).Select(k => Batch(rows: 1 + 7 * k, columns: 20, seed: k)).ToArray();
        float[][] expected = batches.Select(b => model.Predict(b).AsColumnMajorArray()).ToArray();

        const int threads = 8, rounds = 40;
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var start = new Barrier(threads);
        Thread[] workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int round = 0; round < rounds; round++)
            {
                int k = (t + round) % batches.Length;
                if (!model.Predict(batches[k]).AsColumnMajorArray().AsSpan().SequenceEqual(expected[k]))
                    mismatches.Add($"thread {t}, round {round}, batch {k}");
            }
        })).ToArray();
        foreach (Thread worker in workers) worker.Start();
        foreach (Thread worker in workers) worker.Join();

        mismatches.Should().BeEmpty();
    }

    private static Matrix<float> Batch(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        return Matrix<float>.Build.Dense(rows, columns, (_, _) => (float)(random.NextDouble() * 2 - 1));
    }
}
