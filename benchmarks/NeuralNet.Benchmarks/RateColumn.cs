using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NeuralNet.Benchmarks;

/// <summary>A throughput column: work per operation (from the benchmark's parameters) divided by the median time.</summary>
/// <param name="name">The column header, such as <c>GFLOP/s</c>.</param>
/// <param name="workPerOperation">The work one operation does (FLOPs, samples), or null where it does not apply.</param>
/// <param name="unit">Work units per reported unit: 1e9 for GFLOP/s, 1 for samples/s.</param>
public sealed class RateColumn(string name, Func<BenchmarkCase, double?> workPerOperation, double unit) : IColumn
{
    public string Id => $"{nameof(RateColumn)}.{name}";
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => $"{name}: work per operation / median time";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? work = workPerOperation(benchmarkCase);
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (work is null || statistics is null) return "-";
        double seconds = statistics.Median / 1e9;   // BenchmarkDotNet reports nanoseconds
        return (work.Value / seconds / unit).ToString(unit >= 1e6 ? "N1" : "N0");
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;

    /// <summary>The value of the parameter called <paramref name="name"/>.</summary>
    internal static object? Parameter(BenchmarkCase benchmarkCase, string name) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == name)?.Value;
}
