// Checkpoints: a long run that survives being interrupted. Digits, 64 → 128 → 10 with Dropout, Adam with a step schedule
// and early stopping, a checkpoint every 5 epochs; the run is cancelled half-way through epoch 8, a new model and
// optimizer resume it from the checkpoint, and it ends with the weights of a run that was never interrupted, bit for bit.
using NeuralNet.Samples;
using Spectre.Console;

var options = new CheckpointsSample.Options();
AnsiConsole.MarkupLine($"[bold]Checkpoints[/]: {options.Epochs} epochs, a checkpoint every {options.CheckpointEvery}, " +
                       $"interrupted in epoch {options.InterruptInEpoch} and resumed; compared with an uninterrupted run.");
var result = SampleConsole.Train("interrupted, then resumed", 2 * options.Epochs, progress => CheckpointsSample.Run(options, progress));
AnsiConsole.MarkupLine($"interrupted after epoch {result.InterruptedAt.Epoch}, batch {result.InterruptedAt.Batch} (the cancellation wrote a checkpoint)");
AnsiConsole.MarkupLine($"resumed at epoch {result.ResumedAt.Epoch}, batch {result.ResumedAt.Batch}; history of {result.EpochsTrained} epochs");
AnsiConsole.MarkupLine($"checkpoint: {result.CheckpointPath} ({result.CheckpointBytes:N0} bytes)");
AnsiConsole.MarkupLine($"test accuracy {result.TestAccuracy:P1}");
AnsiConsole.MarkupLine(result.Identical
    ? "[green]every weight equals the uninterrupted run's, bit for bit[/]"
    : "[red]the weights differ from the uninterrupted run's[/]");
return result.Identical ? 0 : 1;
