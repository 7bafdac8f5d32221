using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralNet.MLNet;

namespace MLNetPipeline;

/// <summary>
/// Our trainer against ML.NET's own in one pipeline each (normalise, prepare the label, train), on the same split:
/// held-out metrics and the time of the second of two identical fits, so that neither JIT compilation nor tiering-up
/// (which a short warm-up does not finish) is counted.
/// </summary>
public static class Comparison
{
    private const string Ours = "NeuralNet.MLNet Mlp (100 ReLU, Adam, 50 epochs)";
    private static readonly MlpTrainerOptions OurOptions = new() { Epochs = 50, Seed = 1 };

    private static readonly (string Name, Func<MLContext, IEstimator<ITransformer>> Make)[] Multiclass =
    [
        (Ours, ml => ml.MulticlassClassification.Trainers.Mlp(OurOptions)),
        ("LightGbm (defaults)", ml => ml.MulticlassClassification.Trainers.LightGbm()),
        ("SdcaMaximumEntropy (defaults)", ml => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()),
        ("LbfgsMaximumEntropy (defaults)", ml => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()),
    ];

    private static readonly (string Name, Func<MLContext, IEstimator<ITransformer>> Make)[] Binary =
    [
        (Ours, ml => ml.BinaryClassification.Trainers.Mlp(OurOptions)),
        ("LightGbm (defaults)", ml => ml.BinaryClassification.Trainers.LightGbm()),
        ("SdcaLogisticRegression (defaults)", ml => ml.BinaryClassification.Trainers.SdcaLogisticRegression()),
        ("LbfgsLogisticRegression (defaults)", ml => ml.BinaryClassification.Trainers.LbfgsLogisticRegression()),
    ];

    public static void Run()
    {
        var ml = new MLContext(seed: 1);
        Console.WriteLine($"One run each, {Environment.ProcessorCount} cores; test fraction 0.2, split seed 1.");
        Console.WriteLine();
        Console.WriteLine("| data set | multiclass trainer | micro-accuracy | macro-accuracy | log-loss | training time |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");
        Func<MLContext, IEstimator<ITransformer>> keyed = c => c.Transforms.Conversion.MapValueToKey("Label");
        Table("digits (1,797 × 64, 10 classes)", ml, ml.Data.LoadFromEnumerable(Datasets.DigitRows()), Multiclass, keyed, MulticlassCells);
        Table("breast cancer (569 × 30, 2 classes)", ml, Datasets.BreastCancer(ml), Multiclass, keyed, MulticlassCells);
        Console.WriteLine();
        Console.WriteLine("| data set | binary trainer | accuracy | AUC | log-loss | training time |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");
        Table("breast cancer (benign = true)", ml, Datasets.BreastCancer(ml), Binary,
              c => c.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.Boolean), BinaryCells);
    }

    private static string MulticlassCells(MLContext ml, IDataView scored)
    {
        MulticlassClassificationMetrics m = ml.MulticlassClassification.Evaluate(scored);
        return $"{m.MicroAccuracy:P2} | {m.MacroAccuracy:P2} | {m.LogLoss:F4}";
    }

    private static string BinaryCells(MLContext ml, IDataView scored)
    {
        CalibratedBinaryClassificationMetrics m = ml.BinaryClassification.Evaluate(scored);
        return $"{m.Accuracy:P2} | {m.AreaUnderRocCurve:F4} | {m.LogLoss:F4}";
    }

    private static void Table(string name, MLContext ml, IDataView data, (string Name, Func<MLContext, IEstimator<ITransformer>> Make)[] trainers,
                              Func<MLContext, IEstimator<ITransformer>> label, Func<MLContext, IDataView, string> cells)
    {
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        foreach ((string trainer, Func<MLContext, IEstimator<ITransformer>> make) in trainers)
        {
            IEstimator<ITransformer> pipeline = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false).Append(label(ml)).Append(make(ml));
            pipeline.Fit(split.TrainSet);
            var clock = Stopwatch.StartNew();
            ITransformer model = pipeline.Fit(split.TrainSet);
            clock.Stop();
            Console.WriteLine($"| {name} | {trainer} | {cells(ml, model.Transform(split.TestSet))} | {clock.Elapsed.TotalMilliseconds:F0} ms |");
        }
    }
}
