using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Serialization;

namespace NeuralNet.Training;

/// <summary>
/// The training loop behind <see cref="Mlp.Fit"/>: epochs of shuffled mini-batches, each a
/// <see cref="Mlp.ComputeGradients"/> and an <see cref="IOptimizer.Step"/>, then validation; around them the callbacks
/// (<see cref="ITrainingCallback"/>), on which the schedule, early stopping and checkpoints run. The model only runs;
/// this class decides what runs when.
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
        if (optimizer is Lbfgs && (options.GradientClipNorm is not null || options.GradientClipValue is not null))
            throw new ArgumentException("L-BFGS does not clip gradients: its line search needs the true gradient. Leave GradientClipNorm and GradientClipValue unset.", nameof(options));
        if (options.ValidationInputs is { } validationInputs) model.CheckInput(validationInputs);
        IReadOnlyList<Parameter> parameters = model.Parameters;
        IMetric? metric = options.Metric ?? loss.DefaultMetric;
        StateDict? resumed = options.ResumeFrom is { } path ? CheckpointFile.Read(path) : null;
        int seed = resumed is not null ? TrainingCheckpoint.SavedSeed(resumed) : options.Seed ?? Random.Shared.Next();
        using var batches = new MiniBatcher(inputs, targets, options.SampleWeights, options.BatchSize, seed);

        List<ITrainingCallback> callbacks = [];
        if (options.LearningRateSchedule is { } schedule)
            callbacks.Add(new ScheduleRunner(schedule, optimizer, options, batches.BatchCount));
        if (options.EarlyStoppingPatience is { } patience)
            callbacks.Add(new EarlyStopping(patience, options.EarlyStoppingMinDelta, options.RestoreBestWeights));
        callbacks.AddRange(options.Callbacks);
        TrainingCheckpoint? checkpoint = options.Checkpoint is not null || options.ResumeFrom is not null
            ? new TrainingCheckpoint(model, optimizer, options, inputs, targets, callbacks)
            : null;
        Checkpointing? checkpointing = options.Checkpoint is { } checkpointOptions ? new Checkpointing(checkpointOptions, checkpoint!) : null;
        if (checkpointing is not null) callbacks.Add(checkpointing);

        var context = new TrainingContext(model, optimizer, options.Epochs, batches.BatchCount, seed);
        foreach (ITrainingCallback callback in callbacks) callback.OnTrainingStart(context);
        if (resumed is not null) checkpoint!.Resume(resumed, context, batches);
        using var guard = new DivergenceGuard(parameters, optimizer);
        Matrix<float>? validationOutput = null;
        var lbfgs = optimizer as Lbfgs;

        // After a resume inside an epoch, that epoch goes on from its next batch: its start (callbacks, shuffle) ran before.
        for (int epoch = context.InEpoch ? context.Epoch : context.Epoch + 1; epoch <= options.Epochs && (context.InEpoch || !context.StopRequested); epoch++)
        {
            if (!context.InEpoch)
            {
                context.BeginEpoch(epoch);
                foreach (ITrainingCallback callback in callbacks) callback.OnEpochStart(context);
                batches.StartEpoch(options.Shuffle);
            }
            context.Clock.Restart();

            for (int b = context.CompletedBatches; b < batches.BatchCount; b++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    checkpointing?.OnCancelled(context);
                    cancellationToken.ThrowIfCancellationRequested();
                }
                var (x, y) = batches.Batch(b);
                // With sample weights a batch counts Σ wₙ rows; one whose rows all weigh 0 is as if absent: no step, no callback.
                ReadOnlySpan<float> weights = batches.Weights(b, out double batchWeight);
                if (batchWeight == 0)
                {
                    context.CompletedBatches = b + 1;
                    continue;
                }
                // L-BFGS evaluates the batch itself, several times in a step; the guard copies the weights before each of its
                // steps (it is not an IFiniteUpdate), and a non-finite loss within the step returns with the weights from before it.
                if (lbfgs is not null && !guard.BeforeStep())
                    throw new TrainingDivergedException(epoch, b + 1, float.NaN, NonFiniteWeights);
                float batchLoss = lbfgs is not null
                    ? StepLbfgs(lbfgs, parameters, model, x, y, loss, batches, b)
                    : Gradients(model, x, y, loss, weights);
                if (!float.IsFinite(batchLoss))
                {
                    guard.Restore();
                    throw new TrainingDivergedException(epoch, b + 1, batchLoss, $"the loss is {batchLoss}");
                }
                if (lbfgs is null)
                {
                    if (!guard.BeforeStep())
                        throw new TrainingDivergedException(epoch, b + 1, batchLoss, NonFiniteWeights);
                    GradientClipping.Apply(parameters, options);
                    optimizer.Step(parameters);
                }
                if (!guard.AfterStep())
                    throw new TrainingDivergedException(epoch, b + 1, batchLoss, NonFiniteWeights);

                context.LossSum += batchLoss * batchWeight;
                context.WeightSeen += batchWeight;
                context.CompletedBatches = b + 1;
                var batch = new BatchResult(epoch, b + 1, batchLoss, x.RowCount);
                for (int c = 0; c < callbacks.Count; c++) callbacks[c].OnBatchEnd(context, batch);
                if (context.StopRequested) break;
            }
            float trainingLoss = (float)(context.LossSum / context.WeightSeen);
            if (!guard.CheckAndCopy())
                throw new TrainingDivergedException(epoch, context.CompletedBatches, trainingLoss, NonFiniteWeights);

            var (validationLoss, validationMetric) = Evaluate(model, options, loss, metric, ref validationOutput);
            var result = new EpochResult(epoch, trainingLoss, validationLoss, metric is Accuracy ? validationMetric : null, context.EpochElapsed)
            {
                LearningRate = (optimizer as ILearningRateOptimizer)?.LearningRate,
                ValidationMetric = validationMetric,
            };
            context.EndEpoch(result);
            progress?.Report(result);
            foreach (ITrainingCallback callback in callbacks) callback.OnEpochEnd(context, result);
        }

        foreach (ITrainingCallback callback in callbacks) callback.OnTrainingEnd(context);
        var earlyStopping = callbacks.OfType<EarlyStopping>().FirstOrDefault();
        return new TrainingHistory([.. context.History], earlyStopping is { RestoreBestWeights: true } ? earlyStopping.BestEpoch : null,
            context.StopRequested);
    }

    /// <summary>
    /// One L-BFGS step on batch <paramref name="b"/>, the closure re-evaluating it. Its own method: a lambda in the loop
    /// would allocate its captured variables on every batch, for every optimizer.
    /// </summary>
    private static float StepLbfgs(Lbfgs lbfgs, IReadOnlyList<Parameter> parameters, Mlp model, Matrix<float> x, Matrix<float> y, ILoss loss,
                                   MiniBatcher batches, int b) =>
        lbfgs.Step(parameters, () => Gradients(model, x, y, loss, batches.Weights(b, out _)));

    /// <summary>The batch's loss and gradients, with its sample weights when it has them.</summary>
    private static float Gradients(Mlp model, Matrix<float> x, Matrix<float> y, ILoss loss, ReadOnlySpan<float> weights) =>
        weights.IsEmpty ? model.ComputeGradients(x, y, loss) : model.ComputeWeightedGradients(x, y, loss, weights);

    /// <summary>The loss and the metric on the validation data, or nulls without it; predicts into one reused matrix.</summary>
    private static (float? Loss, float? Metric) Evaluate(Mlp model, TrainingOptions options, ILoss loss, IMetric? metric,
                                                         ref Matrix<float>? output)
    {
        if (options.ValidationInputs is not { } x || options.ValidationTargets is not { } y) return (null, null);
        output ??= Matrix<float>.Build.Dense(x.RowCount, y.ColumnCount);
        model.Predict(x, output);
        return (loss.Loss(output, y), metric?.Compute(output, y));
    }
}
