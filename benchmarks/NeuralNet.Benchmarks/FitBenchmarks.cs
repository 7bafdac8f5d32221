using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Benchmarks;

/// <summary>
/// One epoch of <see cref="Mlp.Fit"/> (8,192 samples of the 784-256-128-10 network, batch 64, plain SGD, no shuffle or
/// validation) beside the same 128 steps written as a plain loop: the difference is what the training loop adds per
/// step (batch copies, the divergence guard). Then the same epoch with Adam, without and with gradient clipping by the
/// global norm (a quarter of the first batch's gradient norm, so the norm and the scaling both run on the steps): their
/// ratio is what clipping costs a batch-64 Adam step. Default threading.
/// </summary>
[MemoryDiagnoser]
public class FitBenchmarks
{
    private const int Samples = TrainingStepBenchmarks.EpochSamples, BatchSize = 64;
    private Mlp _model = null!;
    private Matrix<float> _inputs = null!, _targets = null!;
    private Matrix<float>[] _batchInputs = null!, _batchTargets = null!;
    private readonly CrossEntropyLoss _loss = new();
    private readonly TrainingOptions _options = new() { Epochs = 1, BatchSize = BatchSize, Shuffle = false };
    private TrainingOptions _clipped = null!;
    private Sgd _optimizer = null!;
    private Adam _adam = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = Network.Mnist();
        _optimizer = new Sgd(0.01f);
        _adam = new Adam(1e-4f);
        _inputs = Network.Inputs(Samples, 784, seed: 1);
        _targets = Network.OneHot(Samples, 10, seed: 2);
        // A bound that every step exceeds, as in use: a quarter of the first batch's norm.
        _model.ComputeGradients(_inputs.SubMatrix(0, BatchSize, 0, 784), _targets.SubMatrix(0, BatchSize, 0, 10), _loss);
        float norm = GradientClipping.ClipGradNorm(_model.Parameters, float.MaxValue);
        _clipped = new TrainingOptions { Epochs = 1, BatchSize = BatchSize, Shuffle = false, GradientClipNorm = norm / 4 };
        int batches = Samples / BatchSize;
        _batchInputs = new Matrix<float>[batches];
        _batchTargets = new Matrix<float>[batches];
        for (int b = 0; b < batches; b++)
        {
            _batchInputs[b] = _inputs.SubMatrix(b * BatchSize, BatchSize, 0, 784);
            _batchTargets[b] = _targets.SubMatrix(b * BatchSize, BatchSize, 0, 10);
        }
    }

    [Benchmark(Baseline = true)]
    public float StepsByHand()
    {
        float loss = 0f;
        for (int b = 0; b < _batchInputs.Length; b++)
        {
            loss = _model.ComputeGradients(_batchInputs[b], _batchTargets[b], _loss);
            _optimizer.Step(_model.Parameters);
        }
        return loss;
    }

    [Benchmark]
    public float AdamStepsByHand() => StepsByHand(_adam, clipNorm: null);

    [Benchmark]
    public float AdamClipNormStepsByHand() => StepsByHand(_adam, _clipped.GradientClipNorm);

    private float StepsByHand(IOptimizer optimizer, float? clipNorm)
    {
        float loss = 0f;
        for (int b = 0; b < _batchInputs.Length; b++)
        {
            loss = _model.ComputeGradients(_batchInputs[b], _batchTargets[b], _loss);
            if (clipNorm is { } bound) GradientClipping.ClipGradNorm(_model.Parameters, bound);
            optimizer.Step(_model.Parameters);
        }
        return loss;
    }

    [Benchmark]
    public TrainingHistory FitOneEpoch() => _model.Fit(_inputs, _targets, _loss, _optimizer, _options);

    [Benchmark]
    public TrainingHistory FitOneEpochAdam() => _model.Fit(_inputs, _targets, _loss, _adam, _options);

    [Benchmark]
    public TrainingHistory FitOneEpochAdamClipNorm() => _model.Fit(_inputs, _targets, _loss, _adam, _clipped);
}
