using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Benchmarks;

/// <summary>
/// What <see cref="Mlp.Fit"/> costs over the steps it runs: three shuffled epochs of 8,192 samples through the
/// 784-256-128-10 network against the same number of <c>ComputeGradients</c> + <c>Step</c> calls over batches cut
/// beforehand (the baseline), at batch 32, 64 and 256, with <see cref="Sgd"/> (momentum 0.9) and <see cref="Adam"/>,
/// on one thread and at default threading. Three epochs, because a shuffled <c>Fit</c> makes a row-major copy of the inputs once per call
/// (<see cref="TrainingOptions.Shuffle"/>), which three epochs share as a real run's many do. With validation data
/// (2,048 samples, evaluated after each epoch) the evaluation alone is timed too (<see cref="ValidationOnly"/>), so that
/// Fit's own overhead can be read with and without it.
/// </summary>
[MemoryDiagnoser]
public class FitEpochBenchmarks
{
    private const int Samples = TrainingStepBenchmarks.EpochSamples, ValidationSamples = 2048, Epochs = 3;
    private Mlp _model = null!;
    private Matrix<float> _inputs = null!, _targets = null!, _validationInputs = null!, _validationTargets = null!, _validationOutput = null!;
    private Matrix<float>[] _batchInputs = null!, _batchTargets = null!;
    private readonly CrossEntropyLoss _loss = new();
    private TrainingOptions _options = null!, _validated = null!;
    private IOptimizer _optimizer = null!;
    private float[][] _initialWeights = null!;

    /// <summary>Rows per batch.</summary>
    [Params(32, 64, 256)]
    public int Batch { get; set; }

    /// <summary>The optimizer: Sgd with momentum, or Adam.</summary>
    [Params("Sgd", "Adam")]
    public string Optimizer { get; set; } = "";

    /// <summary>1, or every core: on two cores each batch Fit copies must reach the other core's cache too.</summary>
    [Params("1", "default")]
    public string Threads { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        KernelSettings.ThreadCount = Threads == "1" ? 1 : Environment.ProcessorCount;
        _model = Network.Mnist();
        _initialWeights = [.. _model.Parameters.Select(p => p.Value.AsColumnMajorArray().ToArray())];
        _inputs = Network.Inputs(Samples, 784, seed: 1);
        _targets = Network.OneHot(Samples, 10, seed: 2);
        _validationInputs = Network.Inputs(ValidationSamples, 784, seed: 3);
        _validationTargets = Network.OneHot(ValidationSamples, 10, seed: 4);
        _validationOutput = Matrix<float>.Build.Dense(ValidationSamples, 10);
        _options = new TrainingOptions { Epochs = Epochs, BatchSize = Batch, Shuffle = true, Seed = 5 };
        _validated = new TrainingOptions
        {
            Epochs = Epochs, BatchSize = Batch, Shuffle = true, Seed = 5,
            ValidationInputs = _validationInputs, ValidationTargets = _validationTargets,
        };
        // The baseline's batches: the rows of one shuffled order, cut once.
        int[] order = Enumerable.Range(0, Samples).ToArray();
        new Random(6).Shuffle(order);
        int batches = Samples / Batch;
        _batchInputs = new Matrix<float>[batches];
        _batchTargets = new Matrix<float>[batches];
        for (int b = 0; b < batches; b++)
        {
            int[] rows = order[(b * Batch)..((b + 1) * Batch)];
            _batchInputs[b] = Matrix<float>.Build.Dense(Batch, 784, (i, j) => _inputs[rows[i], j]);
            _batchTargets[b] = Matrix<float>.Build.Dense(Batch, 10, (i, j) => _targets[rows[i], j]);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => KernelSettings.ThreadCount = Environment.ProcessorCount;

    /// <summary>
    /// Every operation starts from the same weights and a fresh optimizer: otherwise each would train on from where the
    /// last stopped, and the cases compared would run on different weights (and Adam's moments shrink towards the subnormal).
    /// </summary>
    [IterationSetup]
    public void Restart()
    {
        for (int k = 0; k < _initialWeights.Length; k++)
            _initialWeights[k].CopyTo(_model.Parameters[k].Value.AsColumnMajorArray(), 0);
        _optimizer = Optimizer == "Adam" ? new Adam(1e-4f) : new Sgd(0.01f, momentum: 0.9f);
    }

    /// <summary>The steps alone: <c>ComputeGradients</c> and <c>Step</c> over the batches, three times.</summary>
    [Benchmark(Baseline = true)]
    public float BareSteps()
    {
        float loss = 0f;
        for (int epoch = 0; epoch < Epochs; epoch++)
            for (int b = 0; b < _batchInputs.Length; b++)
            {
                loss = _model.ComputeGradients(_batchInputs[b], _batchTargets[b], _loss);
                _optimizer.Step(_model.Parameters);
            }
        return loss;
    }

    [Benchmark]
    public TrainingHistory Fit() => _model.Fit(_inputs, _targets, _loss, _optimizer, _options);

    [Benchmark]
    public TrainingHistory FitWithValidation() => _model.Fit(_inputs, _targets, _loss, _optimizer, _validated);

    /// <summary>What the validation in <see cref="FitWithValidation"/> costs: a Predict, the loss and the accuracy, three times.</summary>
    [Benchmark]
    public float ValidationOnly()
    {
        float loss = 0f;
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            _model.Predict(_validationInputs, _validationOutput);
            loss = _loss.Loss(_validationOutput, _validationTargets) + Metrics.Accuracy(_validationOutput, _validationTargets);
        }
        return loss;
    }
}
