using NeuralNet.Optimizers;

namespace NeuralNet.Training;

/// <summary>
/// When <see cref="Mlp.Fit"/> asks the learning-rate schedule for a rate: before each epoch for a
/// <see cref="ScheduleUnit.Epoch"/> schedule, before each batch for a <see cref="ScheduleUnit.Batch"/> one (counted over the
/// run), and after each epoch's validation for an <see cref="IValidationLossSchedule"/>. Within an epoch the last batch's
/// rate stays set, so <see cref="LearningRate"/> at the epoch's end is the rate its last batch trained with.
/// </summary>
internal sealed class ScheduleRunner
{
    private readonly ILearningRateSchedule? _schedule;
    private readonly ILearningRateOptimizer? _optimizer;
    private readonly float _initialRate;
    private readonly bool _perBatch;
    private readonly int _batchesPerEpoch;
    private int _step;   // the schedule's step whose rate the optimizer holds

    /// <summary>Checks the schedule against the run and resets a stateful one; fails before any training.</summary>
    /// <exception cref="ArgumentException">
    /// The optimizer has no settable rate, a validation-loss schedule has no validation data, or a stateless schedule
    /// gives a rate the optimizer cannot take (0, negative, not finite) at some step of the run.
    /// </exception>
    internal ScheduleRunner(ILearningRateSchedule? schedule, IOptimizer optimizer, TrainingOptions options, int batchesPerEpoch)
    {
        _optimizer = optimizer as ILearningRateOptimizer;
        if (schedule is null) return;
        if (_optimizer is null)
            throw new ArgumentException(
                $"{nameof(TrainingOptions.LearningRateSchedule)} is {schedule} but the optimizer {optimizer.GetType().Name} " +
                $"has no settable learning rate ({nameof(ILearningRateOptimizer)}).", nameof(optimizer));
        _schedule = schedule;
        _initialRate = _optimizer.LearningRate;
        _perBatch = schedule.Unit == ScheduleUnit.Batch;
        _batchesPerEpoch = batchesPerEpoch;
        if (schedule is IValidationLossSchedule watcher)
        {
            if (!options.HasValidation)
                throw new ArgumentException(
                    $"{nameof(TrainingOptions.LearningRateSchedule)} is {schedule}, which watches the validation loss, but there is no validation data; " +
                    $"set {nameof(TrainingOptions.ValidationInputs)} and {nameof(TrainingOptions.ValidationTargets)}.",
                    nameof(TrainingOptions.LearningRateSchedule));
            watcher.Reset(_initialRate);
            return;
        }
        // A stateless schedule's every rate is known now: a bad one fails here, not epochs into the run.
        int steps = _perBatch ? checked(options.Epochs * batchesPerEpoch) : options.Epochs;
        for (int step = 0; step < steps; step++) Rate(step);
    }

    /// <summary>The optimizer's rate now, or null when it has none.</summary>
    internal float? LearningRate => _optimizer?.LearningRate;

    /// <summary>Before epoch <paramref name="epoch"/> (from 1): sets the rate of its first batch.</summary>
    internal void StartEpoch(int epoch)
    {
        if (_schedule is null) return;
        _step = _perBatch ? (epoch - 1) * _batchesPerEpoch : epoch - 1;
        _optimizer!.LearningRate = Rate(_step);
    }

    /// <summary>After batch <paramref name="batch"/> (from 0) of the epoch: a per-batch schedule sets the next batch's rate.</summary>
    internal void EndBatch(int batch)
    {
        if (_perBatch && batch + 1 < _batchesPerEpoch) _optimizer!.LearningRate = Rate(++_step);
    }

    /// <summary>After the epoch's validation: a validation-loss schedule takes the loss.</summary>
    internal void EndEpoch(EpochResult result)
    {
        if (_schedule is IValidationLossSchedule watcher && result.ValidationLoss is { } loss) watcher.Step(loss);
    }

    private float Rate(int step)
    {
        float rate = _schedule!.LearningRate(step, _initialRate);
        return rate > 0f && float.IsFinite(rate)
            ? rate
            : throw new ArgumentException(
                $"{nameof(TrainingOptions.LearningRateSchedule)} {_schedule} gives the learning rate {rate} at {(_perBatch ? "batch" : "epoch")} {step} " +
                "(counted from 0), but the optimizer needs one greater than 0 and finite.", nameof(TrainingOptions.LearningRateSchedule));
    }
}
