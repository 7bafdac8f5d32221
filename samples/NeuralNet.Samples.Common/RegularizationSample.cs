using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Samples;

/// <summary>
/// What Dropout and LayerNorm are for: a wide network (64 → 512 → 512 → 10) trained on a few hundred digits memorises
/// them (training loss → 0) while its test loss climbs; the same network with Dropout after each hidden layer, and with
/// LayerNorm after each hidden Dense, trained the same way from the same initial weights.
/// </summary>
public static class RegularizationSample
{
    /// <summary>The sample's budget and where it writes.</summary>
    public sealed record Options
    {
        /// <summary>Epochs for each variant (no early stopping: the point is what happens late).</summary>
        public int Epochs { get; init; } = 80;
        /// <summary>Training samples drawn from the training part; few, so the wide network can memorise them.</summary>
        public int TrainCount { get; init; } = 300;
        /// <summary>Units in each of the two hidden layers.</summary>
        public int Hidden { get; init; } = 512;
        /// <summary>Dropout's probability of zeroing a hidden unit (after each hidden ReLU).</summary>
        public float DropoutProbability { get; init; } = 0.5f;
        /// <summary>
        /// Dropout's probability of zeroing an input pixel; 0 for no input dropout. With Dropout on the hidden layers alone the
        /// network still memorises the 300 digits and, Adam pushing on with the noisy gradients, ends with a higher test loss
        /// than the plain one; dropping a fifth of the pixels as well (Srivastava et al., 2014, on MNIST) keeps it from that.
        /// </summary>
        public float InputDropoutProbability { get; init; } = 0.2f;
        /// <summary>Adam's learning rate.</summary>
        public float LearningRate { get; init; } = 1e-3f;
        /// <summary>Seed of the split, the subset, the weights, the dropout masks and the shuffling.</summary>
        public int Seed { get; init; } = 1;
        /// <summary>Where the plot goes; null for <see cref="SamplePaths.Output"/>.</summary>
        public string? OutputDirectory { get; init; }
    }

    /// <summary>One variant's run.</summary>
    /// <param name="Name">The variant.</param>
    /// <param name="TrainingLoss">Mean training loss of each epoch, as the batches saw it (Dropout active).</param>
    /// <param name="TestLoss">Test loss after each epoch (inference: no dropout).</param>
    /// <param name="FinalTrainingLoss">Loss on the whole training subset after the last epoch, in inference mode.</param>
    /// <param name="TestAccuracy">Test accuracy after the last epoch.</param>
    public sealed record Variant(string Name, float[] TrainingLoss, float[] TestLoss, float FinalTrainingLoss, float TestAccuracy)
    {
        /// <summary>The lowest test loss of any epoch.</summary>
        public float MinTestLoss => TestLoss.Min();
        /// <summary>The epoch (1-based) of the lowest test loss.</summary>
        public int MinTestLossEpoch => Array.IndexOf(TestLoss, MinTestLoss) + 1;
        /// <summary>The test loss after the last epoch.</summary>
        public float FinalTestLoss => TestLoss[^1];
    }

    /// <summary>The three runs and the plot of their test losses.</summary>
    /// <param name="Plain">No regularisation.</param>
    /// <param name="Dropout">Dropout on the inputs and after each hidden ReLU.</param>
    /// <param name="LayerNorm">LayerNorm after each hidden Dense (before its ReLU).</param>
    /// <param name="TrainCount">Training samples used.</param>
    /// <param name="TestCount">Test samples.</param>
    /// <param name="PlotPath">The PNG with the three test-loss curves.</param>
    public sealed record Result(Variant Plain, Variant Dropout, Variant LayerNorm, int TrainCount, int TestCount, string PlotPath)
    {
        /// <summary>The three variants in the order they were trained.</summary>
        public IReadOnlyList<Variant> Variants => [Plain, Dropout, LayerNorm];

        /// <summary>The variant that generalises best: the lowest test loss after the last epoch.</summary>
        public Variant Best => Variants.MinBy(v => v.FinalTestLoss)!;
    }

