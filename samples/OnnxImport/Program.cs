// ONNX import: a digits classifier trained in PyTorch (pytorch/train_digits.py wrote it), imported into NeuralNet,
// checked against PyTorch's own outputs, fine-tuned on digits PyTorch never saw, and exported again.
using NeuralNet.Samples;
using Spectre.Console;

var options = new OnnxImportSample.Options();
AnsiConsole.MarkupLine($"[bold]ONNX import[/]: {Markup.Escape(OnnxImportSample.ModelPath)}");
var result = SampleConsole.Train("fine-tuning", options.Epochs, progress => OnnxImportSample.Run(options, progress));

AnsiConsole.MarkupLine($"imported as {Markup.Escape(result.Model)}");
var table = new Table().AddColumns("test row", "label", "PyTorch: class (p)", "NeuralNet: class (p)");
foreach (var row in result.Shown)
    table.AddRow($"{row.Index}", $"{row.Label}", $"{row.PyTorchClass} ({row.PyTorchProbability:F6})", $"{row.ImportedClass} ({row.ImportedProbability:F6})");
AnsiConsole.Write(table);
AnsiConsole.MarkupLine($"largest difference from PyTorch's probabilities on those rows: {result.LargestDifference:0.0e+00}");
AnsiConsole.MarkupLine($"test accuracy on {result.TestCount} digits: PyTorch {result.PyTorchAccuracy:P2}, imported {result.ImportedAccuracy:P2}");
AnsiConsole.MarkupLine($"[bold]after fine-tuning on {result.FineTuneCount} more digits ({result.History.Epochs.Count} epochs, Adam): {result.FineTunedAccuracy:P2}[/]");
AnsiConsole.MarkupLine($"exported again: {Markup.Escape(result.ExportPath)}; imported back it predicts " +
                       (result.ReimportIsBitIdentical ? "bit for bit the same" : "[red]differently[/]"));
bool ok = result.LargestDifference <= 1e-5f && result.ImportedAccuracy == result.PyTorchAccuracy
          && result.FineTunedAccuracy > result.ImportedAccuracy && result.ReimportIsBitIdentical;
return ok ? 0 : 1;
