using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using NeuralNet.Benchmarks;

// --check: one training step and one prediction on each side, compared; no benchmark runs.
if (args is ["--check", ..]) return SanityCheck.Run();
// --mnist: the real MNIST set to 98 % with TorchSharp's recipe, both sides timed end to end (MnistRace).
if (args is ["--mnist", ..]) return MnistRace.Run(args);

// Medians beside the means: this machine is shared, and a median shrugs off a disturbed iteration.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.AddColumn(StatisticColumn.Median));
return 0;