    /// <summary>
    /// Loads and splits the digits (80% / 20%, as <see cref="DigitsSample"/>), keeps <see cref="Options.TrainCount"/>
    /// training samples, standardises on them, trains each variant with Adam (no weight decay) and plots the test losses.
    /// The test loss is only watched: nothing is chosen by it during training.
    /// </summary>
    public static Result Run(Options options, IProgress<EpochResult>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        LabeledData all = Digits.Load(SamplePaths.Digits);
        var (trainAll, test) = all.Split(0.2, options.Seed);
        if (options.TrainCount < 1 || options.TrainCount > trainAll.Count)
            throw new ArgumentOutOfRangeException(nameof(options), options.TrainCount,
                $"TrainCount must lie in [1, {trainAll.Count}] but was {options.TrainCount}.");
        int[] order = Enumerable.Range(0, trainAll.Count).ToArray();
        new Random(options.Seed).Shuffle(order);
        LabeledData train = trainAll.Take(order[..options.TrainCount]);

        var scaler = StandardScaler.Fit(train.Inputs); // fitted on the training subset only
        var trainInputs = scaler.Transform(train.Inputs);
        var trainTargets = train.OneHotTargets();
        var testInputs = scaler.Transform(test.Inputs);
        var testTargets = test.OneHotTargets();
        int h = options.Hidden, seed = options.Seed;

        // The same seeds in every variant: the Dense layers start from the same weights (He for the hidden ones,
        // named so that LayerNorm between Dense and ReLU does not change the choice), so only the extra layers differ.
        Dense Hidden1() => new(Digits.Features, h, WeightInitialization.He, seed);
        Dense Hidden2() => new(h, h, WeightInitialization.He, seed + 1);
        Dense Output() => new(h, all.Classes, WeightInitialization.Glorot, seed + 2);

        Variant Train(string name, params ILayer[] layers)
        {
            var model = new Mlp(layers);
            var loss = new CrossEntropyLoss();
            TrainingHistory history = model.Fit(trainInputs, trainTargets, loss, new Adam(learningRate: options.LearningRate), new TrainingOptions
            {
                Epochs = options.Epochs,
                BatchSize = 32,
                Seed = seed,
                ValidationInputs = testInputs,
                ValidationTargets = testTargets,
            }, progress);
            return new Variant(name,
                history.Epochs.Select(e => e.TrainingLoss).ToArray(),
                history.Epochs.Select(e => e.ValidationLoss!.Value).ToArray(),
                loss.Loss(model.Predict(trainInputs), trainTargets),
                Metrics.Accuracy(model.Predict(testInputs), testTargets));
        }

        float p = options.DropoutProbability, pIn = options.InputDropoutProbability;
        ILayer[] inputDropout = pIn > 0 ? [new Dropout(pIn, seed + 5)] : [];
        Variant plain = Train("plain",
            Hidden1(), new ReLU(), Hidden2(), new ReLU(), Output(), new Softmax());
        Variant dropout = Train(pIn > 0 ? $"Dropout {pIn} in, {p} hidden" : $"Dropout {p}",
            [.. inputDropout, Hidden1(), new ReLU(), new Dropout(p, seed + 3), Hidden2(), new ReLU(), new Dropout(p, seed + 4), Output(), new Softmax()]);
        Variant layerNorm = Train("LayerNorm",
            Hidden1(), new LayerNorm(h), new ReLU(), Hidden2(), new LayerNorm(h), new ReLU(), Output(), new Softmax());

        Variant[] variants = [plain, dropout, layerNorm];
        // The first epochs' losses (Dropout's is far higher) would flatten the late rise that the plot is about.
        string output = SamplePaths.EnsureDirectory(options.OutputDirectory);
        string plot = Plots.SaveLines(Path.Combine(output, "regularization-test-loss.png"),
            $"Digits, {train.Count} training samples: 64 → {h} → {h} → 10 ReLU, Adam",
            "epoch", "test cross-entropy",
            variants.Select(v => new Plots.Series(v.Name, Plots.Epochs(v.TestLoss.Length), v.TestLoss.Select(l => (double)l).ToArray())),
            yRange: (0, 2 * variants.Max(v => v.FinalTestLoss)));
        return new Result(plain, dropout, layerNorm, train.Count, test.Count, plot);
    }
}
