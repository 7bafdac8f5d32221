using NeuralNet.Optimizers;

namespace NeuralNet.Training;

/// <summary>
/// Reduce on plateau, as PyTorch's <c>ReduceLROnPlateau</c> (mode <c>"min"</c>) stepped with the validation loss after each
/// epoch: when the loss has not improved on its best for more than <see cref="Patience"/> epochs, the rate is multiplied by
/// <see cref="Factor"/> (but not below <see cref="MinLearningRate"/>), and then <see cref="Cooldown"/> epochs pass before bad
/// epochs count again. The defaults are PyTorch's. <see cref="Mlp.Fit"/> needs validation data for it.
/// </summary>
/// <remarks>
/// The whole state is the four values <see cref="BestLoss"/>, <see cref="BadEpochs"/>, <see cref="CooldownCounter"/> and
/// <see cref="CurrentLearningRate"/> (PyTorch's <c>best</c>, <c>num_bad_epochs</c>, <c>cooldown_counter</c> and the
/// parameter group's <c>lr</c>), kept in double as PyTorch keeps them. <see cref="Mlp.Fit"/> resets them when it starts, so
/// one instance can serve several runs, but not two at a time.
/// </remarks>
public sealed class ReduceOnPlateau : IValidationLossSchedule, Serialization.ICheckpointable
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="factor">The factor applied on a plateau, in (0, 1).</param>
    /// <param name="patience">Epochs without improvement tolerated; a reduction follows the next one. At least 0.</param>
    /// <param name="threshold">The least improvement that counts (relative or absolute by <paramref name="thresholdMode"/>); at least 0 and finite.</param>
    /// <param name="thresholdMode">Whether <paramref name="threshold"/> is relative to the best loss or absolute.</param>
    /// <param name="cooldown">Epochs after a reduction in which bad epochs are not counted; at least 0.</param>
    /// <param name="minLearningRate">The rate is never reduced below this; at least 0 and finite.</param>
    /// <param name="epsilon">A reduction smaller than this is skipped; at least 0 and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public ReduceOnPlateau(float factor = 0.1f, int patience = 10, float threshold = 1e-4f, ThresholdMode thresholdMode = ThresholdMode.Relative,
                           int cooldown = 0, float minLearningRate = 0f, float epsilon = 1e-8f)
    {
        if (!(factor > 0f && factor < 1f))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"The factor must lie in (0, 1), but was {factor}.");
        if (patience < 0)
            throw new ArgumentOutOfRangeException(nameof(patience), patience, $"The patience must be at least 0 epochs, but was {patience}.");
        if (cooldown < 0)
            throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, $"The cooldown must be at least 0 epochs, but was {cooldown}.");
        if (!Enum.IsDefined(thresholdMode))
            throw new ArgumentOutOfRangeException(nameof(thresholdMode), thresholdMode, $"Unknown threshold mode {thresholdMode}.");
        Factor = factor;
        Patience = patience;
        Threshold = HyperParameters.NonNegative(threshold, nameof(threshold), "The threshold");
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        MinLearningRate = HyperParameters.NonNegative(minLearningRate, nameof(minLearningRate), "The minimum learning rate");
        Epsilon = HyperParameters.NonNegative(epsilon, nameof(epsilon), "ε");
    }

    /// <summary>The factor applied on a plateau.</summary>
    public float Factor { get; }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>The least improvement that counts.</summary>
    public float Threshold { get; }

    /// <summary>Whether <see cref="Threshold"/> is relative or absolute.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>Epochs after a reduction in which bad epochs are not counted.</summary>
    public int Cooldown { get; }

    /// <summary>The floor of the rate.</summary>
    public float MinLearningRate { get; }

    /// <summary>The least reduction applied.</summary>
    public float Epsilon { get; }

    /// <summary>The best validation loss so far; +∞ before the first.</summary>
    public double BestLoss { get; internal set; } = double.PositiveInfinity;

    /// <summary>Epochs in a row whose loss did not improve on <see cref="BestLoss"/> (not counted during a cooldown).</summary>
    public int BadEpochs { get; internal set; }

    /// <summary>Epochs of cooldown left; bad epochs count again at 0.</summary>
    public int CooldownCounter { get; internal set; }

    /// <summary>The rate of the next epoch; NaN until <see cref="Reset"/>.</summary>
    public double CurrentLearningRate { get; internal set; } = double.NaN;

    /// <inheritdoc/>
    public void Reset(float initialLearningRate)
    {
        BestLoss = double.PositiveInfinity;
        BadEpochs = 0;
        CooldownCounter = 0;
        CurrentLearningRate = initialLearningRate;
    }

    /// <inheritdoc/>
    public void Step(float validationLoss)
    {
        double current = validationLoss;
        if (IsBetter(current))
        {
            BestLoss = current;
            BadEpochs = 0;
        }
        else
        {
            BadEpochs++;
        }
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            BadEpochs = 0;
        }
        if (BadEpochs > Patience)
        {
            double reduced = Math.Max(CurrentLearningRate * Factor, MinLearningRate);
            if (CurrentLearningRate - reduced > Epsilon) CurrentLearningRate = reduced;
            CooldownCounter = Cooldown;
            BadEpochs = 0;
        }
    }

    /// <summary>The current rate (η₀ before <see cref="Reset"/>); the epoch plays no part.</summary>
    public float LearningRate(int epoch, float initialLearningRate) =>
        double.IsNaN(CurrentLearningRate) ? initialLearningRate : (float)CurrentLearningRate;

    void Serialization.ICheckpointable.SaveState(Serialization.StateDict state)
    {
        state.Add("best", BestLoss);
        state.Add("num_bad_epochs", BadEpochs);
        state.Add("cooldown_counter", CooldownCounter);
        state.Add("lr", CurrentLearningRate);
    }

    void Serialization.ICheckpointable.LoadState(Serialization.StateDict state)
    {
        double best = state.GetDouble("best"), rate = state.GetDouble("lr");
        if (double.IsNaN(best) || !(rate > 0) || !double.IsFinite(rate))
            throw new InvalidDataException($"The checkpoint's ReduceOnPlateau state is out of range (best {best}, lr {rate}).");
        BestLoss = best;
        BadEpochs = state.GetInt32("num_bad_epochs", min: 0);
        CooldownCounter = state.GetInt32("cooldown_counter", min: 0);
        CurrentLearningRate = rate;
    }

    private bool IsBetter(double loss) => ThresholdMode == ThresholdMode.Relative
        ? loss < BestLoss * (1 - (double)Threshold)
        : loss < BestLoss - Threshold;

    /// <inheritdoc/>
    public override string ToString() =>
        $"ReduceOnPlateau(× {Factor} after {Patience} bad epochs, threshold {Threshold} {ThresholdMode}, cooldown {Cooldown}, min {MinLearningRate})";
}
