using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Data;
using NeuralNet.Kernels;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralNet.Benchmarks;

/// <summary>
/// The real MNIST set to 98 % test accuracy with TorchSharp's own MNIST recipe (784-256-128-10 ReLU, SGD η = 0.05 with
/// momentum 0.9, batch 64, shuffled every epoch, pixels / 255 as Mnist.Load gives them), NeuralNet's <see cref="Mlp.Fit"/> against the loop a
/// PyTorch user writes, from the same initial weights, one after the other in one process. Training time only: the
/// test accuracy after each epoch is computed outside the clock on both sides. Not a BenchmarkDotNet class: an end-to-end
/// run of seconds, timed once per side and repeated by the caller (<c>--mnist --rounds N</c>).
/// </summary>
internal static class MnistRace
{
    private const float LearningRate = 0.05f, Momentum = 0.9f, Target = 0.98f;
    private const int BatchSize = 64;

    internal static int Run(string[] args)
    {
        string directory = Path.Combine(FindRepository(), "data", "mnist");
        if (!Mnist.IsPresent(directory))
        {
            Console.Error.WriteLine($"MNIST is not in {directory}: run scripts/fetch-mnist.sh first.");
            return 2;
        }
        int rounds = Option(args, "--rounds", 1), maxEpochs = Option(args, "--epochs", 15);
        int[] threadCounts = args.Contains("--threads-default") ? [Environment.ProcessorCount] : args.Contains("--threads-both") ? [1, Environment.ProcessorCount] : [1];
        var (train, test) = Mnist.Load(directory);
        Matrix<float> x = train.Inputs, y = train.OneHotTargets(), testX = test.Inputs;   // pixels already / 255
        Console.WriteLine($"MNIST {train.Count:N0} / {test.Count:N0}, {Environment.ProcessorCount} cores, SIMD {Simd.Width}; SGD η {LearningRate}, momentum {Momentum}, batch {BatchSize}, to {Target:P0}");

        for (int round = 1; round <= rounds; round++)
            foreach (int threads in threadCounts)
            {
                var (ourEpochs, ourTime, ourAccuracy) = NeuralNetRun(x, y, testX, test.Labels, threads, maxEpochs, seed: round);
                var (torchEpochs, torchTime, torchAccuracy) = TorchSharpRun(x, y, testX, test.Labels, threads, maxEpochs, seed: round);
                Console.WriteLine($"round {round}, {threads} thread(s): NeuralNet {ourEpochs} epochs {ourTime.TotalSeconds:F2} s ({ourAccuracy:P2}); " +
                                  $"TorchSharp {torchEpochs} epochs {torchTime.TotalSeconds:F2} s ({torchAccuracy:P2}); " +
                                  $"TorchSharp / NeuralNet time {torchTime / ourTime:F2}, per epoch {(torchTime / torchEpochs) / (ourTime / ourEpochs):F2}");
            }
        return 0;
    }

    private static (int Epochs, TimeSpan Time, float Accuracy) NeuralNetRun(Matrix<float> x, Matrix<float> y, Matrix<float> testX,
                                                                            IReadOnlyList<int> testLabels, int threads, int maxEpochs, int seed)
    {
        KernelSettings.ThreadCount = threads;
        Mlp model = Network.Mnist();
        var stopAt = new StopAtAccuracy(testX, testLabels);
        var clock = Stopwatch.StartNew();
        model.Fit(x, y, new CrossEntropyLoss(), new Sgd(LearningRate, Momentum),
            new TrainingOptions { Epochs = maxEpochs, BatchSize = BatchSize, Shuffle = true, Seed = seed, Callbacks = [stopAt] });
        clock.Stop();
        KernelSettings.ThreadCount = Environment.ProcessorCount;
        return (stopAt.Epochs, clock.Elapsed - stopAt.EvaluationTime, stopAt.Accuracy);
    }

    private static (int Epochs, TimeSpan Time, float Accuracy) TorchSharpRun(Matrix<float> x, Matrix<float> y, Matrix<float> testX,
                                                                             IReadOnlyList<int> testLabels, int threads, int maxEpochs, int seed)
    {
        TorchNetwork.SetThreads(threads);
        manual_seed(seed);
        using var model = TorchNetwork.From(Network.Mnist(), softmax: false);
        using var optimizer = optim.SGD(model.parameters(), LearningRate, momentum: Momentum);
        using Tensor inputs = TorchNetwork.RowMajor(x), labels = TorchNetwork.ClassIndices(y), testInputs = TorchNetwork.RowMajor(testX);
        TimeSpan training = TimeSpan.Zero;
        float accuracy = 0f;
        int epoch = 0;
        while (epoch < maxEpochs && accuracy < Target)
        {
            epoch++;
            var clock = Stopwatch.StartNew();
            model.train();
            using (Tensor order = randperm(inputs.shape[0]))
                for (long start = 0; start < inputs.shape[0]; start += BatchSize)
                {
                    using DisposeScope scope = NewDisposeScope();
                    Tensor rows = order.narrow(0, start, Math.Min(BatchSize, inputs.shape[0] - start));
                    optimizer.zero_grad();
                    Tensor loss = nn.functional.cross_entropy(model.call(inputs.index_select(0, rows)), labels.index_select(0, rows));
                    loss.backward();
                    optimizer.step();
                }
            training += clock.Elapsed;
            model.eval();
            using (no_grad())
            using (DisposeScope scope = NewDisposeScope())
            {
                long[] predicted = model.call(testInputs).argmax(1).data<long>().ToArray();
                int correct = 0;
                for (int i = 0; i < predicted.Length; i++) correct += predicted[i] == testLabels[i] ? 1 : 0;
                accuracy = (float)correct / predicted.Length;
            }
        }
        return (epoch, training, accuracy);
    }

    /// <summary>Test accuracy after each epoch, outside the training clock; stops the run at <see cref="Target"/>.</summary>
    private sealed class StopAtAccuracy(Matrix<float> testX, IReadOnlyList<int> testLabels) : ITrainingCallback
    {
        internal int Epochs { get; private set; }
        internal float Accuracy { get; private set; }
        internal TimeSpan EvaluationTime { get; private set; }

        public void OnEpochEnd(TrainingContext context, EpochResult result)
        {
            var clock = Stopwatch.StartNew();
            Epochs = result.Epoch;
            Accuracy = Metrics.Accuracy(Metrics.ArgMax(context.Model.Predict(testX)), testLabels);
            if (Accuracy >= Target) context.RequestStop();
            EvaluationTime += clock.Elapsed;
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : fallback;
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "NeuralNet.sln"))) return directory.FullName;
        return Directory.GetCurrentDirectory();
    }
}
