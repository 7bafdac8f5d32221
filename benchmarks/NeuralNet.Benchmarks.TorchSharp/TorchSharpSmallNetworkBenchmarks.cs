using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using NeuralNet.Losses;
using NeuralNet.Optimizers;

namespace NeuralNet.Benchmarks;

/// <summary>
/// One training step of the small 64-32-10 network (ReLU, softmax cross-entropy, plain SGD η = 0.01) at batch 32 on
/// one thread: TorchSharp (the baseline) against NeuralNet, from the same weights on the same batch as
/// <c>SmallNetworkBenchmarks</c> (inputs seed 1, targets seed 2). Per-call overhead, not arithmetic, decides it.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class TorchSharpSmallNetworkBenchmarks
{
    private const int BatchSize = 32;
    private const float LearningRate = 0.01f;

    private Mlp _model = null!;
    private Sgd _optimizer = null!;
    private Matrix<float> _inputs = null!, _targets = null!;
    private readonly CrossEntropyLoss _loss = new();
    private TorchTrainer _torch = null!;

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp()
    {
        TorchNetwork.SetThreads(1);
        CreateData();
        _torch = new TorchTrainer(_model, _inputs, _targets, LearningRate);
    }

    [GlobalCleanup(Target = nameof(TorchSharp))]
    public void CleanupTorchSharp() => _torch.Dispose();

    [GlobalSetup(Target = nameof(NeuralNet))]
    public void SetupNeuralNet()
    {
        KernelSettings.ThreadCount = 1;
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
        _model = Network.Small();
        _inputs = Network.Inputs(BatchSize, 64, seed: 1);
        _targets = Network.OneHot(BatchSize, 10, seed: 2);
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RateColumn("Samples/s", _ => BatchSize, 1));
    }
}
