using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using NeuralNet.Losses;
using NeuralNet.Optimizers;

namespace NeuralNet.Benchmarks;

/// <summary>
/// Training the 784-256-128-10 ReLU network with fused softmax cross-entropy and plain SGD: one step
/// (<see cref="Mlp.ComputeGradients"/> + <see cref="Sgd.Step"/>) and one epoch of 8,192 samples, on one thread and on both cores.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class TrainingStepBenchmarks
{
    internal const int EpochSamples = 8192;

    private Mlp _model = null!;
    private Sgd _optimizer = null!;
    private Matrix<float>[] _inputs = null!, _targets = null!;
    private readonly CrossEntropyLoss _loss = new();

    [Params(64, 256)]
    public int BatchSize { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        KernelSettings.ThreadCount = Threads;
        _model = Network.Mnist();
        _optimizer = new Sgd(0.01f);
        int batches = EpochSamples / BatchSize;
        _inputs = new Matrix<float>[batches];
        _targets = new Matrix<float>[batches];
        for (int b = 0; b < batches; b++)
        {
            _inputs[b] = Network.Inputs(BatchSize, 784, seed: b);
            _targets[b] = Network.OneHot(BatchSize, 10, seed: 1000 + b);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => KernelSettings.ThreadCount = Environment.ProcessorCount;

    [Benchmark]
    public float TrainingStep() => Step(0);

    [Benchmark]
    public float Epoch()
    {
        float loss = 0f;
        for (int b = 0; b < _inputs.Length; b++) loss = Step(b);
        return loss;
    }

    private float Step(int batch)
    {
        float loss = _model.ComputeGradients(_inputs[batch], _targets[batch], _loss);
        _optimizer.Step(_model.Parameters);
        return loss;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RateColumn("Samples/s", benchmarkCase =>
            benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(Epoch)
                ? EpochSamples
                : (int)RateColumn.Parameter(benchmarkCase, nameof(BatchSize))!, 1));
    }
}
