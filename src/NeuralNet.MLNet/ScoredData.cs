using Microsoft.ML;

namespace NeuralNet.MLNet;

/// <summary><see cref="MlpTransformer.Transform"/>'s result: the input data with the added columns, scored lazily row by row.</summary>
internal sealed class ScoredData(ScoringMap map, IDataView input) : IDataView
{
    public DataViewSchema Schema => map.OutputSchema;

    public bool CanShuffle => input.CanShuffle;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        DataViewSchema.Column[] needed = [.. columnsNeeded];
        DataViewRowCursor cursor = input.GetRowCursor(map.GetDependencies(needed), rand);
        return new ScoredCursor(cursor, map.Bind(cursor, needed));
    }

    /// <summary>One scored cursor per input cursor; they may run on parallel threads, as the network's Predict is thread-safe.</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        DataViewSchema.Column[] needed = [.. columnsNeeded];
        return input.GetRowCursorSet(map.GetDependencies(needed), n, rand)
            .Select(cursor => (DataViewRowCursor)new ScoredCursor(cursor, map.Bind(cursor, needed)))
            .ToArray();
    }
}
