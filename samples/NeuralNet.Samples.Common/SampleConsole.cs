using NeuralNet.Training;
using Spectre.Console;

namespace NeuralNet.Samples;

/// <summary>The console side of the samples: a progress bar fed by <see cref="Mlp.Fit"/>'s epoch reports, and tables.</summary>
public static class SampleConsole
{
    /// <summary>Runs <paramref name="train"/> under a progress bar of <paramref name="epochs"/> steps, one per epoch reported.</summary>
    public static T Train<T>(string description, int epochs, Func<IProgress<EpochResult>, T> train)
    {
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(description, maxValue: epochs);
                result = train(new Reporter(r =>
                {
                    task.Increment(1);
                    task.Description = $"{description} [grey]epoch {r.Epoch}: loss {r.TrainingLoss:F4}" +
                        (r.ValidationAccuracy is { } a ? $", held-out accuracy {a:P1}" : "") + "[/]";
                }));
                task.Value = task.MaxValue; // early stopping may end before the last epoch
            });
        return result;
    }

    /// <summary>A confusion matrix as a table: rows the true class, columns the predicted one.</summary>
    public static Table ConfusionTable(int[,] counts)
    {
        int classes = counts.GetLength(0);
        var table = new Table().Title("confusion matrix (row: true, column: predicted)");
        table.AddColumn("");
        for (int p = 0; p < classes; p++) table.AddColumn(new TableColumn(p.ToString()).RightAligned());
        for (int a = 0; a < classes; a++)
        {
            var cells = new List<string> { $"[bold]{a}[/]" };
            for (int p = 0; p < classes; p++)
                cells.Add(counts[a, p] == 0 ? "[grey]·[/]" : a == p ? $"[green]{counts[a, p]}[/]" : $"[red]{counts[a, p]}[/]");
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    /// <summary>An <see cref="IProgress{T}"/> that calls back synchronously, on the training thread.</summary>
    public sealed class Reporter(Action<EpochResult> report) : IProgress<EpochResult>
    {
        /// <inheritdoc/>
        public void Report(EpochResult value) => report(value);
    }
}
