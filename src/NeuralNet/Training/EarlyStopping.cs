using System.Globalization;
using NeuralNet.Serialization;

namespace NeuralNet.Training;

/// <summary>
/// Early stopping, as Keras's <c>EarlyStopping(monitor="val_loss")</c>: stops training once the validation loss has not
/// improved on its best by more than <see cref="MinDelta"/> for <see cref="Patience"/> epochs, and at the end gives the
/// model the weights of its best epoch. <see cref="TrainingOptions.EarlyStoppingPatience"/> creates one; add one to
/// <see cref="TrainingOptions.Callbacks"/> to place it among your own.
/// </summary>
/// <remarks>
/// After epoch e with validation loss L: if L &lt; best − δ, then best ← L and the best epoch is e (its weights kept);
/// otherwise, once e − best epoch ≥ patience (the epochs without improvement), training stops. A checkpoint holds the
/// best loss, the best epoch and the best epoch's weights. Needs validation data. One instance serves one run at a time.
/// </remarks>
public sealed class EarlyStopping : ITrainingCallback, ICheckpointable
{
    private ParameterSnapshot? _best;

    /// <summary>Creates the callback.</summary>
    /// <param name="patience">Epochs without improvement before stopping; at least 1.</param>
    /// <param name="minDelta">δ, the least decrease that counts as an improvement; at least 0 and finite.</param>
    /// <param name="restoreBestWeights">Whether training ends with the weights of the best epoch.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public EarlyStopping(int patience, float minDelta = 0f, bool restoreBestWeights = true)
    {
        if (patience < 1)
            throw new ArgumentOutOfRangeException(nameof(patience), patience, $"The patience must be at least 1 epoch, but was {patience}.");
        if (!(minDelta >= 0f) || !float.IsFinite(minDelta))
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, $"The minimum delta must be at least 0 and finite, but was {minDelta}.");
        Patience = patience;
        MinDelta = minDelta;
        RestoreBestWeights = restoreBestWeights;
    }

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; }

    /// <summary>δ, the least decrease of the validation loss that counts as an improvement.</summary>
    public float MinDelta { get; }

    /// <summary>Whether training ends with the weights of the best epoch.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>The lowest validation loss so far (+∞ before the first epoch).</summary>
    public float BestLoss { get; private set; } = float.PositiveInfinity;

    /// <summary>The epoch of <see cref="BestLoss"/>, from 1, or null before the first epoch.</summary>
    public int? BestEpoch { get; private set; }

    /// <summary>Starts afresh: no best yet.</summary>
    public void OnTrainingStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        BestLoss = float.PositiveInfinity;
        BestEpoch = null;
        _best?.Dispose();   // the last run's: nothing reads it once a new run starts
        _best = RestoreBestWeights ? new ParameterSnapshot(context.Model.Parameters) : null;
    }

    /// <summary>Keeps an improvement, or stops training after <see cref="Patience"/> epochs without one.</summary>
    public void OnEpochEnd(TrainingContext context, EpochResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        if (result.ValidationLoss is not { } current) return;
        if (current < BestLoss - MinDelta)
        {
            BestLoss = current;
            BestEpoch = result.Epoch;
            _best?.Take();
        }
        else if (result.Epoch - (BestEpoch ?? 0) >= Patience)
        {
            context.RequestStop();
        }
    }

    /// <summary>With <see cref="RestoreBestWeights"/>, gives the model the best epoch's weights (unless that was the last epoch).</summary>
    public void OnTrainingEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_best is not null && BestEpoch is { } best && context.History.Count > 0 && best != context.History[^1].Epoch) _best.Restore();
    }

    void ICheckpointable.SaveState(StateDict state)
    {
        state.Add("patience", Patience);
        state.Add("min_delta", MinDelta);
        state.Add("restore_best_weights", RestoreBestWeights);
        state.Add("best_loss", BestLoss);
        state.Add("best_epoch", BestEpoch ?? 0);
        if (_best is null || BestEpoch is null) return;
        StateDict weights = state.AddDict("best_weights");
        for (int k = 0; k < _best.Count; k++) weights.Add(k.ToString(CultureInfo.InvariantCulture), _best.Value(k).ToArray());
    }

    void ICheckpointable.LoadState(StateDict state)
    {
        state.RequireSame("patience", Patience, nameof(EarlyStopping), "options");
        state.RequireSame("min_delta", MinDelta, nameof(EarlyStopping), "options");
        state.RequireSame("restore_best_weights", RestoreBestWeights ? 1 : 0, nameof(EarlyStopping), "options");
        BestLoss = state.GetSingle("best_loss");
        int best = state.GetInt32("best_epoch", min: 0);
        BestEpoch = best == 0 ? null : best;
        if (_best is null || BestEpoch is null) return;
        StateDict weights = state.GetDict("best_weights");
        for (int k = 0; k < _best.Count; k++)
        {
            float[] saved = weights.GetFloats(k.ToString(CultureInfo.InvariantCulture));
            Span<float> copy = _best.Value(k);
            if (saved.Length != copy.Length)
                throw new InvalidDataException($"The checkpoint is invalid: {weights.Path}/{k} holds {saved.Length} values but parameter {k} has {copy.Length}.");
            saved.CopyTo(copy);
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"EarlyStopping(patience {Patience}, min delta {MinDelta}{(RestoreBestWeights ? ", restoring the best weights" : "")})");
}
