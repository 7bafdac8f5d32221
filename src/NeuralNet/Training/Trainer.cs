using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using System.Diagnostics;

namespace NeuralNet.Training;

/// <summary>
/// The training loop behind <see cref="Mlp.Fit"/>: epochs of shuffled mini-batches, each a
/// <see cref="Mlp.ComputeGradients"/> and an <see cref="IOptimizer.Step"/>; then validation, early stopping and the
/// learning-rate schedule. The model only runs; this class decides what runs when.
/// </summary>
internal static class Trainer
{
    private const string NonFiniteWeights = "a step made the weights non-finite (the gradient overflowed)";

    internal static TrainingHistory Fit(Mlp model, Matrix<float> inputs, Matrix<float> targets, ILoss loss, IOptimizer optimizer,
                                        TrainingOptions options, IProgress<EpochResult>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        model.CheckInput(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.RowCount != inputs.RowCount)
            throw new ArgumentException($"The targets have {targets.RowCount} rows but the inputs have {inputs.RowCount}.", nameof(targets));
        if (model.OutputCount is { } outputs && targets.ColumnCount != outputs)
            throw new ArgumentException($"The targets have {targets.ColumnCount} columns but the network has {outputs} outputs.", nameof(targets));
        options.Validate(inputs.RowCount, inputs.ColumnCount, targets.ColumnCount);
        if (options.ValidationInputs is { } validationInputs) model.CheckInput(validationInputs);
        var scheduled = optimizer as ILearningRateOptimizer;
        if (options.LearningRateSchedule is not null && scheduled is null)
            throw new ArgumentException(
                $"{nameof(TrainingOptions.LearningRateSchedule)} is {options.LearningRateSchedule} but the optimizer {optimizer.GetType().Name} " +
                $"has no settable learning rate ({nameof(ILearningRateOptimizer)}).", nameof(optimizer));

        IReadOnlyList<Parameter> parameters = model.Parameters;
        IMetric? metric = options.Metric ?? loss.DefaultMetric;
        var batches = new MiniBatcher(inputs, targets, options.SampleWeights, options.BatchSize, options.Seed ?? Random.Shared.Next());
        var guard = new DivergenceGuard(parameters, optimizer);
        var best = options.EarlyStoppingPatience is null ? null : new ParameterSnapshot(parameters);
        float initialRate = scheduled?.LearningRate ?? 0f;
        float bestLoss = float.PositiveInfinity;
        int? bestEpoch = null;
        bool stoppedEarly = false;
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
                // With sample weights a batch counts Σ wₙ rows; one whose rows all weigh 0 is as if absent.
                ReadOnlySpan<float> weights = batches.Weights(b, out double batchWeight);
                if (batchWeight == 0) continue;
                float batchLoss = weights.IsEmpty ? model.ComputeGradients(x, y, loss) : model.ComputeWeightedGradients(x, y, loss, weights);
                if (!float.IsFinite(batchLoss))
                {
                    guard.Restore();
                    throw new TrainingDivergedException(epoch, b + 1, batchLoss, $"the loss is {batchLoss}");
                }
                if (!guard.BeforeStep())
                    throw new TrainingDivergedException(epoch, b + 1, batchLoss, NonFiniteWeights);
                optimizer.Step(parameters);
                if (!guard.AfterStep())
                    throw new TrainingDivergedException(epoch, b + 1, batchLoss, NonFiniteWeights);
                lossSum += batchLoss * batchWeight;
            }
            if (!guard.CheckAndCopy())
                throw new TrainingDivergedException(epoch, batches.BatchCount, (float)(lossSum / batches.TotalWeight),
                    NonFiniteWeights);

            var (validationLoss, validationMetric) = Evaluate(model, options, loss, metric);
            var result = new EpochResult(epoch, (float)(lossSum / batches.TotalWeight), validationLoss,
                metric is Accuracy ? validationMetric : null, clock.Elapsed)
            {
                LearningRate = scheduled?.LearningRate,
                ValidationMetric = validationMetric,
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

    /// <summary>The loss and the metric on the validation data, or nulls without it.</summary>
    private static (float? Loss, float? Metric) Evaluate(Mlp model, TrainingOptions options, ILoss loss, IMetric? metric)
    {
        if (options.ValidationInputs is not { } x || options.ValidationTargets is not { } y) return (null, null);
        Matrix<float> prediction = model.Predict(x);
        return (loss.Loss(prediction, y), metric?.Compute(prediction, y));
    }
}
