using Microsoft.ML;

namespace NeuralNet.MLNet;

/// <summary>
/// What a scored row (<see cref="ScoredRow"/>) or cursor (<see cref="ScoredCursor"/>) shows: the input's columns through
/// its own getters, and the added ones through the scorer's, each typed as the schema says.
/// </summary>
internal sealed class ScoredColumns
{
    private readonly DataViewRow _input;
    private readonly int _inputCount;
    private readonly bool[] _active;
    private readonly Delegate?[] _getters;

    public ScoredColumns(DataViewRow input, DataViewSchema schema, int inputCount, bool[] active, RowScores? scores, Scorer scorer)
    {
        _input = input;
        Schema = schema;
        _inputCount = inputCount;
        _active = active;
        _getters = new Delegate?[schema.Count - inputCount];
        for (int k = 0; k < _getters.Length; k++)
            if (active[inputCount + k]) _getters[k] = scorer.Getter(k, scores!);
    }

    public DataViewSchema Schema { get; }

    public bool IsColumnActive(DataViewSchema.Column column)
    {
        Check(column);
        return _active[column.Index];
    }

    public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        Check(column);
        if (!_active[column.Index])
            throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the cursor was made, so it has no getter.");
        if (column.Index < _inputCount) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        return _getters[column.Index - _inputCount] as ValueGetter<TValue>
            ?? throw new InvalidOperationException(
                $"Column '{column.Name}' is {column.Type} (read as {column.Type.RawType.Name}), not {typeof(TValue).Name}.");
    }

    private void Check(DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= Schema.Count || Schema[column.Index].Name != column.Name)
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' (index {column.Index}) is not a column of this row.");
    }
}
