// Lbfgs: full-batch L-BFGS against mini-batch Adam (a learning-rate sweep) on the committed 8 × 8 digits, in one run:
// epochs, loss evaluations, wall time and accuracy of each, and the share of an L-BFGS step spent evaluating the loss.
using NeuralNet.Samples;
using Spectre.Console;

var options = new LbfgsSample.Options();
AnsiConsole.MarkupLine("[bold]L-BFGS vs Adam[/] on the digits: 64 → 128 tanh → 10 softmax, the same split and initial weights.");
int epochs = options.LbfgsEpochs + options.AdamEpochs * options.AdamRates.Count;
var result = SampleConsole.Train("training", epochs, progress => LbfgsSample.Run(options, progress));

var table = new Table().Title($"trained on {result.TrainCount} digits, tested on {result.TestCount}");
foreach (string column in new[] { "optimizer", "epochs", "loss evaluations", "wall time", "training loss", "validation acc.", "test acc." })
    table.AddColumn(column);
foreach (var run in new[] { result.Lbfgs }.Concat(result.Adam))
    table.AddRow(Markup.Escape(run.Name + (run == result.BestAdam ? " (best)" : "")), $"{run.Epochs}", $"{run.LossEvaluations:N0}",
                 $"{run.Seconds:F2} s", $"{run.TrainingLoss:F4}", $"{run.ValidationAccuracy:P2}", $"{run.TestAccuracy:P2}");
AnsiConsole.Write(table);
AnsiConsole.MarkupLine($"an L-BFGS step spends {result.ClosureShare:P1} of its time in the closure (the loss and gradient evaluations)");
AnsiConsole.MarkupLine("(loss evaluations: L-BFGS's closure calls over the full fit set; Adam's epochs, each one pass over it in mini-batches)");
return result.Lbfgs.TestAccuracy >= 0.97f ? 0 : 1;
