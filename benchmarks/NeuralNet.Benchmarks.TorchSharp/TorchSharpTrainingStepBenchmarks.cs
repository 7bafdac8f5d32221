using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using NeuralNet.Losses;
using NeuralNet.Optimizers;

namespace NeuralNet.Benchmarks;

/// <summary>
/// One training step of 784-256-128-10 (ReLU, softmax cross-entropy, plain SGD η = 0.01) on a fixed batch: TorchSharp
/// (the baseline) against NeuralNet, on one thread and on two. Both start from the same weights and see the same
/// batch as <c>TrainingStepBenchmarks.TrainingStep</c> (inputs seed 0, targets seed 1000).
/// </summary>
/// <remarks>
/// Each side's setup touches only its own library, so the TorchSharp process holds no NeuralNet helper threads and the
/// NeuralNet process never loads libtorch (BenchmarkDotNet runs every case in a process of its own).
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class TorchSharpTrainingStepBenchmarks
{
    private const float LearningRate = 0.01f;

    private Mlp _model = null!;
    private Sgd _optimizer = null!;
    private Matrix<float> _inputs = null!, _targets = null!;
    private readonly CrossEntropyLoss _loss = new();
    private TorchTrainer _torch = null!;

    [Params(64, 256)]
    public int BatchSize { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp()
    {
        TorchNetwork.SetThreads(Threads);
        CreateData();
        _torch = new TorchTrainer(_model, _inputs, _targets, LearningRate);
    }

    [GlobalCleanup(Target = nameof(TorchSharp))]
    public void CleanupTorchSharp() => _torch.Dispose();

    [GlobalSetup(Target = nameof(NeuralNet))]
    public void SetupNeuralNet()
    {
        KernelSettings.ThreadCount = Threads;
        CreateData();
        _optimizer = new Sgd(LearningRate);
    }

    [GlobalCleanup(Target = nameof(NeuralNet))]
    public void CleanupNeuralNet() => KernelSettings.ThreadCount = Environment.ProcessorCount;

    [Benchmark(Baseline = true)]
    public float TorchSharp() => _torch.Step();

    [Benchmark]
    public float NeuralNet()
    {
        float loss = _model.ComputeGradients(_inputs, _targets, _loss);
        _optimizer.Step(_model.Parameters);
        return loss;
    }

    private void CreateData()
    {
        _model = Network.Mnist();
        _inputs = Network.Inputs(BatchSize, 784, seed: 0);
        _targets = Network.OneHot(BatchSize, 10, seed: 1000);
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RateColumn("Samples/s", benchmarkCase =>
            (int)RateColumn.Parameter(benchmarkCase, nameof(BatchSize))!, 1));
    }
}
