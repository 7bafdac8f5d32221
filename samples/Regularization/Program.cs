// Regularization: what Dropout and LayerNorm are for. A wide network memorises a few hundred digits and its test loss
// climbs; the same network with Dropout, and with LayerNorm, trained the same way from the same initial weights.
using NeuralNet.Samples;
using Spectre.Console;

var options = new RegularizationSample.Options();
AnsiConsole.MarkupLine($"[bold]Regularization[/]: {options.TrainCount} training digits, a 64 → {options.Hidden} → {options.Hidden} → 10 " +
                       $"ReLU/softmax network, Adam (no weight decay), {options.Epochs} epochs, three ways:");
var started = System.Diagnostics.Stopwatch.StartNew();
var result = SampleConsole.Train("training", 3 * options.Epochs, progress => RegularizationSample.Run(options, progress));
AnsiConsole.MarkupLine($"trained on {result.TrainCount} samples, tested on {result.TestCount}, in {started.Elapsed.TotalSeconds:F1} s");

var table = new Table()
    .AddColumn("variant")
    .AddColumn(new TableColumn("final training loss").RightAligned())
    .AddColumn(new TableColumn("lowest test loss (epoch)").RightAligned())
    .AddColumn(new TableColumn("final test loss").RightAligned())
    .AddColumn(new TableColumn("test accuracy").RightAligned());
foreach (var v in result.Variants)
    table.AddRow(Markup.Escape(v.Name), v.FinalTrainingLoss.ToString("F4"), $"{v.MinTestLoss:F4} ({v.MinTestLossEpoch})",
                 v.FinalTestLoss.ToString("F4"), v.TestAccuracy.ToString("P1"));
AnsiConsole.Write(table);
AnsiConsole.MarkupLine("Training loss is measured after the last epoch in inference mode (no units dropped).");

var plain = result.Plain;
AnsiConsole.MarkupLine(plain.FinalTestLoss > plain.MinTestLoss
    ? $"Without regularisation the test loss rose from {plain.MinTestLoss:F4} (epoch {plain.MinTestLossEpoch}) to {plain.FinalTestLoss:F4} " +
      $"while the training loss fell to {plain.FinalTrainingLoss:F4}: it memorised the training set (overfitting)."
    : $"Without regularisation the test loss did not rise this time (lowest {plain.MinTestLoss:F4} at the last epoch).");
var best = result.Best;
AnsiConsole.MarkupLine($"[bold]Generalises best: {Markup.Escape(best.Name)}[/] (lowest final test loss, {best.FinalTestLoss:F4}; " +
                       $"test accuracy {best.TestAccuracy:P1}).");
foreach (var v in result.Variants.Where(v => v != plain))
    AnsiConsole.MarkupLine($"{Markup.Escape(v.Name)}: final test loss {v.FinalTestLoss:F4} vs {plain.FinalTestLoss:F4} unregularised " +
                           $"({(v.FinalTestLoss < plain.FinalTestLoss ? "lower" : "not lower")}), test accuracy {v.TestAccuracy:P1} vs {plain.TestAccuracy:P1}.");
AnsiConsole.MarkupLine($"test-loss curves: {result.PlotPath}");
return result.Dropout.FinalTestLoss < plain.FinalTestLoss ? 0 : 1;
