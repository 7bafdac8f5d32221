using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;

namespace NeuralNet.Benchmarks;

/// <summary>
/// C = A · B (m × k times k × n, column-major float32): the library's kernel on one thread and on every core, against
/// Math.NET's managed multiply (the baseline) and a naive triple loop. The shapes are the MLP's and square n = 256…1024.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GemmShape.GflopsConfig))]
public class GemmBenchmarks
{
    private Matrix<float> _a = null!, _b = null!, _c = null!;
    private float[] _as = null!, _bs = null!, _cs = null!;

    /// <summary>m × k × n.</summary>
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    public static IEnumerable<string> Shapes => GemmShape.All;

    private (int M, int K, int N) Dimensions => GemmShape.Parse(Shape);

    [GlobalSetup]
    public void Setup()
    {
        (_a, _b, _c) = GemmShape.Operands(Shape);
        (_as, _bs, _cs) = (_a.AsColumnMajorArray(), _b.AsColumnMajorArray(), _c.AsColumnMajorArray());
    }

    [GlobalCleanup]
    public void Cleanup() => KernelSettings.ThreadCount = Environment.ProcessorCount;

    [Benchmark(Baseline = true)]
    public void MathNet() => _a.Multiply(_b, _c);

    [Benchmark]
    public void KernelOneThread()
    {
        KernelSettings.ThreadCount = 1;
        DenseProducts.InputGradient(_a, _b, _c);   // ∇x = g · w is exactly C = A · B
    }

    [Benchmark]
    public void KernelBothCores()
    {
        KernelSettings.ThreadCount = Environment.ProcessorCount;
        DenseProducts.InputGradient(_a, _b, _c);
    }

    [Benchmark]
    public void Naive()
    {
        // The textbook loop, in the cache-friendly j-p-i order for column-major arrays.
        var (m, k, n) = Dimensions;
        float[] a = _as, b = _bs, c = _cs;
        for (int j = 0; j < n; j++)
        {
            Array.Clear(c, j * m, m);
            for (int p = 0; p < k; p++)
            {
                float bpj = b[p + j * k];
                for (int i = 0; i < m; i++) c[i + j * m] += a[i + p * m] * bpj;
            }
        }
    }
}
