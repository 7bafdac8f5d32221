using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet;

/// <summary>
/// The transformer on one input schema: the output schema (every input column, then the added ones, which hide input
/// columns of the same names), which input columns an output needs, and rows that score lazily. As an
/// <see cref="IRowToRowMapper"/> it is what <see cref="PredictionEngine{TSrc, TDst}"/> runs.
/// </summary>
internal sealed class ScoringMap : IRowToRowMapper
{
    private readonly MlpTransformer _transformer;
    private readonly DataViewSchema.Column _features;

    public ScoringMap(MlpTransformer transformer, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        _transformer = transformer;
        int size = ColumnRules.RequireFeatures(inputSchema, transformer.FeatureColumnName);
        if (size != transformer.FeatureCount)
            throw new ArgumentException(
                $"The feature column '{transformer.FeatureColumnName}' has {size} values per row but the MLP was trained on {transformer.FeatureCount}.", nameof(inputSchema));
        _features = inputSchema[transformer.FeatureColumnName];
        InputSchema = inputSchema;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        transformer.Scorer.AddColumns(builder);
        OutputSchema = builder.ToSchema();
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    private bool IsAdded(DataViewSchema.Column column) => column.Index >= InputSchema.Count;

    /// <summary>The input columns the given output columns need: themselves if passed through, the features if added.</summary>
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = new SortedSet<int>();
        foreach (DataViewSchema.Column column in dependingColumns)
            needed.Add(IsAdded(column) ? _features.Index : column.Index);
        return needed.Select(index => InputSchema[index]).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Schema != InputSchema)
            throw new ArgumentException("The row's schema is not the one this mapper was made for.", nameof(input));
        return new ScoredRow(input, Bind(input, activeColumns));
    }

    /// <summary>The added columns' getters over an input row (or cursor), for the active output columns.</summary>
    public ScoredColumns Bind(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        bool[] active = new bool[OutputSchema.Count];
        foreach (DataViewSchema.Column column in activeColumns) active[column.Index] = true;
        bool scored = active.Skip(InputSchema.Count).Any(a => a);
        RowScores? scores = scored ? new RowScores(input, _features, _transformer.FeatureCount, _transformer.Scorer) : null;
        return new ScoredColumns(input, OutputSchema, InputSchema.Count, active, scores, _transformer.Scorer);
    }
}
