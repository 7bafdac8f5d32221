using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet;

/// <summary>
/// What the trainer and the transformer need of their input columns, checked alike on a <see cref="SchemaShape"/> (when a
/// pipeline propagates its schema) and on a <see cref="DataViewSchema"/> (on real data); every message names the column.
/// </summary>
internal static class ColumnRules
{
    private const string FeatureNeed = "a vector of Single of known size (Concatenate the feature columns, ConvertType them to Single)";

    public static void RequireFeatures(SchemaShape shape, string name)
    {
        SchemaShape.Column column = Find(shape, name, "feature");
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single || column.IsKey)
            throw Mistyped("feature", name, Describe(column), FeatureNeed);
    }

    public static void RequireLabel(SchemaShape shape, string name, MlpTask task)
    {
        SchemaShape.Column column = Find(shape, name, "label");
        bool fits = column.Kind == SchemaShape.Column.VectorKind.Scalar && task switch
        {
            MlpTask.MulticlassClassification => column.IsKey && column.ItemType == NumberDataViewType.UInt32,
            MlpTask.BinaryClassification => !column.IsKey && column.ItemType == BooleanDataViewType.Instance,
            _ => !column.IsKey && column.ItemType == NumberDataViewType.Single,
        };
        if (!fits) throw Mistyped("label", name, Describe(column), LabelNeed(task));
    }

    /// <summary>The feature column, checked; returns its size.</summary>
    public static int RequireFeatures(DataViewSchema schema, string name)
    {
        DataViewSchema.Column column = Find(schema, name, "feature");
        if (column.Type is not VectorDataViewType { ItemType: var item, Size: > 0 and var size } || item != NumberDataViewType.Single)
            throw Mistyped("feature", name, column.Type.ToString()!, FeatureNeed);
        return size;
    }

    /// <summary>The label column, checked for the task.</summary>
    public static DataViewSchema.Column RequireLabel(DataViewSchema schema, string name, MlpTask task)
    {
        DataViewSchema.Column column = Find(schema, name, "label");
        bool fits = task switch
        {
            MlpTask.MulticlassClassification => column.Type is KeyDataViewType { RawType: var raw } && raw == typeof(uint),
            MlpTask.BinaryClassification => column.Type == BooleanDataViewType.Instance,
            _ => column.Type == NumberDataViewType.Single,
        };
        if (!fits) throw Mistyped("label", name, column.Type.ToString()!, LabelNeed(task));
        if (task == MlpTask.MulticlassClassification && ((KeyDataViewType)column.Type).Count < 2)
            throw new ArgumentException(
                $"The label column '{name}' is {column.Type}, a key of {((KeyDataViewType)column.Type).Count} values, but a multiclass MLP needs at least 2 classes.", "input");
        return column;
    }

    private static string LabelNeed(MlpTask task) => task switch
    {
        MlpTask.MulticlassClassification => "a key of UInt32 for multiclass classification (MapValueToKey)",
        MlpTask.BinaryClassification => "Boolean for binary classification",
        _ => "Single for regression (ConvertType)",
    };

    private static SchemaShape.Column Find(SchemaShape shape, string name, string role)
    {
        foreach (SchemaShape.Column column in shape)
            if (column.Name == name) return column;
        throw Missing(role, name, shape.Select(column => column.Name));
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role) =>
        schema.GetColumnOrNull(name) ?? throw Missing(role, name, schema.Where(column => !column.IsHidden).Select(column => column.Name));

    private static ArgumentException Missing(string role, string name, IEnumerable<string> present) =>
        new($"The {role} column '{name}' is not in the data; its columns are: {string.Join(", ", present.Select(n => $"'{n}'"))}.", "input");

    private static ArgumentException Mistyped(string role, string name, string actual, string need) =>
        new($"The {role} column '{name}' is {actual}, but the MLP needs {need}.", "input");

    private static string Describe(SchemaShape.Column column)
    {
        string item = column.IsKey ? $"Key<{column.ItemType}>" : $"{column.ItemType}";
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Scalar => item,
            SchemaShape.Column.VectorKind.Vector => $"Vector<{item}>",
            _ => $"Vector<{item}> of variable size",
        };
    }
}
