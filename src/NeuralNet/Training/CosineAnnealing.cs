using NeuralNet.Optimizers;

namespace NeuralNet.Training;

/// <summary>
/// Cosine annealing, as PyTorch's <c>CosineAnnealingLR(T_max, eta_min)</c>: η_t = η_min + (η₀ − η_min)(1 + cos(π t / T_max)) / 2
/// (epochs t counted from 0), from η₀ at t = 0 down to η_min at t = T_max.
/// </summary>
/// <remarks>
/// PyTorch's <c>step()</c> computes the same rates by a recursion on the previous rate, which equals this closed form up
/// to double rounding (far below a float's). Like PyTorch's, the curve goes on past T_max: the rate rises again and is back
/// at η₀ at t = 2 T_max (period 2 T_max). To anneal once over a run, set T_max to the number of epochs; with η_min = 0,
/// T_max must then be at least the epochs, since the optimizer needs a rate above 0.
/// </remarks>
public sealed class CosineAnnealing : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="tMax">T_max, the epochs from η₀ to η_min; at least 1.</param>
    /// <param name="etaMin">η_min, the rate at t = T_max; at least 0 and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public CosineAnnealing(int tMax, float etaMin = 0f)
    {
        if (tMax < 1)
            throw new ArgumentOutOfRangeException(nameof(tMax), tMax, $"T_max must be at least 1 epoch, but was {tMax}.");
        TMax = tMax;
        EtaMin = HyperParameters.NonNegative(etaMin, nameof(etaMin), "η_min");
    }

    /// <summary>T_max, the epochs of one half cosine.</summary>
    public int TMax { get; }

    /// <summary>η_min.</summary>
    public float EtaMin { get; }

    /// <inheritdoc/>
    public float LearningRate(int epoch, float initialLearningRate) =>
        (float)(EtaMin + ((double)initialLearningRate - EtaMin) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2);

    /// <inheritdoc/>
    public override string ToString() => $"CosineAnnealing(T_max {TMax}, η_min {EtaMin})";
}
