using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralNet.Data;
using NeuralNet.Samples;

namespace MLNetPipeline;

/// <summary>A digit as a user's class would hold it: 64 pixels and the digit as text.</summary>
public sealed class Digit
{
    [VectorType(Digits.Features)] public float[] Features { get; set; } = [];
    public string Label { get; set; } = "";
}

/// <summary>What the digits pipeline predicts for one row.</summary>
public sealed class DigitPrediction
{
    public float[] Score { get; set; } = [];
    public string PredictedLabel { get; set; } = "";
}

/// <summary>The two public tabular sets the sample trains on, as ML.NET data views with "Features" and "Label".</summary>
public static class Datasets
{
    /// <summary>The committed digits (data/digits.csv.gz, gzip'd, so through LoadFromEnumerable).</summary>
    public static Digit[] DigitRows()
    {
        LabeledData digits = Digits.Load(SamplePaths.Digits);
        return Enumerable.Range(0, digits.Count)
            .Select(i => new Digit { Features = digits.Inputs.Row(i).ToArray(), Label = digits.Labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture) })
            .ToArray();
    }

    /// <summary>The Breast Cancer Wisconsin (Diagnostic) set (data/breast-cancer.csv, scripts/make-breast-cancer.py), through LoadFromTextFile.</summary>
    public static IDataView BreastCancer(MLContext ml) =>
        ml.Data.LoadFromTextFile(Path.Combine(SamplePaths.Root, "data", "breast-cancer.csv"),
        [
            new TextLoader.Column("Features", DataKind.Single, 0, 29),
            new TextLoader.Column("Label", DataKind.Single, 30),
        ], separatorChar: ',', hasHeader: true);
}
