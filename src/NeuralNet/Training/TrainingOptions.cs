using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Training;

/// <summary>
/// How <see cref="Mlp.Fit"/> trains: epochs, mini-batches, shuffling, validation, early stopping, schedule, callbacks and
/// checkpoints.
/// </summary>
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
    /// <remarks>
    /// Shuffled, <see cref="Mlp.Fit"/> keeps a row-major copy of the inputs and targets for the length of the call (as much
    /// memory again as they take), so that a shuffled batch is gathered from contiguous rows rather than from values a
    /// column apart. The copy is rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/> and returned when the call
    /// ends, so a later <see cref="Mlp.Fit"/> on a set of that size reuses its memory, and the pool holds it until it
    /// trims (on memory pressure, or after a while unused).
    /// </remarks>
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
    /// Sets the optimizer's learning rate before every epoch (or batch, by <see cref="ILearningRateSchedule.Unit"/>; a
    /// <see cref="IValidationLossSchedule"/> also sees each epoch's validation loss and needs validation data); the optimizer
    /// must implement <see cref="Optimizers.ILearningRateOptimizer"/>. Null keeps the rate fixed.
    /// </summary>
    public ILearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>
    /// The metric reported on the validation data after each epoch (<see cref="EpochResult.ValidationMetric"/>). Null (the
    /// default) takes the loss's <see cref="Losses.ILoss.DefaultMetric"/>: accuracy for cross-entropy losses, none for
    /// regression losses.
    /// </summary>
    public IMetric? Metric { get; init; }

    /// <summary>
    /// Clips the gradients by their global norm before every step, as PyTorch's <c>clip_grad_norm_(max_norm)</c>: when
    /// the 2-norm ‖g‖ of every parameter's gradient taken together exceeds this, every gradient is scaled by
    /// max/(‖g‖ + 10⁻⁶). Greater than 0 and finite; null (the default) does not clip. See <see cref="GradientClipping.ClipGradNorm"/>.
    /// </summary>
    public float? GradientClipNorm { get; init; }

    /// <summary>
    /// Clamps every gradient value to [−c, c] before every step, as PyTorch's <c>clip_grad_value_(clip_value)</c>; after
    /// <see cref="GradientClipNorm"/> when both are set. Greater than 0 and finite; null (the default) does not clip.
    /// </summary>
    public float? GradientClipValue { get; init; }

    /// <summary>
    /// Code of yours run after each batch and epoch (<see cref="ITrainingCallback"/>), in this order, after the schedule and
    /// early stopping and before the checkpoint. Empty by default.
    /// </summary>
    public IReadOnlyList<ITrainingCallback> Callbacks { get; init; } = [];

    /// <summary>
    /// Writes a checkpoint every <see cref="CheckpointOptions.EveryEpochs"/> epochs, after the last, and on cancellation,
    /// from which <see cref="ResumeFrom"/> continues bit-identically. Null (the default) writes none. Needs one of the
    /// library's optimizers and a model that <see cref="Mlp.Save(string)"/> can save.
    /// </summary>
    public CheckpointOptions? Checkpoint { get; init; }

    /// <summary>
    /// A checkpoint file (<see cref="Checkpoint"/>) to continue from instead of starting afresh. The model, optimizer, data
    /// and options must be built as for the run that wrote it (the seed, when null, is the checkpoint's): the run then
    /// trains the epochs left up to <see cref="Epochs"/>, and ends with the weights, bit for bit, and the full history of
    /// the run that was never interrupted. A checkpoint of a run that had finished trains nothing more.
    /// </summary>
    /// <remarks>
    /// A missing file is a <see cref="FileNotFoundException"/>; a damaged one an <see cref="InvalidDataException"/>; one of
    /// another model an <see cref="InvalidOperationException"/>, and of another optimizer, data or options an
    /// <see cref="ArgumentException"/>, each naming what differs. Only if every check passes are the model's weights replaced.
    /// </remarks>
    public string? ResumeFrom { get; init; }

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
        if (GradientClipNorm is { } maxNorm) Optimizers.HyperParameters.Positive(maxNorm, nameof(GradientClipNorm), nameof(GradientClipNorm));
        if (GradientClipValue is { } clipValue) Optimizers.HyperParameters.Positive(clipValue, nameof(GradientClipValue), nameof(GradientClipValue));
        if (Callbacks is null) throw new ArgumentException($"{nameof(Callbacks)} is null; leave it unset for none.", nameof(Callbacks));
        for (int k = 0; k < Callbacks.Count; k++)
        {
            if (Callbacks[k] is null) throw new ArgumentException($"{nameof(Callbacks)}[{k}] is null.", nameof(Callbacks));
            if (Callbacks[k] is EarlyStopping && !HasValidation)
                throw new ArgumentException(
                    $"{nameof(Callbacks)}[{k}] is {Callbacks[k]}, which watches the validation loss, but there is no validation data; set {nameof(ValidationInputs)} and {nameof(ValidationTargets)}.",
                    nameof(Callbacks));
        }
        if (ResumeFrom is { } resume && string.IsNullOrWhiteSpace(resume))
            throw new ArgumentException($"{nameof(ResumeFrom)} is '{resume}'; give a checkpoint's path, or null to start afresh.", nameof(ResumeFrom));
    }
}
