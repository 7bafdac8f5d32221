using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet;

/// <summary>
/// The <see cref="SchemaShape"/> of a trainer's output, made through ML.NET's public API: its column constructor and
/// <c>SchemaShape.Create(DataViewSchema)</c> are internal, so the new columns come from a custom mapping's output schema
/// definition (which states their types and annotations), and multiclass <c>PredictedLabel</c> from copying the label, as
/// ML.NET's own multiclass trainers give it the label's key type and key values.
/// </summary>
internal static class OutputShape
{
    public static SchemaShape Of(SchemaShape input, MlpTask task, string labelColumnName)
    {
        // A context of its own: only estimators are built on it, never trained, so its seed does not matter.
        var context = new MLContext(seed: 0);
        return task switch
        {
            MlpTask.MulticlassClassification => context.Transforms.CopyColumns(ColumnNames.PredictedLabel, labelColumnName)
                .GetOutputSchema(Add<MulticlassColumns>(context, input, MulticlassScore(input, labelColumnName))),
            MlpTask.BinaryClassification => Add<BinaryColumns>(context, input, SchemaDefinition.Create(typeof(BinaryColumns))),
            _ => Add<RegressionColumns>(context, input, SchemaDefinition.Create(typeof(RegressionColumns))),
        };
    }

    private static SchemaShape Add<TColumns>(MLContext context, SchemaShape input, SchemaDefinition columns) where TColumns : class, new() =>
        context.Transforms.CustomMapping<NoColumns, TColumns>((_, _) => { }, contractName: null, outputSchemaDefinition: columns)
            .GetOutputSchema(input);

    // A shape keeps no vector size, so any known size states "vector of Single"; slot names when the label has key values.
    private static SchemaDefinition MulticlassScore(SchemaShape input, string labelColumnName)
    {
        const int AnySize = 2;
        SchemaDefinition definition = SchemaDefinition.Create(typeof(MulticlassColumns));
        SchemaDefinition.Column score = definition[ColumnNames.Score];
        score.ColumnType = new VectorDataViewType(NumberDataViewType.Single, AnySize);
        bool named = input.First(column => column.Name == labelColumnName).Annotations.Any(a => a.Name == ClassNames.KeyValuesKind);
        if (named)
            score.AddAnnotation("SlotNames", new VBuffer<ReadOnlyMemory<char>>(AnySize, new ReadOnlyMemory<char>[AnySize]),
                new VectorDataViewType(TextDataViewType.Instance, AnySize));
        return definition;
    }

    // The mapping reads no column.
    private sealed class NoColumns;

#pragma warning disable CS0649 // Read by ML.NET's schema definition, never written: only their types matter.
    private sealed class MulticlassColumns
    {
        public float[]? Score;
    }

    private sealed class BinaryColumns
    {
        public float Score;
        public float Probability;
        public bool PredictedLabel;
    }

    private sealed class RegressionColumns
    {
        public float Score;
    }
#pragma warning restore CS0649
}
