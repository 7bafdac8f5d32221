using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet;

/// <summary>
/// One task's output columns: their types and annotations, the network's outputs for one row of features, and each
/// column's value from those outputs. <see cref="Mlp.Predict(ReadOnlySpan{float}, Span{float})"/> is thread-safe, so one
/// scorer serves every cursor.
/// </summary>
internal abstract class Scorer
{
    /// <summary>The values the network computes per row.</summary>
    public abstract int Outputs { get; }

    /// <summary>The columns this task adds, in order, appended after the input's.</summary>
    public abstract void AddColumns(DataViewSchema.Builder builder);

    /// <summary>The number of columns <see cref="AddColumns"/> adds.</summary>
    public abstract int ColumnCount { get; }

    /// <summary>Computes the network's outputs for one row.</summary>
    public abstract void Score(ReadOnlySpan<float> features, Span<float> outputs);

    /// <summary>A getter of added column <paramref name="column"/> (0-based among the added), reading the row's outputs.</summary>
    public abstract Delegate Getter(int column, RowScores row);

    public static Scorer For(MlpTask task, Mlp model, int classes, ClassNames? names) => task switch
    {
        MlpTask.MulticlassClassification => new Multiclass(model, classes, names),
        MlpTask.BinaryClassification => new Binary(model),
        _ => new Regression(model),
    };

    /// <summary>Score: the K softmax probabilities; PredictedLabel: the key (from 1) of the largest, the first on ties.</summary>
    private sealed class Multiclass(Mlp model, int classes, ClassNames? names) : Scorer
    {
        public override int Outputs => classes;

        public override int ColumnCount => 2;

        public override void AddColumns(DataViewSchema.Builder builder)
        {
            var score = new DataViewSchema.Annotations.Builder();
            names?.AddSlotNames(score);
            builder.AddColumn(ColumnNames.Score, new VectorDataViewType(NumberDataViewType.Single, classes), score.ToAnnotations());
            var predicted = new DataViewSchema.Annotations.Builder();
            names?.AddKeyValues(predicted);
            builder.AddColumn(ColumnNames.PredictedLabel, new KeyDataViewType(typeof(uint), classes), predicted.ToAnnotations());
        }

        public override void Score(ReadOnlySpan<float> features, Span<float> outputs) => model.Predict(features, outputs);

        public override Delegate Getter(int column, RowScores row) => column == 0
            ? (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                ReadOnlySpan<float> scores = row.Outputs;
                VBufferEditor<float> editor = VBufferEditor.Create(ref value, scores.Length);
                scores.CopyTo(editor.Values);
                value = editor.Commit();
            })
            : (ValueGetter<uint>)((ref uint value) => value = (uint)TensorPrimitives.IndexOfMax(row.Outputs) + 1);
    }

    /// <summary>
    /// Score: the logit z, the output before the final sigmoid (the network without its last layer, sharing its weights);
    /// Probability: σ(z), by the sigmoid layer's own function, so it equals the full network's output; PredictedLabel: z &gt; 0.
    /// </summary>
    private sealed class Binary(Mlp model) : Scorer
    {
        private readonly Mlp _logit = new([.. model.Layers.Take(model.Layers.Count - 1)]);

        public override int Outputs => 1;

        public override int ColumnCount => 3;

        public override void AddColumns(DataViewSchema.Builder builder)
        {
            builder.AddColumn(ColumnNames.Score, NumberDataViewType.Single);
            builder.AddColumn(ColumnNames.Probability, NumberDataViewType.Single);
            builder.AddColumn(ColumnNames.PredictedLabel, BooleanDataViewType.Instance);
        }

        public override void Score(ReadOnlySpan<float> features, Span<float> outputs) => _logit.Predict(features, outputs);

        public override Delegate Getter(int column, RowScores row) => column switch
        {
            0 => (ValueGetter<float>)((ref float value) => value = row.Outputs[0]),
            1 => (ValueGetter<float>)((ref float value) =>
            {
                Span<float> probability = stackalloc float[1];
                TensorPrimitives.Sigmoid(row.Outputs, probability);
                value = probability[0];
            }),
            _ => (ValueGetter<bool>)((ref bool value) => value = row.Outputs[0] > 0f),
        };
    }

    /// <summary>Score: the network's one output.</summary>
    private sealed class Regression(Mlp model) : Scorer
    {
        public override int Outputs => 1;

        public override int ColumnCount => 1;

        public override void AddColumns(DataViewSchema.Builder builder) => builder.AddColumn(ColumnNames.Score, NumberDataViewType.Single);

        public override void Score(ReadOnlySpan<float> features, Span<float> outputs) => model.Predict(features, outputs);

        public override Delegate Getter(int column, RowScores row) => (ValueGetter<float>)((ref float value) => value = row.Outputs[0]);
    }
}
