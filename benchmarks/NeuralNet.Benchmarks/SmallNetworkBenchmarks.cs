using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Losses;
using NeuralNet.Optimizers;

namespace NeuralNet.Benchmarks;

/// <summary>A training step of the small 64-32-10 network at batch 32, where per-call overhead decides the speed.</summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class SmallNetworkBenchmarks
{
    private const int BatchSize = 32;
    private Mlp _model = null!;
    private Sgd _optimizer = null!;
    private Matrix<float> _inputs = null!, _targets = null!;
    private readonly CrossEntropyLoss _loss = new();

    [GlobalSetup]
    public void Setup()
    {
        _model = Network.Small();
        _optimizer = new Sgd(0.01f);
        _inputs = Network.Inputs(BatchSize, 64, seed: 1);
        _targets = Network.OneHot(BatchSize, 10, seed: 2);
    }

    [Benchmark]
    public float TrainingStep()
    {
        float loss = _model.ComputeGradients(_inputs, _targets, _loss);
        _optimizer.Step(_model.Parameters);
        return loss;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RateColumn("Samples/s", _ => BatchSize, 1));
    }
}
