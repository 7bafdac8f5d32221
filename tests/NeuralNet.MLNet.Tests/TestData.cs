using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralNet.Data;

namespace NeuralNet.MLNet.Tests;

/// <summary>A digit: 64 pixels and its label as text, as a user's data class would hold them.</summary>
public sealed class DigitRow
{
    [VectorType(64)] public float[] Features { get; set; } = [];
    public string Label { get; set; } = "";
}

/// <summary>A point of a two-feature problem, with a Boolean and a real label.</summary>
public sealed class PointRow
{
    [VectorType(2)] public float[] Features { get; set; } = [];
    public bool Inside { get; set; }
    public float Value { get; set; }
}

/// <summary>What PredictionEngine writes for a multiclass pipeline ending in MapKeyToValue.</summary>
public sealed class DigitPrediction
{
    public float[] Score { get; set; } = [];
    public string PredictedLabel { get; set; } = "";
}

public sealed class BinaryPrediction
{
    public float Score { get; set; }
    public float Probability { get; set; }
    public bool PredictedLabel { get; set; }
}

public sealed class RegressionPrediction
{
    public float Score { get; set; }
}

internal static class TestData
{
    private static readonly Lazy<DigitRow[]> s_digits = new(() =>
    {
        LabeledData digits = NeuralNet.Data.Digits.Load(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"));
        return Enumerable.Range(0, digits.Count)
            .Select(i => new DigitRow { Features = digits.Inputs.Row(i).ToArray(), Label = digits.Labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture) })
            .ToArray();
    });

    /// <summary>The committed digits set, 1,797 rows.</summary>
    public static DigitRow[] Digits => s_digits.Value;

    /// <summary>
    /// n points uniform in [−2, 2]²: Inside = inside the circle of radius 1.2 (no linear model separates it), and Value =
    /// sin(x₀)·cos(x₁) · 50 + 300 (a smooth function, far from the unit scale, as real labels are).
    /// </summary>
    public static PointRow[] Points(int n, int seed)
    {
        var random = new Random(seed);
        var rows = new PointRow[n];
        for (int i = 0; i < n; i++)
        {
            float x0 = (float)(random.NextDouble() * 4 - 2), x1 = (float)(random.NextDouble() * 4 - 2);
            rows[i] = new PointRow
            {
                Features = [x0, x1],
                Inside = x0 * x0 + x1 * x1 < 1.44f,
                Value = (float)(Math.Sin(x0) * Math.Cos(x1) * 50 + 300),
            };
        }
        return rows;
    }

    /// <summary>The test's pipeline for digits: normalise, key the label, the trainer, and the key back to the label.</summary>
    public static IEstimator<ITransformer> DigitsPipeline(MLContext ml, MlpTrainerOptions options) =>
        ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.Mlp(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

    /// <summary>Options that train digits in well under a second.</summary>
    public static MlpTrainerOptions FastDigits(int seed = 1) => new() { HiddenLayers = [128], Epochs = 40, LearningRate = 1e-3f, Seed = seed };

    /// <summary>The MlpTransformer inside a fitted chain.</summary>
    public static MlpTransformer Mlp(ITransformer model) =>
        ((IEnumerable<ITransformer>)model).OfType<MlpTransformer>().Single();

    /// <summary>One column of a data view, read with ML.NET's own cursor.</summary>
    public static T[] Column<T>(IDataView data, string name) => data.GetColumn<T>(name).ToArray();
}
