using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using NeuralNet.Benchmarks;

// The OpenBLAS comparison needs the machine's OpenBLAS; without it the class is left out, with a word, not failed.
Type[] benchmarks = typeof(Program).Assembly.GetExportedTypes()
    .Where(type => type.GetMethods().Any(method => method.IsDefined(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute), false)))
    .Where(type => type != typeof(OpenBlasGemmBenchmarks) || OpenBlas.IsAvailable)
    .ToArray();
if (!OpenBlas.IsAvailable) Console.WriteLine($"{nameof(OpenBlasGemmBenchmarks)} left out: {OpenBlas.Missing}");

// Medians beside the means: this machine is shared, and a median shrugs off a disturbed iteration.
BenchmarkSwitcher.FromTypes(benchmarks).Run(args, DefaultConfig.Instance.AddColumn(StatisticColumn.Median));
