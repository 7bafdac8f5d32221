using BenchmarkDotNet.Running;
using NeuralNet.Benchmarks;

// --check: one training step and one prediction on each side, compared; no benchmark runs.
if (args is ["--check", ..]) return SanityCheck.Run();

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
