using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Benchmarks;

/// <summary>Inference of one sample through 784-256-128-10: into a caller's matrix, into a new matrix, and on plain arrays.</summary>
[MemoryDiagnoser]
public class PredictBenchmarks
{
    private Mlp _model = null!;
    private Matrix<float> _input = null!, _output = null!;
    private float[] _inputArray = null!, _outputArray = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = Network.Mnist();
        _input = Network.Inputs(1, 784, seed: 1);
        _output = Matrix<float>.Build.Dense(1, 10);
        _inputArray = _input.ToRowMajorArray();
        _outputArray = new float[10];
    }

    [Benchmark(Baseline = true)]
    public void PredictIntoOutput() => _model.Predict(_input, _output);

    [Benchmark]
    public Matrix<float> PredictNewMatrix() => _model.Predict(_input);

    [Benchmark]
    public void PredictSpan() => _model.Predict(_inputArray, _outputArray);
}
