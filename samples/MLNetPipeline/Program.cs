// MLNetPipeline: NeuralNet's MLP as a trainer in an ML.NET pipeline (package NeuralNet.MLNet).
//   dotnet run --project samples/MLNetPipeline -c Release               the digits pipeline: train, evaluate, predict, save, load
//   dotnet run --project samples/MLNetPipeline -c Release -- --compare  against LightGbm, SdcaMaximumEntropy, LbfgsMaximumEntropy
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetPipeline;
using NeuralNet.MLNet;
using NeuralNet.Samples;
using NeuralNet.Training;

if (args.Contains("--compare"))
{
    Comparison.Run();
    return 0;
}

var ml = new MLContext(seed: 1);
IDataView data = ml.Data.LoadFromEnumerable(Datasets.DigitRows());
DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);

var pipeline = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
    .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
    .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpTrainerOptions
    {
        HiddenLayers = [128], Epochs = 40, Seed = 1,
        Progress = new ProgressPrinter(e => { if (e.Epoch % 10 == 0) Console.WriteLine($"  epoch {e.Epoch,3}: training loss {e.TrainingLoss:F4}"); }),
    }))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

Console.WriteLine("Training 64 → 128 ReLU → 10 softmax on the digits, inside an ML.NET pipeline:");
ITransformer model = pipeline.Fit(split.TrainSet);
MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"held-out: micro-accuracy {metrics.MicroAccuracy:P2}, macro-accuracy {metrics.MacroAccuracy:P2}, log-loss {metrics.LogLoss:F4}");

using (var engine = ml.Model.CreatePredictionEngine<Digit, DigitPrediction>(model))
{
    Digit first = ml.Data.CreateEnumerable<Digit>(split.TestSet, reuseRowObject: false).First();
    DigitPrediction prediction = engine.Predict(first);
    Console.WriteLine($"PredictionEngine: a '{first.Label}' is predicted '{prediction.PredictedLabel}' with probability {prediction.Score.Max():P1}");
}

// ML.NET's model file cannot hold the MLP: save the parts, the MLP in its own file.
ITransformer[] parts = ((IEnumerable<ITransformer>)model).ToArray();
var mlp = (MlpTransformer)parts[2];
string folder = SamplePaths.EnsureDirectory(null);
try
{
    ml.Model.Save(model, split.TrainSet.Schema, Path.Combine(folder, "digits-pipeline.zip"));
}
catch (NotSupportedException e)
{
    Console.WriteLine($"mlContext.Model.Save of the whole pipeline: {e.Message[..e.Message.IndexOf(':')]}; so, in parts:");
}
var before = new TransformerChain<ITransformer>(parts[..2]);
string beforePath = Path.Combine(folder, "digits-before.zip"), mlpPath = Path.Combine(folder, "digits.mlp"), afterPath = Path.Combine(folder, "digits-after.zip");
ml.Model.Save(before, split.TrainSet.Schema, beforePath);
mlp.Save(mlpPath);
ml.Model.Save(parts[3], mlp.GetOutputSchema(before.GetOutputSchema(split.TrainSet.Schema)), afterPath);
var reloaded = new TransformerChain<ITransformer>(ml.Model.Load(beforePath, out _), MlpTransformer.Load(mlpPath), ml.Model.Load(afterPath, out _));
double again = ml.MulticlassClassification.Evaluate(reloaded.Transform(split.TestSet)).MicroAccuracy;
Console.WriteLine($"saved {beforePath}, {mlpPath}, {afterPath}; reloaded micro-accuracy {again:P2}");
Console.WriteLine($"the trained network: {mlp.Model} (save it with Mlp.Save, export it with NeuralNet.Onnx)");
return metrics.MicroAccuracy >= 0.97 && again == metrics.MicroAccuracy ? 0 : 1;

/// <summary>Prints progress on the training thread (System.Progress would post it to the thread pool).</summary>
internal sealed class ProgressPrinter(Action<EpochResult> print) : IProgress<EpochResult>
{
    public void Report(EpochResult value) => print(value);
}
