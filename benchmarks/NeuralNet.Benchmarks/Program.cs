using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// Medians beside the means: this machine is shared, and a median shrugs off a disturbed iteration.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.AddColumn(StatisticColumn.Median));
