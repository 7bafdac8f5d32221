using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;

namespace NeuralNet.Benchmarks;

/// <summary>One SGD step (forward, fused softmax cross-entropy, backward, update) of a 784-256-128-10 ReLU network.</summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private Mlp _model = null!;
    private Sgd _optimizer = null!;
    private Matrix<float> _inputs = null!, _targets = null!;
    private readonly CrossEntropyLoss _loss = new();

    [Params(64)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = new Mlp(new Dense(784, 256, seed: 1), new ReLU(), new Dense(256, 128, seed: 2), new ReLU(),
                         new Dense(128, 10, seed: 3), new Softmax());
        _optimizer = new Sgd(0.01f);
        var random = new Random(42);
        _inputs = Matrix<float>.Build.Dense(BatchSize, 784, (_, _) => (float)random.NextDouble());
        _targets = Matrix<float>.Build.Dense(BatchSize, 10);
        for (int i = 0; i < BatchSize; i++) _targets[i, random.Next(10)] = 1f;
    }

    [Benchmark]
    public float TrainingStep()
    {
        float loss = _model.ComputeGradients(_inputs, _targets, _loss);
        _optimizer.Step(_model.Parameters);
        return loss;
    }
}
