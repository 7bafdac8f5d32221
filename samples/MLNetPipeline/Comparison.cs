using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralNet.MLNet;

namespace MLNetPipeline;

/// <summary>
/// Our trainer against ML.NET's own multiclass trainers in one pipeline each (normalise, key the label, train), on the
/// same split: held-out accuracy and the time of one Fit, after a warm-up fit on a few rows so that JIT time is not counted.
/// </summary>
public static class Comparison
{
    private static readonly (string Name, Func<MLContext, IEstimator<ITransformer>> Make)[] Trainers =
    [
        ("NeuralNet.MLNet Mlp (100 ReLU, Adam, 50 epochs)", ml => ml.MulticlassClassification.Trainers.Mlp(new MlpTrainerOptions { Epochs = 50, Seed = 1 })),
        ("LightGbm (defaults)", ml => ml.MulticlassClassification.Trainers.LightGbm()),
        ("SdcaMaximumEntropy (defaults)", ml => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()),
        ("LbfgsMaximumEntropy (defaults)", ml => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()),
    ];

    public static void Run()
    {
        Console.WriteLine($"One run each, {Environment.ProcessorCount} cores; test fraction 0.2, split seed 1.");
        Console.WriteLine();
        Console.WriteLine("| data set | trainer | micro-accuracy | macro-accuracy | log-loss | training time |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");
        var ml = new MLContext(seed: 1);
        Table("digits (1,797 × 64, 10 classes)", ml, ml.Data.LoadFromEnumerable(Datasets.DigitRows()));
        Table("breast cancer (569 × 30, 2 classes)", ml, Datasets.BreastCancer(ml));
    }

    private static void Table(string name, MLContext ml, IDataView data)
    {
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        IDataView warmUp = ml.Data.TakeRows(split.TrainSet, 50);
        foreach ((string trainer, Func<MLContext, IEstimator<ITransformer>> make) in Trainers)
        {
            IEstimator<ITransformer> pipeline = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
                .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                .Append(make(ml));
            pipeline.Fit(warmUp);
            var clock = Stopwatch.StartNew();
            ITransformer model = pipeline.Fit(split.TrainSet);
            clock.Stop();
            MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
            Console.WriteLine($"| {name} | {trainer} | {metrics.MicroAccuracy:P2} | {metrics.MacroAccuracy:P2} | {metrics.LogLoss:F4} | {clock.Elapsed.TotalMilliseconds:F0} ms |");
        }
    }
}
