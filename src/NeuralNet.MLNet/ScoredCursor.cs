using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet;

/// <summary>A cursor of <see cref="ScoredData"/>: moves its input cursor, which it owns, and adds the scored columns.</summary>
internal sealed class ScoredCursor(DataViewRowCursor input, ScoredColumns columns) : DataViewRowCursor
{
    public override DataViewSchema Schema => columns.Schema;

    public override long Position => input.Position;

    public override long Batch => input.Batch;

    public override bool MoveNext() => input.MoveNext();

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => columns.IsColumnActive(column);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => columns.GetGetter<TValue>(column);

    protected override void Dispose(bool disposing)
    {
        if (disposing) input.Dispose();
        base.Dispose(disposing);
    }
}
