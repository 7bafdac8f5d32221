using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using NeuralNet.Kernels;
using NeuralNet.Losses;
using NeuralNet.Optimizers;

namespace NeuralNet.Benchmarks;

/// <summary>
/// One optimizer step over the 784-256-128-10 network's parameters (235,146 values), the gradients fixed, on one
/// thread and on two. The baseline is Adam's update written as whole-array passes on one thread (what the library did
/// before it updated in blocks), so the ratios show what updating block by block, and on two cores, saves: each pass
/// over a 0.8 MB weight otherwise goes to L3 and back.
/// </summary>
[MemoryDiagnoser]
public class OptimizerStepBenchmarks
{
    // A tiny learning rate keeps the weights where they started over the millions of steps a run takes.
    private const float LearningRate = 1e-7f;

    private IReadOnlyList<Parameter> _parameters = null!;
    private readonly Sgd _sgd = new(LearningRate), _momentum = new(LearningRate, momentum: 0.9f);
    private readonly Adam _adam = new(LearningRate);
    private readonly AdamW _adamW = new(LearningRate);
    private readonly RmsProp _rmsProp = new(LearningRate), _rmsPropCentered = new(LearningRate, momentum: 0.9f, centered: true);
    private readonly Adagrad _adagrad = new(LearningRate);
    private (float[] M, float[] V, float[] G, float[] Denominator)[] _wholeArrays = null!;
    private int _steps;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        KernelSettings.ThreadCount = Threads;
        Mlp model = Network.Mnist();
        model.ComputeGradients(Network.Inputs(64, 784, seed: 0), Network.OneHot(64, 10, seed: 1000), new CrossEntropyLoss());
        _parameters = model.Parameters;
        _wholeArrays = _parameters.Select(p => p.Value.AsColumnMajorArray().Length)
            .Select(n => (new float[n], new float[n], new float[n], new float[n])).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => KernelSettings.ThreadCount = Environment.ProcessorCount;

    [Benchmark(Baseline = true)]
    public void AdamWholeArrayPasses()
    {
        _steps++;
        const float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
        float biasCorrection2Sqrt = (float)Math.Sqrt(1.0 - Math.Pow(beta2, _steps));
        float stepSize = (float)(LearningRate / (1.0 - Math.Pow(beta1, _steps)));
        for (int i = 0; i < _parameters.Count; i++)
        {
            Span<float> theta = _parameters[i].Value.AsColumnMajorArray();
            var (m, v, g, denominator) = _wholeArrays[i];
            _parameters[i].Gradient.AsColumnMajorArray().CopyTo(g);
            TensorPrimitives.Multiply(m, beta1, m);
            TensorPrimitives.MultiplyAdd(g, 1f - beta1, m, m);
            TensorPrimitives.Multiply(v, beta2, v);
            TensorPrimitives.Multiply(g, g, denominator);
            TensorPrimitives.MultiplyAdd(denominator, 1f - beta2, v, v);
            TensorPrimitives.Sqrt(v, denominator);
            TensorPrimitives.Divide(denominator, biasCorrection2Sqrt, denominator);
            TensorPrimitives.Add(denominator, epsilon, denominator);
            TensorPrimitives.Divide(m, denominator, denominator);
            TensorPrimitives.MultiplyAdd(denominator, -stepSize, theta, theta);
        }
    }

    [Benchmark]
    public void Adam() => _adam.Step(_parameters);

    [Benchmark]
    public void AdamW() => _adamW.Step(_parameters);

    [Benchmark]
    public void RmsProp() => _rmsProp.Step(_parameters);

    [Benchmark]
    public void RmsPropCenteredMomentum() => _rmsPropCentered.Step(_parameters);

    [Benchmark]
    public void Adagrad() => _adagrad.Step(_parameters);

    [Benchmark]
    public void SgdMomentum() => _momentum.Step(_parameters);

    [Benchmark]
    public void Sgd() => _sgd.Step(_parameters);

    // What clipping adds to a step: the norm over every gradient, then the scaling (the bound stays below the norm, as
    // the first call leaves it at the bound · norm / (norm + 1e-6)).
    [Benchmark]
    public float ClipGradNorm() => Training.GradientClipping.ClipGradNorm(_parameters, 1e-3f);

    [Benchmark]
    public void ClipGradValue() => Training.GradientClipping.ClipGradValue(_parameters, 1e-4f);
}
