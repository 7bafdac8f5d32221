// Lbfgs: full-batch L-BFGS against mini-batch Adam at its best learning rate on the committed 8 × 8 digits, in one run:
// epochs, loss evaluations, wall time and test accuracy of each, and the share of an L-BFGS step spent evaluating the loss.
using NeuralNet.Samples;
using Spectre.Console;

var options = new LbfgsSample.Options();
AnsiConsole.MarkupLine("[bold]L-BFGS vs Adam[/] on the digits: 64 → 128 tanh → 10 softmax, the same split and initial weights, λ = 1e-3 for both.");
int epochs = 6 + options.AdamEpochs * (options.AdamRates.Count + 1) + options.LbfgsEpochs;
var result = SampleConsole.Train("training", epochs, progress => LbfgsSample.Run(options, progress));

static Table Runs(string title, string accuracy, IEnumerable<LbfgsSample.OptimizerRun> runs)
{
    var table = new Table().Title(title);
    foreach (string column in new[] { "optimizer", "epochs", "loss evaluations", "wall time", "training loss", accuracy }) table.AddColumn(column);
    foreach (var run in runs)
        table.AddRow(Markup.Escape(run.Name), $"{run.Epochs}", $"{run.LossEvaluations:N0}", $"{run.Seconds:F2} s", $"{run.TrainingLoss:F4}", $"{run.Accuracy:P2}");
    return table;
}

AnsiConsole.Write(Runs("Adam's learning rate, chosen on a validation fifth of the training set", "validation accuracy", result.AdamSweep));
AnsiConsole.Write(Runs($"trained on all {result.TrainCount} training digits, tested on {result.TestCount}", "test accuracy", [result.Lbfgs, result.Adam]));
AnsiConsole.MarkupLine($"a warm L-BFGS step spends {result.ClosureShare:P1} of its time in the closure (the loss and gradient evaluations)");
AnsiConsole.MarkupLine("loss evaluations: L-BFGS's closure calls, each over the whole training set; Adam's epochs, each one pass over it in batches of 32");
return result.Lbfgs.Accuracy >= 0.97f ? 0 : 1;
