// Digits: the main job. Trains a 64 → 512 → 10 network on the committed 8 × 8 handwritten digits,
// prints its test accuracy and confusion matrix, and saves the model and its loss curves.
using NeuralNet.Samples;
using Spectre.Console;

var options = new DigitsSample.Options();
AnsiConsole.MarkupLine("[bold]Digits[/]: 1,797 handwritten digits (UCI, 8 × 8 pixels), a 64 → 512 ReLU → 10 softmax network, AdamW with linear warm-up and cosine annealing.");
var started = System.Diagnostics.Stopwatch.StartNew();
var result = SampleConsole.Train("training", options.Epochs, progress => DigitsSample.Run(options, progress));

var last = result.History.Epochs[^1];
AnsiConsole.MarkupLine($"{result.History.Epochs.Count} epochs, " +
                       $"final training loss {last.TrainingLoss:F4}, trained on {result.TrainCount} samples in {started.Elapsed.TotalSeconds:F1} s");
AnsiConsole.MarkupLine($"[bold]test accuracy: {result.TestAccuracy:P2}[/] on {result.TestCount} held-out digits");
AnsiConsole.Write(SampleConsole.ConfusionTable(result.Confusion));
AnsiConsole.MarkupLine($"loss curves: {result.PlotPath}");
AnsiConsole.MarkupLine($"model:       {result.ModelPath}");
AnsiConsole.MarkupLine($"ONNX model:  {result.OnnxPath} (input \"input\" [[batch, 64]], standardised; output \"output\" [[batch, 10]])");
return result.TestAccuracy >= 0.97f ? 0 : 1;
