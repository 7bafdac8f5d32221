using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Onnx;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Samples;

/// <summary>The main job: a 64 → 512 → 10 ReLU/softmax network on the committed 8 × 8 digits set.</summary>
public static class DigitsSample
{
    /// <summary>The sample's budget and where it writes.</summary>
    public sealed record Options
    {
        /// <summary>At most this many epochs (early stopping may end sooner).</summary>
        public int Epochs { get; init; } = 60;
        /// <summary>Hidden units.</summary>
        public int Hidden { get; init; } = 512;
        /// <summary>Seed of the split, the weights and the shuffling.</summary>
        public int Seed { get; init; } = 1;
        /// <summary>Where the plot and the model go; null for <see cref="SamplePaths.Output"/>.</summary>
        public string? OutputDirectory { get; init; }
    }

    /// <summary>What the run achieved.</summary>
    public sealed record Result(TrainingHistory History, float TestAccuracy, int[,] Confusion, int TrainCount, int TestCount,
                                string ModelPath, string OnnxPath, string PlotPath);

    /// <summary>
    /// Loads, splits (80% train, 20% test), standardises (fitted on the training part), trains, evaluates, plots, saves.
    /// The test set's loss is reported every epoch for the curve only: nothing is chosen by it (no early stopping).
    /// The learning rate warms up linearly over the first twelfth of the epochs, then follows a cosine down towards 0.
    /// </summary>
    public static Result Run(Options options, IProgress<EpochResult>? progress = null)
    {
        LabeledData all = Digits.Load(SamplePaths.Digits);
        var (trainAll, test) = all.Split(0.2, options.Seed);
        var train = trainAll;
        var scaler = StandardScaler.Fit(train.Inputs); // fitted on training data only
        var testInputs = scaler.Transform(test.Inputs);

        var model = new Mlp(new Dense(Digits.Features, options.Hidden, seed: options.Seed), new ReLU(),
                            new Dense(options.Hidden, all.Classes, seed: options.Seed + 1), new Softmax());
        int warmUp = Math.Max(1, options.Epochs / 12);
        var schedule = new LinearWarmup(warmUp, startFactor: 0.1f).Then(new CosineAnnealing(tMax: Math.Max(1, options.Epochs - warmUp)));
        TrainingHistory history = model.Fit(scaler.Transform(train.Inputs), train.OneHotTargets(), new CrossEntropyLoss(),
            new AdamW(learningRate: 2e-3f, weightDecay: 1e-2f), new TrainingOptions
            {
                Epochs = options.Epochs,
                BatchSize = 32,
                Seed = options.Seed,
                ValidationInputs = testInputs,
                ValidationTargets = test.OneHotTargets(),
                LearningRateSchedule = schedule,
            }, progress);

        // Trained: freeze it for serving (its own copy, weights packed once; the same bits as model.Predict).
        MlpPredictor predictor = model.CreatePredictor();
        int[] predicted = Metrics.ArgMax(predictor.Predict(testInputs));
        string output = SamplePaths.EnsureDirectory(options.OutputDirectory);
        double[] epochs = Plots.Epochs(history.Epochs.Count);
        string plot = Plots.SaveLines(Path.Combine(output, "digits-loss.png"), "Digits: 64 → 512 ReLU → 10 softmax, AdamW, warm-up + cosine",
            "epoch", "cross-entropy",
            [
                new("training", epochs, history.Epochs.Select(e => (double)e.TrainingLoss).ToArray()),
                new("test (monitoring only)", epochs, history.Epochs.Select(e => (double)e.ValidationLoss!.Value).ToArray()),
            ],
            rightAxis: new("learning rate", epochs, history.Epochs.Select(e => (double)e.LearningRate!.Value).ToArray()));
        string modelPath = ModelFile.Save(model, Path.Combine(output, "digits.model"));
        // The same model for ONNX Runtime (and anything else that runs ONNX); it expects standardised inputs too.
        string onnxPath = Path.Combine(output, "digits.onnx");
        OnnxExporter.Export(model, onnxPath);
        return new Result(history, Metrics.Accuracy(predicted, test.Labels), Metrics.ConfusionMatrix(test.Labels, predicted, all.Classes),
                          train.Count, test.Count, modelPath, onnxPath, plot);
    }
}
