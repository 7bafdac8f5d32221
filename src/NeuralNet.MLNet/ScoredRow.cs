using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet;

/// <summary>A row of <see cref="ScoringMap.GetRow"/>: the input row with the added columns. It does not own the input row.</summary>
internal sealed class ScoredRow(DataViewRow input, ScoredColumns columns) : DataViewRow
{
    public override DataViewSchema Schema => columns.Schema;

    public override long Position => input.Position;

    public override long Batch => input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => columns.IsColumnActive(column);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => columns.GetGetter<TValue>(column);
}
