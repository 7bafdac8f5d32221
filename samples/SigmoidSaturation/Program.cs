// SigmoidSaturation: the lecture's argument for cross-entropy. A sigmoid unit started saturated and wrong learns with
// cross-entropy (gradient ŷ − y) but stalls with MSE (gradient (ŷ − y)·σ′(z) ≈ 0).
using NeuralNet.Samples;
using Spectre.Console;

var options = new SigmoidSaturationSample.Options();
AnsiConsole.MarkupLine("[bold]A sigmoid unit started saturated and wrong[/] (w = −10, labels need w > 0), SGD η = 1, full batch:");
var (ce, mse, plot) = SigmoidSaturationSample.Run(options);
var table = new Table().AddColumn("loss").AddColumn(new TableColumn("epoch 1").RightAligned());
int[] shown = [10, 25, 50, options.Epochs];
foreach (int e in shown) table.AddColumn(new TableColumn($"epoch {e}").RightAligned());
table.AddColumn(new TableColumn("final w").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned());
foreach (var run in new[] { ce, mse })
    table.AddRow([run.Loss, run.Curve[0].ToString("F4"), .. shown.Select(e => run.Curve[e - 1].ToString("F4")), run.FinalWeight.ToString("F3"), run.Accuracy.ToString("P0")]);
AnsiConsole.Write(table);
AnsiConsole.MarkupLine("Cross-entropy's gradient at z is ŷ − y: largest when the unit is most wrong. MSE's is (ŷ − y)·σ(z)(1 − σ(z)): vanishing in saturation.");
AnsiConsole.MarkupLine($"both curves: {plot}");
return ce.Accuracy > mse.Accuracy ? 0 : 1;
