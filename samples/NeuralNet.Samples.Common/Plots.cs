namespace NeuralNet.Samples;

/// <summary>PNG line plots of training curves (ScottPlot on SkiaSharp).</summary>
public static class Plots
{
    /// <summary>One named curve: y against x.</summary>
    public sealed record Series(string Label, double[] X, double[] Y);

    /// <summary>
    /// Writes the curves to a PNG and returns its path; <paramref name="yRange"/> fixes the y axis (else it fits the data).
    /// <paramref name="rightAxis"/>, if given, is drawn dashed against its own y axis on the right, labelled with its name
    /// (a learning rate beside a loss).
    /// </summary>
    public static string SaveLines(string path, string title, string xLabel, string yLabel, IEnumerable<Series> series, bool logY = false,
                                   (double Min, double Max)? yRange = null, Series? rightAxis = null)
    {
        var plot = new ScottPlot.Plot();
        foreach (Series s in series)
        {
            double[] y = logY ? s.Y.Select(v => Math.Log10(Math.Max(v, 1e-12))).ToArray() : s.Y;
            var line = plot.Add.Scatter(s.X, y);
            line.LegendText = s.Label;
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        if (rightAxis is not null)
        {
            var line = plot.Add.Scatter(rightAxis.X, rightAxis.Y);
            line.LegendText = rightAxis.Label;
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LinePattern = ScottPlot.LinePattern.Dashed;
            line.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = rightAxis.Label;
            plot.Legend.Alignment = ScottPlot.Alignment.MiddleRight; // a schedule's curve tends to end low on the right
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? $"log10 {yLabel}" : yLabel);
        if (yRange is { } range) plot.Axes.SetLimitsY(range.Min, range.Max);
        plot.ShowLegend();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 800, 480);
        return path;
    }

    /// <summary>The epochs 1 … n as x values.</summary>
    public static double[] Epochs(int count) => Enumerable.Range(1, count).Select(e => (double)e).ToArray();
}
