// SineRegression: a linear output with MSE fitting sin(x); the error falls as the hidden width grows
// (the universal approximation theorem in numbers).
using NeuralNet.Samples;
using Spectre.Console;

var options = new SineRegressionSample.Options();
AnsiConsole.MarkupLine("[bold]sin(x) on [[−π, π]][/] by 1 → w tanh → 1 linear networks, MSE, Adam: the error falls as w grows.");
var (fits, plot) = AnsiConsole.Status().Start("training one network per width…", _ => SineRegressionSample.Run(options));
var table = new Table().AddColumn(new TableColumn("hidden units").RightAligned()).AddColumn(new TableColumn("test MSE").RightAligned()).AddColumn(new TableColumn("max |error|").RightAligned());
foreach (var f in fits) table.AddRow(f.Width.ToString(), f.TestMse.ToString("E2"), f.MaxError.ToString("F4"));
AnsiConsole.Write(table);
AnsiConsole.MarkupLine($"fits: {plot}");
return fits[^1].TestMse < fits[0].TestMse ? 0 : 1;
