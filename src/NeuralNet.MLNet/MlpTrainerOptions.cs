using NeuralNet.Training;

namespace NeuralNet.MLNet;

/// <summary>
/// How an <see cref="MlpTrainer"/> builds and trains its network: the columns it reads, the hidden layers, the optimizer,
/// epochs and batches, regularisation, validation and early stopping, the seed, progress and cancellation.
/// </summary>
/// <remarks>
/// The network is Dense(features → h₁), g, [Dropout], …, Dense(hₗ → outputs), then the task's output unit
/// (<see cref="MlpTask"/>). The defaults are scikit-learn's <c>MLPClassifier</c>'s where it has the same thing (one hidden
/// layer of 100 ReLU units, Adam with η = 10⁻³), with batches of 32.
/// </remarks>
/// <example>
/// <code>
/// var trainer = mlContext.MulticlassClassification.Trainers.Mlp(new MlpTrainerOptions
/// {
///     HiddenLayers = [128, 64], Epochs = 60, LearningRate = 2e-3f, Dropout = 0.1f,
///     ValidationFraction = 0.1f, EarlyStoppingPatience = 8, Seed = 1,
/// });
/// </code>
/// </example>
public sealed class MlpTrainerOptions
{
    /// <summary>The label column: a key for multiclass, a <see cref="bool"/> for binary, a <see cref="float"/> for regression. "Label" by default.</summary>
    public string LabelColumnName { get; init; } = "Label";

    /// <summary>The feature column: a vector of <see cref="float"/> of known size. "Features" by default.</summary>
    public string FeatureColumnName { get; init; } = "Features";

    /// <summary>The width of each hidden layer, from input to output; each at least 1. Empty for none (a linear model). [100] by default.</summary>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [100];

    /// <summary>The hidden units' activation. <see cref="MlpActivation.ReLU"/> by default.</summary>
    public MlpActivation Activation { get; init; } = MlpActivation.ReLU;

    /// <summary>Passes over the training rows; at least 1. 100 by default.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Rows per mini-batch; at least 1. 32 by default.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The optimizer. <see cref="MlpOptimizer.Adam"/> by default.</summary>
    public MlpOptimizer Optimizer { get; init; } = MlpOptimizer.Adam;

    /// <summary>η, greater than 0 and finite. 10⁻³ by default (Adam's).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>μ for <see cref="MlpOptimizer.Sgd"/> and <see cref="MlpOptimizer.RmsProp"/>, in [0, 1); ignored by the others. 0.9 by default.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>λ, the weight decay of the weights (not the biases), at least 0; coupled (L2) except with <see cref="MlpOptimizer.AdamW"/>. 0 by default.</summary>
    public float WeightDecay { get; init; }

    /// <summary>p, the probability of dropping a hidden unit in training (a <see cref="Layers.Dropout"/> after each hidden activation), in [0, 1). 0 (none) by default.</summary>
    public float Dropout { get; init; }

    /// <summary>
    /// The seed of the initial weights, the dropout masks, the validation split and the shuffling: the same seed, data and
    /// thread count give bit-identical models and scores. 0 by default, so a pipeline is reproducible unless you set another.
    /// </summary>
    /// <remarks>
    /// ML.NET does not let a trainer outside its own assemblies read the <see cref="Microsoft.ML.MLContext"/>'s seed (the
    /// catalog's environment is internal), so the seed is this option, not <c>new MLContext(seed: n)</c>'s.
    /// </remarks>
    public int Seed { get; init; }

    /// <summary>
    /// The fraction of the training rows held out (chosen by <see cref="Seed"/>) to report a validation loss and metric after
    /// every epoch and to drive early stopping, in [0, 1). 0 (all rows train) by default.
    /// </summary>
    public float ValidationFraction { get; init; }

    /// <summary>
    /// Early stopping: stop once the validation loss has not improved for this many epochs, and keep the weights of the best
    /// epoch. Needs <see cref="ValidationFraction"/> &gt; 0. Null (the default) trains every epoch.
    /// </summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Receives one <see cref="EpochResult"/> after every epoch, on the training thread. Null by default.</summary>
    public IProgress<EpochResult>? Progress { get; init; }

    /// <summary>Code of yours run after each batch and epoch (<see cref="ITrainingCallback"/>), which can stop training. Empty by default.</summary>
    public IReadOnlyList<ITrainingCallback> Callbacks { get; init; } = [];

    /// <summary>Checked between batches: cancelling ends <see cref="MlpTrainer.Fit"/> with an <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }
}
