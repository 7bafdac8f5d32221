namespace NeuralNet.Training;

/// <summary>
/// Schedules one after another, as PyTorch's <c>SequentialLR(schedulers, milestones)</c>: schedule i runs from milestone
/// i − 1 (0 for the first) to milestone i, and counts its own steps from 0 at its start. Every part starts from η₀.
/// </summary>
public sealed class SequentialSchedule : ILearningRateSchedule
{
    private readonly ILearningRateSchedule[] _schedules;
    private readonly int[] _milestones;

    /// <summary>Creates the schedule.</summary>
    /// <param name="schedules">The parts, at least one, all counting the same <see cref="ScheduleUnit"/>; none may watch the validation loss.</param>
    /// <param name="milestones">The steps at which the next part takes over: one fewer than the parts, at least 1, strictly increasing.</param>
    /// <exception cref="ArgumentException">The parts or the milestones do not fit together.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A milestone is out of order or below 1.</exception>
    public SequentialSchedule(IReadOnlyList<ILearningRateSchedule> schedules, IReadOnlyList<int> milestones)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedules.Count == 0)
            throw new ArgumentException("A sequential schedule needs at least one schedule.", nameof(schedules));
        if (milestones.Count != schedules.Count - 1)
            throw new ArgumentException(
                $"{schedules.Count} schedules need {schedules.Count - 1} milestones, but {milestones.Count} were given.", nameof(milestones));
        for (int i = 0; i < schedules.Count; i++)
        {
            if (schedules[i] is null)
                throw new ArgumentException($"Schedule {i} is null.", nameof(schedules));
            if (schedules[i] is IValidationLossSchedule)
                throw new ArgumentException(
                    $"Schedule {i} ({schedules[i]}) watches the validation loss; it cannot be a part of a sequence (nor is it in PyTorch).", nameof(schedules));
            if (schedules[i].Unit != schedules[0].Unit)
                throw new ArgumentException(
                    $"Schedule {i} ({schedules[i]}) counts {schedules[i].Unit} steps but schedule 0 counts {schedules[0].Unit} steps.", nameof(schedules));
        }
        for (int i = 0; i < milestones.Count; i++)
        {
            int previous = i == 0 ? 0 : milestones[i - 1];
            if (milestones[i] <= previous)
                throw new ArgumentOutOfRangeException(nameof(milestones), milestones[i],
                    $"Milestone {i} must be greater than {previous}, but was {milestones[i]}.");
        }
        _schedules = [.. schedules];
        _milestones = [.. milestones];
    }

    /// <summary>The parts, in order.</summary>
    public IReadOnlyList<ILearningRateSchedule> Schedules => _schedules;

    /// <summary>The steps at which each part after the first takes over.</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    /// <inheritdoc/>
    public ScheduleUnit Unit => _schedules[0].Unit;

    /// <inheritdoc/>
    public float LearningRate(int epoch, float initialLearningRate)
    {
        int part = 0;
        while (part < _milestones.Length && _milestones[part] <= epoch) part++;
        int start = part == 0 ? 0 : _milestones[part - 1];
        return _schedules[part].LearningRate(epoch - start, initialLearningRate);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(" → ", _schedules.Select((s, i) => i == 0 ? s.ToString() : $"at {_milestones[i - 1]}: {s}"));
}
