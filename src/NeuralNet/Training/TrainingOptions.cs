using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Training;

/// <summary>How <see cref="Mlp.Fit"/> trains: epochs, mini-batches, shuffling, validation, early stopping and schedule.</summary>
/// <example>
/// <code>
/// var options = new TrainingOptions
/// {
///     Epochs = 50, BatchSize = 32, Seed = 1,
///     ValidationInputs = xValid, ValidationTargets = yValid,
///     EarlyStoppingPatience = 5,
///     LearningRateSchedule = new StepDecay(stepSize: 20, gamma: 0.1f),
/// };
/// </code>
/// </example>
public sealed class TrainingOptions
{
    /// <summary>Passes over the training data; at least 1.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per mini-batch; at least 1. The last batch of an epoch may be shorter.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Whether to visit the samples in a new random order every epoch.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffling; the same seed, data and model give bit-identical weights. Random when null.</summary>
    public int? Seed { get; init; }

    /// <summary>Validation inputs, one sample per row, evaluated after every epoch. Needs <see cref="ValidationTargets"/>.</summary>
    public Matrix<float>? ValidationInputs { get; init; }

    /// <summary>Validation targets, in the same form as the training targets. Needs <see cref="ValidationInputs"/>.</summary>
    public Matrix<float>? ValidationTargets { get; init; }

    /// <summary>
    /// Early stopping: stop after this many epochs without the validation loss improving on its best by more than
    /// <see cref="EarlyStoppingMinDelta"/>. Null (the default) trains every epoch. Needs validation data.
    /// </summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>The least decrease of the validation loss that counts as an improvement; at least 0.</summary>
    public float EarlyStoppingMinDelta { get; init; }

    /// <summary>With early stopping, whether the model ends with the weights of its best validation epoch (the default).</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>
    /// Sets the optimizer's learning rate before every epoch; the optimizer must implement
    /// <see cref="Optimizers.ILearningRateOptimizer"/>. Null keeps the rate fixed.
    /// </summary>
    public ILearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>
    /// The metric reported on the validation data after each epoch (<see cref="EpochResult.ValidationMetric"/>). Null (the
    /// default) takes the loss's <see cref="Losses.ILoss.DefaultMetric"/>: accuracy for cross-entropy losses, none for
    /// regression losses.
    /// </summary>
    public IMetric? Metric { get; init; }

    /// <summary>
    /// One weight per training row (finite, at least 0, not all 0): a batch's loss is Σₙ wₙLₙ / Σₙ wₙ, so a weight of 2
    /// trains exactly like the row appearing twice in the batch, and 0 like its absence (a batch whose rows all weigh 0 is
    /// skipped). <see cref="EpochResult.TrainingLoss"/> is the weighted mean; the validation loss is not weighted. Null
    /// (the default) weighs every row 1.
    /// </summary>
    public IReadOnlyList<float>? SampleWeights { get; init; }

    internal bool HasValidation => ValidationInputs is not null;

    /// <summary>Rejects inconsistent options, naming the option and its value.</summary>
    internal void Validate(int rows, int inputColumns, int targetColumns)
    {
        if (SampleWeights is { } weights)
        {
            if (weights.Count != rows)
                throw new ArgumentException(
                    $"{nameof(SampleWeights)} has {weights.Count} weights but the training set has {rows} rows; give one per row.", nameof(SampleWeights));
            Losses.Weights.Require([.. weights], nameof(SampleWeights), someNonZero: true);
        }
        if (Epochs < 1)
            throw new ArgumentException($"{nameof(Epochs)} must be at least 1, but was {Epochs}.", nameof(Epochs));
        if (BatchSize < 1)
            throw new ArgumentException($"{nameof(BatchSize)} must be at least 1, but was {BatchSize}.", nameof(BatchSize));
        if ((ValidationInputs is null) != (ValidationTargets is null))
        {
            (string given, string missing) = ValidationInputs is null
                ? (nameof(ValidationTargets), nameof(ValidationInputs))
                : (nameof(ValidationInputs), nameof(ValidationTargets));
            throw new ArgumentException($"{given} was set but {missing} is null; validation needs both.", missing);
        }
        if (ValidationInputs is not null && ValidationTargets is not null)
        {
            if (ValidationInputs.RowCount == 0)
                throw new ArgumentException($"{nameof(ValidationInputs)} is empty (0 rows).", nameof(ValidationInputs));
            if (ValidationInputs.ColumnCount != inputColumns)
                throw new ArgumentException(
                    $"{nameof(ValidationInputs)} has {ValidationInputs.ColumnCount} columns but the training inputs have {inputColumns}.", nameof(ValidationInputs));
            if (ValidationTargets.ColumnCount != targetColumns)
                throw new ArgumentException(
                    $"{nameof(ValidationTargets)} has {ValidationTargets.ColumnCount} columns but the training targets have {targetColumns}.", nameof(ValidationTargets));
            if (ValidationTargets.RowCount != ValidationInputs.RowCount)
                throw new ArgumentException(
                    $"{nameof(ValidationTargets)} has {ValidationTargets.RowCount} rows but {nameof(ValidationInputs)} has {ValidationInputs.RowCount}.", nameof(ValidationTargets));
        }
        if (EarlyStoppingPatience is { } patience)
        {
            if (patience < 1)
                throw new ArgumentException($"{nameof(EarlyStoppingPatience)} must be at least 1 epoch, but was {patience}.", nameof(EarlyStoppingPatience));
            if (!HasValidation)
                throw new ArgumentException(
                    $"{nameof(EarlyStoppingPatience)} is {patience} but there is no validation data to watch; set {nameof(ValidationInputs)} and {nameof(ValidationTargets)}.",
                    nameof(EarlyStoppingPatience));
        }
        if (!(EarlyStoppingMinDelta >= 0f) || !float.IsFinite(EarlyStoppingMinDelta))
            throw new ArgumentException($"{nameof(EarlyStoppingMinDelta)} must be at least 0 and finite, but was {EarlyStoppingMinDelta}.", nameof(EarlyStoppingMinDelta));
    }
}
