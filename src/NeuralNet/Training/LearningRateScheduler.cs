using NeuralNet.Optimizers;
using NeuralNet.Serialization;

namespace NeuralNet.Training;

/// <summary>
/// Runs <see cref="TrainingOptions.LearningRateSchedule"/> as a callback: before each epoch, η = schedule(epoch − 1, η₀),
/// with η₀ the optimizer's rate when training first started. A checkpoint holds η₀, so a resumed run (whose optimizer
/// may hold a scheduled rate) keeps the schedule of the uninterrupted one.
/// </summary>
internal sealed class LearningRateScheduler(ILearningRateSchedule schedule, ILearningRateOptimizer optimizer) : ITrainingCallback, ICheckpointable
{
    private float _initialRate;

    public void OnTrainingStart(TrainingContext context) => _initialRate = optimizer.LearningRate;

    public void OnEpochStart(TrainingContext context) => optimizer.LearningRate = schedule.LearningRate(context.Epoch - 1, _initialRate);

    void ICheckpointable.SaveState(StateDict state)
    {
        state.Add("schedule", schedule.ToString() ?? schedule.GetType().Name);
        state.Add("initial_lr", _initialRate);
    }

    void ICheckpointable.LoadState(StateDict state)
    {
        string saved = state.GetString("schedule"), actual = schedule.ToString() ?? schedule.GetType().Name;
        if (saved != actual)
            throw new ArgumentException(
                $"The checkpoint was written with the learning-rate schedule {saved} but this run has {actual}; resume with the schedule the checkpoint was written with.",
                nameof(TrainingOptions.LearningRateSchedule));
        _initialRate = state.GetFinite("initial_lr", positive: true);
    }
}
