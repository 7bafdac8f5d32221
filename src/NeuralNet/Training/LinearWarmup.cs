namespace NeuralNet.Training;

/// <summary>
/// Linear warm-up, as PyTorch's <c>LinearLR(start_factor, end_factor, total_iters)</c>: η_t = η₀ (s + (e − s) min(t, T) / T)
/// (epochs t counted from 0), from s η₀ at t = 0 to e η₀ at t = T and after. <see cref="Then"/> chains the schedule that
/// follows the warm-up.
/// </summary>
/// <remarks>
/// PyTorch's <c>step()</c> computes the same rates by a recursion on the previous rate, which equals this closed form up
/// to double rounding. With an end factor below the start factor the ramp decays instead.
/// </remarks>
/// <example>
/// Five epochs from η₀/10 up, then a cosine over the remaining 45 (PyTorch's
/// <c>SequentialLR([LinearLR(opt, 0.1, total_iters=5), CosineAnnealingLR(opt, 45)], milestones=[5])</c>):
/// <code>
/// LearningRateSchedule = new LinearWarmup(epochs: 5, startFactor: 0.1f).Then(new CosineAnnealing(tMax: 45)),
/// </code>
/// </example>
public sealed class LinearWarmup : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="epochs">T, PyTorch's <c>total_iters</c>: the epochs of the ramp; at least 1.</param>
    /// <param name="startFactor">s, the factor of η₀ at epoch 0, in (0, 1].</param>
    /// <param name="endFactor">e, the factor of η₀ from epoch T on, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public LinearWarmup(int epochs, float startFactor = 1f / 3f, float endFactor = 1f)
    {
        if (epochs < 1)
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"The warm-up must last at least 1 epoch, but was {epochs}.");
        if (!(startFactor > 0f && startFactor <= 1f))
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, $"The start factor must lie in (0, 1], but was {startFactor}.");
        if (!(endFactor >= 0f && endFactor <= 1f))
            throw new ArgumentOutOfRangeException(nameof(endFactor), endFactor, $"The end factor must lie in [0, 1], but was {endFactor}.");
        Epochs = epochs;
        StartFactor = startFactor;
        EndFactor = endFactor;
    }

    /// <summary>T, the epochs of the ramp.</summary>
    public int Epochs { get; }

    /// <summary>s.</summary>
    public float StartFactor { get; }

    /// <summary>e.</summary>
    public float EndFactor { get; }

    /// <inheritdoc/>
    public float LearningRate(int epoch, float initialLearningRate) =>
        (float)(initialLearningRate * (StartFactor + ((double)EndFactor - StartFactor) * Math.Min(Epochs, epoch) / Epochs));

    /// <summary>
    /// This warm-up for its <see cref="Epochs"/>, then <paramref name="next"/> counted from 0 (PyTorch's <c>SequentialLR</c>
    /// with the milestone at T).
    /// </summary>
    /// <param name="next">The schedule after the warm-up; it starts from η₀ (not from the ramp's last rate), as in PyTorch.</param>
    public SequentialSchedule Then(ILearningRateSchedule next) => new([this, next], [Epochs]);

    /// <inheritdoc/>
    public override string ToString() => $"LinearWarmup({Epochs} epochs, × {StartFactor} → × {EndFactor})";
}
