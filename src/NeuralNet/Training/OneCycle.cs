using NeuralNet.Optimizers;

namespace NeuralNet.Training;

/// <summary>
/// The one-cycle policy, as PyTorch's <c>OneCycleLR</c> stepped after every batch: from η_max / div_factor up to η_max over
/// the first <see cref="PctStart"/> of the steps, then down to η_max / (div_factor · final_div_factor) at the last step
/// (with <see cref="ThreePhase"/>: up, back down to the start, then down to the end). The defaults are PyTorch's.
/// </summary>
/// <remarks>
/// The phases end where PyTorch's do: at steps pct_start·T − 1 and T − 1 (three phases: pct_start·T − 1, 2·pct_start·T − 2
/// and T − 1), steps counted from 0 over the whole run. The optimizer's own rate plays no part, as in PyTorch. PyTorch also
/// cycles the momentum inversely (its <c>cycle_momentum</c>); this schedule cycles only the learning rate, and the
/// optimizer's momentum (or Adam's β₁) stays as set.
/// </remarks>
public sealed class OneCycle : ILearningRateSchedule
{
    // Each phase: the step it ends at and the rates it runs between (PyTorch's _schedule_phases).
    private readonly (double EndStep, double Start, double End)[] _phases;

    /// <summary>Creates the schedule.</summary>
    /// <param name="maxLearningRate">η_max, the peak rate; greater than 0 and finite.</param>
    /// <param name="totalSteps">T, the batches of the whole run (epochs × batches per epoch, ⌈rows / batch size⌉); at least 1.</param>
    /// <param name="pctStart">The fraction of the steps spent rising, in [0, 1].</param>
    /// <param name="annealStrategy">Cosine (the default) or linear moves within a phase.</param>
    /// <param name="divFactor">η_max / the initial rate; greater than 0 and finite.</param>
    /// <param name="finalDivFactor">The initial rate / the final rate; greater than 0 and finite.</param>
    /// <param name="threePhase">Whether to fall back to the initial rate before the final descent (the paper's form).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentException">pct_start · T is 1, where PyTorch's first phase has no length (and it divides by zero).</exception>
    public OneCycle(float maxLearningRate, int totalSteps, float pctStart = 0.3f, AnnealStrategy annealStrategy = AnnealStrategy.Cosine,
                    float divFactor = 25f, float finalDivFactor = 1e4f, bool threePhase = false)
    {
        MaxLearningRate = HyperParameters.LearningRate(maxLearningRate, nameof(maxLearningRate));
        if (totalSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"The total steps must be at least 1, but was {totalSteps}.");
        if (!(pctStart >= 0f && pctStart <= 1f))
            throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, $"pct_start must lie in [0, 1], but was {pctStart}.");
        if (!Enum.IsDefined(annealStrategy))
            throw new ArgumentOutOfRangeException(nameof(annealStrategy), annealStrategy, $"Unknown anneal strategy {annealStrategy}.");
        TotalSteps = totalSteps;
        PctStart = pctStart;
        AnnealStrategy = annealStrategy;
        DivFactor = HyperParameters.Positive(divFactor, nameof(divFactor), "div_factor");
        FinalDivFactor = HyperParameters.Positive(finalDivFactor, nameof(finalDivFactor), "final_div_factor");
        ThreePhase = threePhase;

        double rise = (double)pctStart * totalSteps;
        if (rise == 1)
            throw new ArgumentException(
                $"pct_start × total steps is {pctStart} × {totalSteps} = 1: the rising phase would last 0 steps. Change either.", nameof(pctStart));
        double initial = maxLearningRate / (double)divFactor, min = initial / finalDivFactor;
        _phases = threePhase
            ? [(rise - 1, initial, maxLearningRate), (2 * rise - 2, maxLearningRate, initial), (totalSteps - 1, initial, min)]
            : [(rise - 1, initial, maxLearningRate), (totalSteps - 1, maxLearningRate, min)];
    }

    /// <summary>η_max.</summary>
    public float MaxLearningRate { get; }

    /// <summary>T, the steps of the cycle.</summary>
    public int TotalSteps { get; }

    /// <summary>The fraction of the steps spent rising.</summary>
    public float PctStart { get; }

    /// <summary>Cosine or linear moves within a phase.</summary>
    public AnnealStrategy AnnealStrategy { get; }

    /// <summary>η_max / the initial rate.</summary>
    public float DivFactor { get; }

    /// <summary>The initial rate / the final rate.</summary>
    public float FinalDivFactor { get; }

    /// <summary>Whether the cycle has three phases.</summary>
    public bool ThreePhase { get; }

    /// <inheritdoc/>
    public ScheduleUnit Unit => ScheduleUnit.Batch;

    /// <summary>The rate of a batch.</summary>
    /// <param name="epoch">The batch, counted from 0 over the whole run; less than <see cref="TotalSteps"/>.</param>
    /// <param name="initialLearningRate">Not used: the cycle starts from η_max / div_factor.</param>
    /// <exception cref="ArgumentOutOfRangeException">The batch lies outside the cycle.</exception>
    public float LearningRate(int epoch, float initialLearningRate)
    {
        if (epoch < 0 || epoch >= TotalSteps)
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch,
                $"The cycle has {TotalSteps} steps (0 to {TotalSteps - 1}) but step {epoch} was asked for; " +
                "make totalSteps at least the epochs × the batches per epoch of the run.");
        double start = 0;
        for (int i = 0; ; i++)
        {
            var phase = _phases[i];
            if (epoch <= phase.EndStep || i == _phases.Length - 1)
            {
                double pct = (epoch - start) / (phase.EndStep - start);
                return (float)(AnnealStrategy == AnnealStrategy.Cosine
                    ? phase.End + (phase.Start - phase.End) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
                    : (phase.End - phase.Start) * pct + phase.Start);
            }
            start = phase.EndStep;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"OneCycle(η_max {MaxLearningRate}, {TotalSteps} steps, pct_start {PctStart})";
}
