using NeuralNet.Optimizers;
using NeuralNet.Serialization;

namespace NeuralNet.Training;

/// <summary>
/// When <see cref="Mlp.Fit"/> asks the learning-rate schedule for a rate: before each epoch for a
/// <see cref="ScheduleUnit.Epoch"/> schedule, before each batch for a <see cref="ScheduleUnit.Batch"/> one (counted over the
/// run), and after each epoch's validation for an <see cref="IValidationLossSchedule"/>. Within an epoch the last batch's
/// rate stays set, so the optimizer's rate at the epoch's end is the rate its last batch trained with. A callback, first
/// in the run's list; a checkpoint holds η₀, the step and a stateful schedule's own state, so a resumed run (whose
/// optimizer already holds a scheduled rate) goes on as the uninterrupted one.
/// </summary>
internal sealed class ScheduleRunner : ITrainingCallback, ICheckpointable
{
    private readonly ILearningRateSchedule _schedule;
    private readonly ILearningRateOptimizer _optimizer;
    private float _initialRate;
    private readonly bool _perBatch;
    private readonly int _batchesPerEpoch;
    private int _step;   // the schedule's step whose rate the optimizer holds

    /// <summary>Checks the schedule against the run and resets a stateful one; fails before any training.</summary>
    /// <exception cref="ArgumentException">
    /// The optimizer has no settable rate, a validation-loss schedule has no validation data, or a stateless schedule
    /// gives a rate the optimizer cannot take (0, negative, not finite) at some step of the run.
    /// </exception>
    internal ScheduleRunner(ILearningRateSchedule schedule, IOptimizer optimizer, TrainingOptions options, int batchesPerEpoch)
    {
        _optimizer = optimizer as ILearningRateOptimizer ?? throw new ArgumentException(
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

    /// <summary>Before each epoch: sets the rate of its first batch.</summary>
    public void OnEpochStart(TrainingContext context)
    {
        _step = _perBatch ? (context.Epoch - 1) * _batchesPerEpoch : context.Epoch - 1;
        _optimizer.LearningRate = Rate(_step);
    }

    /// <summary>After each batch: a per-batch schedule sets the next batch's rate (as torch's scheduler.step() follows optimizer.step()).</summary>
    public void OnBatchEnd(TrainingContext context, BatchResult batch)
    {
        if (_perBatch && batch.Batch < _batchesPerEpoch) _optimizer.LearningRate = Rate(++_step);
    }

    /// <summary>After the epoch's validation: a validation-loss schedule takes the loss.</summary>
    public void OnEpochEnd(TrainingContext context, EpochResult result)
    {
        if (_schedule is IValidationLossSchedule watcher && result.ValidationLoss is { } loss) watcher.Step(loss);
    }

    void ICheckpointable.SaveState(StateDict state)
    {
        state.Add("schedule", Describe(_schedule));
        state.Add("initial_lr", _initialRate);
        state.Add("step", _step);
        if (_schedule is ICheckpointable stateful) stateful.SaveState(state.AddDict("schedule_state"));
    }

    void ICheckpointable.LoadState(StateDict state)
    {
        string saved = state.GetString("schedule"), actual = Describe(_schedule);
        if (saved != actual)
            throw new ArgumentException(
                $"The checkpoint was written with the learning-rate schedule {saved} but this run has {actual}; resume with the schedule the checkpoint was written with.",
                nameof(TrainingOptions.LearningRateSchedule));
        _initialRate = state.GetFinite("initial_lr", positive: true);
        _step = state.GetInt32("step", min: 0);
        if (_schedule is ICheckpointable stateful) stateful.LoadState(state.GetDict("schedule_state"));
    }

    private static string Describe(ILearningRateSchedule schedule) => schedule.ToString() ?? schedule.GetType().Name;

    private float Rate(int step)
    {
        float rate = _schedule.LearningRate(step, _initialRate);
        return rate > 0f && float.IsFinite(rate)
            ? rate
            : throw new ArgumentException(
                $"{nameof(TrainingOptions.LearningRateSchedule)} {_schedule} gives the learning rate {rate} at {(_perBatch ? "batch" : "epoch")} {step} " +
                "(counted from 0), but the optimizer needs one greater than 0 and finite.", nameof(TrainingOptions.LearningRateSchedule));
    }
}
