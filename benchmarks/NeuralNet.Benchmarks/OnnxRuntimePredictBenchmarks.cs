using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML.OnnxRuntime;
using NeuralNet.Kernels;
using NeuralNet.Layers;
using NeuralNet.Onnx;

namespace NeuralNet.Benchmarks;

/// <summary>
/// Inference against ONNX Runtime, the baseline .NET developers serve models with: the same weights (exported by
/// NeuralNet.Onnx), inputs and outputs preallocated on both sides (ORT: <see cref="OrtValue"/>s over arrays, Run into a
/// preallocated output), at one thread and at each side's default threading. <c>Products</c> times the Dense layers'
/// products alone (the kernel calls Predict makes), the floor Predict's own overhead is measured against; <c>Predictor</c>
/// the same model frozen by <see cref="Mlp.CreatePredictor"/>, its weights packed ahead.
/// The session exists only in the processes that time ONNX Runtime: a default-threaded session's pool threads would
/// otherwise share the two cores with NeuralNet's cases (64-32-10, on one thread by design, ran 1.1–1.9× its one-thread
/// time beside one).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class OnnxRuntimePredictBenchmarks
{
    private Mlp _model = null!;
    private MlpPredictor _predictor = null!;
    private Matrix<float> _input = null!, _output = null!;
    private (Matrix<float> X, Matrix<float> W, Matrix<float> B, Matrix<float> Z)[] _products = null!;
    private InferenceSession _session = null!;
    private OrtValue _ortInput = null!, _ortOutput = null!;
    private OrtValue[] _ortInputs = null!, _ortOutputs = null!;   // built once: Run's own cost only
    private RunOptions _runOptions = null!;
    private static readonly string[] InputNames = [OnnxExporter.InputName], OutputNames = [OnnxExporter.OutputName];

    /// <summary>The network: 784-256-128-10 (ReLU, softmax) or the small 64-32-10.</summary>
    [Params("784-256-128-10", "64-32-10")]
    public string Network { get; set; } = "";

    /// <summary>Rows per call.</summary>
    [Params(1, 4, 16, 64, 256)]
    public int Batch { get; set; }

    /// <summary>1, or each library's default (every core).</summary>
    [Params("1", "default")]
    public string Threads { get; set; } = "";

    /// <summary>NeuralNet's side: the model, the batch and each Dense layer's product on the input it sees.</summary>
    [GlobalSetup(Targets = [nameof(NeuralNetPredict), nameof(Predictor), nameof(Products)])]
    public void Setup()
    {
        _model = Network == "64-32-10" ? Benchmarks.Network.Small() : Benchmarks.Network.Mnist();
        _input = Benchmarks.Network.Inputs(Batch, _model.InputCount!.Value, seed: 1);
        _output = Matrix<float>.Build.Dense(Batch, _model.OutputCount!.Value);
        KernelSettings.ThreadCount = Threads == "1" ? 1 : Environment.ProcessorCount;
        _predictor = _model.CreatePredictor();

        var products = new List<(Matrix<float>, Matrix<float>, Matrix<float>, Matrix<float>)>();
        Matrix<float> h = _input;
        foreach (ILayer layer in _model.Layers)
        {
            if (layer is Dense dense)
                products.Add((h, dense.Weights.Value, dense.Bias.Value, Matrix<float>.Build.Dense(h.RowCount, dense.Outputs)));
            h = layer.Predict(h);
        }
        _products = products.ToArray();
    }

    /// <summary>ONNX Runtime's side: the same weights exported, a session, and a check that both sides answer the same.</summary>
    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime()
    {
        Setup();
        int inputs = _model.InputCount!.Value, outputs = _model.OutputCount!.Value;
        using var stream = new MemoryStream();
        OnnxExporter.Export(_model, stream);
        using var options = new SessionOptions();
        if (Threads == "1") { options.IntraOpNumThreads = 1; options.InterOpNumThreads = 1; }
        _session = new InferenceSession(stream.ToArray(), options);
        _ortInput = OrtValue.CreateTensorValueFromMemory(_input.ToRowMajorArray(), [Batch, inputs]);
        _ortOutput = OrtValue.CreateTensorValueFromMemory(new float[Batch * outputs], [Batch, outputs]);
        _runOptions = new RunOptions();
        (_ortInputs, _ortOutputs) = ([_ortInput], [_ortOutput]);

        // Both sides must answer the same before ONNX Runtime is timed.
        _model.Predict(_input, _output);
        OnnxRuntime();
        ReadOnlySpan<float> ort = _ortOutput.GetTensorDataAsSpan<float>();
        float[] ours = _output.ToRowMajorArray();
        for (int i = 0; i < ours.Length; i++)
            if (MathF.Abs(ours[i] - ort[i]) > 1e-4f + 1e-3f * MathF.Abs(ours[i]))
                throw new InvalidOperationException($"NeuralNet and ONNX Runtime disagree at {i}: {ours[i]} vs {ort[i]}.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        KernelSettings.ThreadCount = Environment.ProcessorCount;
        _ortInput?.Dispose();
        _ortOutput?.Dispose();
        _runOptions?.Dispose();
        _session?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void OnnxRuntime() => _session.Run(_runOptions, InputNames, _ortInputs, OutputNames, _ortOutputs);

    [Benchmark]
    public void NeuralNetPredict() => _model.Predict(_input, _output);

    /// <summary>The same model frozen: Dense weights packed once, as MLAS packs a session's (<see cref="MlpPredictor"/>).</summary>
    [Benchmark]
    public void Predictor() => _predictor.Predict(_input, _output);

    [Benchmark]
    public void Products()
    {
        for (int k = 0; k < _products.Length; k++)
        {
            var (x, w, b, z) = _products[k];
            DenseProducts.Forward(x, w, b, z);
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RateColumn("Samples/s", b => (int)b.Parameters["Batch"]!, 1));
    }
}
