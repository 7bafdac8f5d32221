using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralNet.Benchmarks;

/// <summary>
/// C = A · B (m × k times k × n, float32) through libtorch's <c>torch.mm</c> (the vendor BLAS libtorch is built with:
/// the baseline) and through NeuralNet's kernel, on one thread and on two, at the MLP's shapes and square n = 256…1024.
/// </summary>
[Config(typeof(GemmShape.GflopsConfig))]
public class TorchSharpGemmBenchmarks
{
    private Tensor _a = null!, _b = null!;
    private Matrix<float> _ma = null!, _mb = null!, _mc = null!;

    /// <summary>m × k × n.</summary>
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    public static IEnumerable<string> Shapes => GemmShape.All;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp()
    {
        TorchNetwork.SetThreads(Threads);
        CreateData();
        _a = TorchNetwork.RowMajor(_ma);
        _b = TorchNetwork.RowMajor(_mb);
    }

    [GlobalCleanup(Target = nameof(TorchSharp))]
    public void CleanupTorchSharp()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [GlobalSetup(Target = nameof(NeuralNet))]
    public void SetupNeuralNet()
    {
        KernelSettings.ThreadCount = Threads;
        CreateData();
    }

    [GlobalCleanup(Target = nameof(NeuralNet))]
    public void CleanupNeuralNet() => KernelSettings.ThreadCount = Environment.ProcessorCount;

    [Benchmark(Baseline = true)]
    public void TorchSharp()
    {
        // A new result per call, disposed with the scope: what a TorchSharp caller writes.
        using var scope = torch.NewDisposeScope();
        torch.mm(_a, _b);
    }

    [Benchmark]
    public void NeuralNet() => DenseProducts.InputGradient(_ma, _mb, _mc);   // ∇x = g · w is exactly C = A · B

    private void CreateData()
    {
        (_ma, _mb, _mc) = GemmShape.Operands(Shape);
    }
}
