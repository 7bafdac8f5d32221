using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Benchmarks;

/// <summary>The GEMM shapes the benchmarks measure, written m × k × n, and the GFLOP/s column they report.</summary>
internal static class GemmShape
{
    /// <summary>The MLP's three products at batch 64 and 256, and square n = 256…1024.</summary>
    internal static IEnumerable<string> All => ["64x784x256", "64x256x128", "256x784x256", "256x256x256", "512x512x512", "1024x1024x1024"];

    internal static (int M, int K, int N) Parse(string shape)
    {
        int[] d = shape.Split('x').Select(int.Parse).ToArray();
        return (d[0], d[1], d[2]);
    }

    /// <summary>A (m × k) and B (k × n) drawn from [−0.5, 0.5) with seed 1, and a zero C (m × n): every GEMM benchmark's operands.</summary>
    internal static (Matrix<float> A, Matrix<float> B, Matrix<float> C) Operands(string shape)
    {
        var (m, k, n) = Parse(shape);
        var random = new Random(1);
        return (Matrix<float>.Build.Dense(m, k, (_, _) => (float)random.NextDouble() - 0.5f),
            Matrix<float>.Build.Dense(k, n, (_, _) => (float)random.NextDouble() - 0.5f),
            Matrix<float>.Build.Dense(m, n));
    }

    /// <summary>Adds a GFLOP/s column (2·m·k·n per operation) for a benchmark with a <c>Shape</c> parameter.</summary>
    internal sealed class GflopsConfig : ManualConfig
    {
        public GflopsConfig() => AddColumn(new RateColumn("GFLOP/s", benchmarkCase =>
        {
            var (m, k, n) = Parse((string)RateColumn.Parameter(benchmarkCase, "Shape")!);
            return 2.0 * m * k * n;
        }, 1e9));
    }
}
