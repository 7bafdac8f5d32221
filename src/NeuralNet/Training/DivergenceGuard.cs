using NeuralNet.Optimizers;

namespace NeuralNet.Training;

/// <summary>
/// Keeps finite weights to go back to when training diverges (a non-finite loss, or non-finite weights).
/// </summary>
/// <remarks>
/// <para>
/// The library's optimizers (<see cref="IFiniteUpdate"/>) never write NaN or ∞ from finite weights and gradients
/// except by overflow, and a non-finite gradient or weight shows up in the next batch's loss. For them the guard copies
/// the weights only every <see cref="Interval"/> steps (after checking them) and at the end of each epoch, so a step
/// costs no copy and no scan; divergence restores that copy, at most <see cref="Interval"/> steps old.
/// </para>
/// <para>
/// Any other optimizer may write anything, so for it the weights are copied before every step and checked after it,
/// and divergence restores the weights from just before the step that caused it.
/// </para>
/// Invariant: the copy always holds finite weights whose loss on a batch was finite, so the restored model can predict
/// and be saved.
/// </remarks>
internal sealed class DivergenceGuard : IDisposable
{
    /// <summary>Steps between two copies for the library's optimizers.</summary>
    internal const int Interval = 32;

    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly ParameterSnapshot _good;
    private readonly bool _everyStep;
    private int _stepsSinceCopy;

    internal DivergenceGuard(IReadOnlyList<Parameter> parameters, IOptimizer optimizer)
    {
        _parameters = parameters;
        _everyStep = optimizer is not IFiniteUpdate;
        _good = new ParameterSnapshot(parameters);
        _good.Take();
    }

    /// <summary>Called after a finite loss, just before the optimizer steps: keeps the weights when it is their turn.</summary>
    /// <returns>False, having restored the last copy, when the weights due to be kept are not finite.</returns>
    /// <remarks>The copy is due when <see cref="Interval"/> steps have run since the last one: after steps 32, 64, … of an epoch.</remarks>
    internal bool BeforeStep()
    {
        if (_everyStep || _stepsSinceCopy == Interval)
        {
            if (!CheckAndCopy()) return false;
        }
        _stepsSinceCopy++;
        return true;
    }

    /// <summary>Called after the optimizer stepped.</summary>
    /// <returns>False, having restored the weights from before the step, when a foreign optimizer wrote NaN or ∞.</returns>
    internal bool AfterStep()
    {
        if (!_everyStep || ParameterSnapshot.AllFinite(_parameters)) return true;
        _good.Restore();
        return false;
    }

    /// <summary>Checks the current weights and keeps them.</summary>
    /// <returns>False, having restored the last copy, when they are not finite.</returns>
    internal bool CheckAndCopy()
    {
        _stepsSinceCopy = 0;
        if (!ParameterSnapshot.AllFinite(_parameters))
        {
            _good.Restore();
            return false;
        }
        _good.Take();
        return true;
    }

    /// <summary>Training diverged: back to the last copy.</summary>
    internal void Restore() => _good.Restore();

    /// <summary>Returns the copy's arrays to the pool (<see cref="ParameterSnapshot"/>).</summary>
    public void Dispose() => _good.Dispose();
}
