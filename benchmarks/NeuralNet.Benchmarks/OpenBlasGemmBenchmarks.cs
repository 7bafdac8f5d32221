using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;

namespace NeuralNet.Benchmarks;

/// <summary>
/// C = A · B at the GEMM shapes, OpenBLAS's <c>cblas_sgemm</c> (the baseline) against the kernel, each on the same
/// number of threads, in the same run: issue 4's "≥ 80 % of OpenBLAS" is the Ratio column (≤ 1.25 meets it).
/// Runs only where OpenBLAS is installed; <c>Program</c> leaves the class out elsewhere.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GemmShape.GflopsConfig))]
public class OpenBlasGemmBenchmarks
{
    private Matrix<float> _a = null!, _b = null!, _c = null!;
    private int _m, _k, _n;

    /// <summary>m × k × n.</summary>
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    public static IEnumerable<string> Shapes => GemmShape.All;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_m, _k, _n) = GemmShape.Parse(Shape);
        (_a, _b, _c) = GemmShape.Operands(Shape);
        // BenchmarkDotNet runs each case in a process of its own, so OpenBLAS's pool and the kernel's helpers never meet.
        OpenBlas.SetThreads(Threads);
        KernelSettings.ThreadCount = Threads;
    }

    [GlobalCleanup]
    public void Cleanup() => KernelSettings.ThreadCount = Environment.ProcessorCount;

    [Benchmark(Baseline = true)]
    public void OpenBLAS() => OpenBlas.Multiply(_m, _k, _n, _a.AsColumnMajorArray(), _b.AsColumnMajorArray(), _c.AsColumnMajorArray());

    [Benchmark]
    public void Kernel() => DenseProducts.InputGradient(_a, _b, _c);   // ∇x = g · w is exactly C = A · B
}
