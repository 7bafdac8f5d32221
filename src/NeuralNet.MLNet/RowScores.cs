using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet;

/// <summary>
/// The network's outputs for the current row of one cursor (or mapped row), computed once per row, on the first read of
/// any added column: the row's features are densified and checked, then scored.
/// </summary>
internal sealed class RowScores
{
    private readonly DataViewRow _input;
    private readonly Scorer _scorer;
    private readonly string _featureColumnName;
    private readonly ValueGetter<VBuffer<float>> _features;
    private readonly float[] _dense;
    private readonly float[] _outputs;
    private VBuffer<float> _buffer;
    private long _position = -1;

    public RowScores(DataViewRow input, DataViewSchema.Column features, int featureCount, Scorer scorer)
    {
        _input = input;
        _scorer = scorer;
        _featureColumnName = features.Name;
        _features = input.GetGetter<VBuffer<float>>(features);
        _dense = new float[featureCount];
        _outputs = new float[scorer.Outputs];
    }

    /// <summary>The current row's outputs.</summary>
    /// <exception cref="ArgumentException">The row's features hold NaN or ∞ (the message names the column and the row).</exception>
    public ReadOnlySpan<float> Outputs
    {
        get
        {
            if (_position != _input.Position)
            {
                _features(ref _buffer);
                _buffer.CopyTo(_dense);
                int bad = Array.FindIndex(_dense, static v => !float.IsFinite(v));
                if (bad >= 0)
                    throw new ArgumentException(
                        $"The feature column '{_featureColumnName}' holds {_dense[bad]} in slot {bad} of row {_input.Position}; the MLP scores finite features only (ReplaceMissingValues, or filter the rows).");
                _scorer.Score(_dense, _outputs);
                _position = _input.Position;
            }
            return _outputs;
        }
    }
}
