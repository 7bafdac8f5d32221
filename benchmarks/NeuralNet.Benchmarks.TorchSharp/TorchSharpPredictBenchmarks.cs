using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralNet.Benchmarks;

/// <summary>
/// Inference of one sample through 784-256-128-10 with a softmax output: TorchSharp in eval mode under
/// <c>torch.no_grad()</c> (the baseline) and under <c>torch.inference_mode()</c>, against NeuralNet's
/// <see cref="Mlp.Predict(Matrix{float}, Matrix{float})"/> into a preallocated output, as <c>PredictBenchmarks</c>
/// does (input seed 1). Both libraries keep their default thread counts, as <c>PredictBenchmarks</c> does.
/// </summary>
/// <remarks>
/// TorchSharp's result is a native 1 × 10 tensor, freed with the call's dispose scope; NeuralNet's is written into the
/// preallocated managed matrix. Neither copies its result anywhere else.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class TorchSharpPredictBenchmarks
{
    private Mlp _model = null!;
    private Matrix<float> _input = null!, _output = null!;
    private Sequential _torchModel = null!;
    private Tensor _torchInput = null!;

    [GlobalSetup(Targets = [nameof(TorchSharp), nameof(TorchSharpInferenceMode)])]
    public void SetupTorchSharp()
    {
        CreateData();
        _torchModel = TorchNetwork.From(_model, softmax: true);
        _torchModel.eval();
        _torchInput = TorchNetwork.RowMajor(_input);
    }

    [GlobalCleanup(Targets = [nameof(TorchSharp), nameof(TorchSharpInferenceMode)])]
    public void CleanupTorchSharp()
    {
        _torchInput.Dispose();
        _torchModel.Dispose();
    }

    [GlobalSetup(Target = nameof(NeuralNet))]
    public void SetupNeuralNet() => CreateData();

    [Benchmark(Baseline = true)]
    public void TorchSharp()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _torchModel.call(_torchInput);
    }

    [Benchmark]
    public void TorchSharpInferenceMode()
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        _torchModel.call(_torchInput);
    }

    [Benchmark]
    public void NeuralNet() => _model.Predict(_input, _output);

    private void CreateData()
    {
        _model = Network.Mnist();
        _input = Network.Inputs(1, 784, seed: 1);
        _output = Matrix<float>.Build.Dense(1, 10);
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RateColumn("Samples/s", _ => 1, 1));
    }
}
