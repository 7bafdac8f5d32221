using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet;

/// <summary>
/// The training rows read out of an <see cref="IDataView"/> into NeuralNet's matrices: the features (N × features) and the
/// targets in the form the task's loss takes (one-hot for multiclass, 0/1 for binary, the label for regression), each row
/// checked, with messages that name the column and the row.
/// </summary>
internal sealed class TrainingSet
{
    private TrainingSet(Matrix<float> features, Matrix<float> targets) => (Features, Targets) = (features, targets);

    public Matrix<float> Features { get; }

    public Matrix<float> Targets { get; }

    public int Rows => Features.RowCount;

    /// <exception cref="ArgumentException">No rows, non-finite features, or a label that is missing or out of range.</exception>
    public static TrainingSet Read(IDataView data, DataViewSchema.Column featureColumn, int featureCount, DataViewSchema.Column labelColumn,
                                   MlpTask task, int classes)
    {
        var features = new List<float>();
        var labels = new List<float>();
        using (DataViewRowCursor cursor = data.GetRowCursor([featureColumn, labelColumn]))
        {
            ValueGetter<VBuffer<float>> getFeatures = cursor.GetGetter<VBuffer<float>>(featureColumn);
            Func<float> getLabel = LabelReader(cursor, labelColumn, task, classes);
            VBuffer<float> row = default;
            float[] dense = new float[featureCount];
            while (cursor.MoveNext())
            {
                getFeatures(ref row);
                row.CopyTo(dense);
                int bad = Array.FindIndex(dense, static v => !float.IsFinite(v));
                if (bad >= 0)
                    throw new ArgumentException(
                        $"The feature column '{featureColumn.Name}' holds {dense[bad]} in slot {bad} of row {cursor.Position}; the MLP trains on finite features only (ReplaceMissingValues, or filter the rows).", "input");
                features.AddRange(dense);
                labels.Add(getLabel());
            }
        }
        int n = labels.Count;
        if (n == 0)
            throw new ArgumentException($"The training data has no rows (feature column '{featureColumn.Name}', label column '{labelColumn.Name}').", "input");
        Matrix<float> x = Matrix<float>.Build.Dense(n, featureCount, (i, j) => features[i * featureCount + j]);
        Matrix<float> y = task == MlpTask.MulticlassClassification
            ? Matrix<float>.Build.Dense(n, classes, (i, k) => labels[i] == k ? 1f : 0f)
            : Matrix<float>.Build.Dense(n, 1, (i, _) => labels[i]);
        return new TrainingSet(x, y);
    }

    /// <summary>A reader of the current row's label as a float: the class index from 0 (multiclass), 0 or 1 (binary), the value (regression).</summary>
    private static Func<float> LabelReader(DataViewRowCursor cursor, DataViewSchema.Column column, MlpTask task, int classes)
    {
        switch (task)
        {
            case MlpTask.MulticlassClassification:
            {
                ValueGetter<uint> get = cursor.GetGetter<uint>(column);
                return () =>
                {
                    uint key = 0;
                    get(ref key);
                    if (key == 0 || key > classes)
                        throw new ArgumentException(
                            $"The label column '{column.Name}' holds the key {key} in row {cursor.Position}, outside 1 … {classes}{(key == 0 ? " (0 is a missing label: a value MapValueToKey did not see)" : "")}; filter such rows out.", "input");
                    return key - 1;
                };
            }
            case MlpTask.BinaryClassification:
            {
                ValueGetter<bool> get = cursor.GetGetter<bool>(column);
                return () =>
                {
                    bool label = false;
                    get(ref label);
                    return label ? 1f : 0f;
                };
            }
            default:
            {
                ValueGetter<float> get = cursor.GetGetter<float>(column);
                return () =>
                {
                    float label = 0;
                    get(ref label);
                    if (!float.IsFinite(label))
                        throw new ArgumentException(
                            $"The label column '{column.Name}' holds {label} in row {cursor.Position}; a regression label must be finite (filter such rows out).", "input");
                    return label;
                };
            }
        }
    }
}
