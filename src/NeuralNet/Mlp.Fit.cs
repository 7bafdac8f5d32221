using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;
using System.Diagnostics;

namespace NeuralNet;

public sealed partial class Mlp
{
    /// <summary>
    /// Trains the network by mini-batch gradient descent, as Keras's <c>fit</c>: for each epoch, the samples in a
    /// (seeded) random order, cut into batches of <see cref="TrainingOptions.BatchSize"/> (the last may be shorter),
    /// each a <see cref="ComputeGradients"/> and an <see cref="IOptimizer.Step"/>; then validation, early stopping
    /// and the learning-rate schedule. Progress is reported, never printed.
    /// </summary>
    /// <param name="inputs">The training inputs, N × inputs, finite.</param>
    /// <param name="targets">The training targets, N × outputs (one-hot for cross-entropy).</param>
    /// <param name="loss">The loss to minimise; paired with a softmax or sigmoid output it is fused.</param>
    /// <param name="optimizer">Updates the parameters; it keeps its state (momentum, moments) across calls.</param>
    /// <param name="options">Epochs, batch size, shuffling, validation, early stopping, schedule.</param>
    /// <param name="progress">Receives one <see cref="EpochResult"/> after every epoch, on the training thread.</param>
    /// <param name="cancellationToken">Checked between batches; cancelling leaves the model with the weights of the last completed step.</param>
    /// <returns>One <see cref="EpochResult"/> per epoch trained.</returns>
    /// <exception cref="ArgumentException">Bad shapes, empty or non-finite data, or inconsistent options (the message names them).</exception>
    /// <exception cref="TrainingDivergedException">
    /// A loss or the weights became NaN or ∞. The model keeps the last weights whose loss was finite (those before the
    /// step that led to the non-finite loss, or before the step that made the weights non-finite).
    /// </exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public TrainingHistory Fit(Matrix<float> inputs, Matrix<float> targets, ILoss loss, IOptimizer optimizer,
                               TrainingOptions options, IProgress<EpochResult>? progress = null,
                               CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        CheckInput(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.RowCount != inputs.RowCount)
            throw new ArgumentException($"The targets have {targets.RowCount} rows but the inputs have {inputs.RowCount}.", nameof(targets));
        if (OutputCount is { } outputs && targets.ColumnCount != outputs)
            throw new ArgumentException($"The targets have {targets.ColumnCount} columns but the network has {outputs} outputs.", nameof(targets));
        options.Validate(inputs.ColumnCount, targets.ColumnCount);
        if (options.ValidationInputs is { } validationInputs) CheckInput(validationInputs);
        var scheduled = optimizer as ILearningRateOptimizer;
        if (options.LearningRateSchedule is not null && scheduled is null)
            throw new ArgumentException(
                $"{nameof(TrainingOptions.LearningRateSchedule)} is {options.LearningRateSchedule} but the optimizer {optimizer.GetType().Name} " +
                $"has no settable learning rate ({nameof(ILearningRateOptimizer)}).", nameof(optimizer));

        var batches = new MiniBatcher(inputs, targets, options.BatchSize, options.Seed ?? Random.Shared.Next());
        var beforeStep = new ParameterSnapshot(_parameters);
        var best = options.EarlyStoppingPatience is null ? null : new ParameterSnapshot(_parameters);
        float initialRate = scheduled?.LearningRate ?? 0f;
        float bestLoss = float.PositiveInfinity;
        int? bestEpoch = null;
        bool stoppedEarly = false;
        int stepsTaken = 0;
        var epochs = new List<EpochResult>(options.Epochs);

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            if (options.LearningRateSchedule is { } schedule)
                scheduled!.LearningRate = schedule.LearningRate(epoch - 1, initialRate);
            batches.StartEpoch(options.Shuffle);

            double lossSum = 0;
            for (int b = 0; b < batches.BatchCount; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (x, y) = batches.Batch(b);
                float batchLoss = ComputeGradients(x, y, loss);
                if (!float.IsFinite(batchLoss))
                {
                    // The last step gave finite weights but a non-finite loss: go back to the weights before it,
                    // the last ones whose loss was finite.
                    if (stepsTaken > 0) beforeStep.Restore();
                    throw new TrainingDivergedException(epoch, b + 1, batchLoss, $"the loss is {batchLoss}");
                }
                beforeStep.Take();
                stepsTaken++;
                optimizer.Step(_parameters);
                if (!ParameterSnapshot.AllFinite(_parameters))
                {
                    beforeStep.Restore();
                    throw new TrainingDivergedException(epoch, b + 1, batchLoss, "a step made the weights non-finite (the gradient overflowed)");
                }
                lossSum += (double)batchLoss * x.RowCount;
            }

            var (validationLoss, validationAccuracy) = Evaluate(options, loss);
            var result = new EpochResult(epoch, (float)(lossSum / inputs.RowCount), validationLoss, validationAccuracy, clock.Elapsed)
            {
                LearningRate = scheduled?.LearningRate,
            };
            epochs.Add(result);
            progress?.Report(result);

            if (best is not null && validationLoss is { } current)
            {
                if (current < bestLoss - options.EarlyStoppingMinDelta)
                {
                    bestLoss = current;
                    bestEpoch = epoch;
                    best.Take();
                }
                else if (epoch - (bestEpoch ?? 0) >= options.EarlyStoppingPatience)
                {
                    stoppedEarly = true;
                    break;
                }
            }
        }

        if (best is not null && options.RestoreBestWeights && bestEpoch is { } bestSeen && bestSeen != epochs.Count)
            best.Restore();
        return new TrainingHistory(epochs, options.RestoreBestWeights ? bestEpoch : null, stoppedEarly);
    }

    /// <summary>The loss and (for a classification loss) the accuracy on the validation data, or nulls without it.</summary>
    private (float? Loss, float? Accuracy) Evaluate(TrainingOptions options, ILoss loss)
    {
        if (options.ValidationInputs is not { } x || options.ValidationTargets is not { } y) return (null, null);
        Matrix<float> prediction = Predict(x);
        float value = loss.Loss(prediction, y);
        float? accuracy = loss is CrossEntropyLoss or BinaryCrossEntropyLoss ? Metrics.Accuracy(prediction, y) : null;
        return (value, accuracy);
    }
}
