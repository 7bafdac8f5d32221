using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet.Tests;

/// <summary>The added columns have ML.NET's standard names and types, on real data and in the propagated schema shape.</summary>
public sealed class SchemaTests
{
    private static readonly MlpTrainerOptions Quick = new() { HiddenLayers = [8], Epochs = 1, Seed = 1 };

    [Fact]
    public void Multiclass_adds_a_Score_vector_named_by_class_and_a_PredictedLabel_key_of_the_label()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(TestData.Digits[..200]);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        MlpTransformer mlp = ml.MulticlassClassification.Trainers.Mlp(Quick).Fit(keyed);

        DataViewSchema schema = mlp.GetOutputSchema(keyed.Schema);

        schema["Score"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Single, 10));
        schema["PredictedLabel"].Type.Should().Be(keyed.Schema["Label"].Type).And.Be(new KeyDataViewType(typeof(uint), 10));
        VBuffer<ReadOnlyMemory<char>> slots = default, predictedValues = default, labelValues = default;
        schema["Score"].GetSlotNames(ref slots);
        schema["PredictedLabel"].GetKeyValues(ref predictedValues);
        keyed.Schema["Label"].GetKeyValues(ref labelValues);
        string[] labels = labelValues.DenseValues().Select(v => v.ToString()).ToArray();
        slots.DenseValues().Select(v => v.ToString()).Should().Equal(labels);
        predictedValues.DenseValues().Select(v => v.ToString()).Should().Equal(labels);
        schema.Where(c => !c.IsHidden).Select(c => c.Name).Should().Equal("Features", "Label", "Score", "PredictedLabel");
        mlp.Classes.Should().Be(10);
        mlp.FeatureCount.Should().Be(64);
    }

    [Fact]
    public void Binary_adds_Single_Score_and_Probability_and_a_Boolean_PredictedLabel_and_regression_a_Single_Score()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(TestData.Points(50, seed: 1));
        MlpTransformer binary = ml.BinaryClassification.Trainers.Mlp(Quick.With(label: nameof(PointRow.Inside))).Fit(data);
        MlpTransformer regression = ml.Regression.Trainers.Mlp(Quick.With(label: nameof(PointRow.Value))).Fit(data);

        DataViewSchema b = binary.GetOutputSchema(data.Schema), r = regression.GetOutputSchema(data.Schema);

        b.Skip(data.Schema.Count).Select(c => (c.Name, c.Type)).Should().Equal(
            ("Score", NumberDataViewType.Single), ("Probability", NumberDataViewType.Single), ("PredictedLabel", BooleanDataViewType.Instance));
        r.Skip(data.Schema.Count).Select(c => (c.Name, c.Type)).Should().Equal([("Score", NumberDataViewType.Single)]);
    }

    [Fact]
    public void The_propagated_shape_states_the_same_columns_so_MapKeyToValue_after_the_trainer_checks_out()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(TestData.Digits[..50]);
        // The shape of the keyed data, as ML.NET makes it, comes from an estimator that passes it through.
        SchemaShape? seen = null;
        var probe = new ShapeProbe(shape => seen = shape);
        ml.Transforms.Conversion.MapValueToKey("Label").Append(probe).Fit(data);
        var trainer = ml.MulticlassClassification.Trainers.Mlp(Quick);

        SchemaShape output = trainer.GetOutputSchema(seen!);

        SchemaShape.Column score = output.Single(c => c.Name == "Score"), predicted = output.Single(c => c.Name == "PredictedLabel");
        (score.Kind, score.ItemType, score.IsKey).Should().Be((SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false));
        score.Annotations.Select(a => (a.Name, a.Kind, a.ItemType)).Should().Equal([("SlotNames", SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance)]);
        SchemaShape.Column label = seen!.Single(c => c.Name == "Label");
        (predicted.Kind, predicted.ItemType, predicted.IsKey).Should().Be((label.Kind, label.ItemType, true));
        predicted.Annotations.Select(a => a.Name).Should().Equal(label.Annotations.Select(a => a.Name)).And.Contain("KeyValues");
        ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").GetOutputSchema(output)
            .Single(c => c.Name == "PredictedLabel").ItemType.Should().Be(TextDataViewType.Instance);

        var binaryShape = ml.BinaryClassification.Trainers.Mlp(Quick.With(label: "Bool")).GetOutputSchema(
            ml.Transforms.CopyColumns("Bool", "Bool").GetOutputSchema(ShapeOf(ml, ml.Data.LoadFromEnumerable(TestData.Points(5, 1)), "Inside", "Bool")));
        binaryShape.Where(c => c.Name is "Score" or "Probability" or "PredictedLabel").Select(c => (c.Name, c.ItemType)).Should().Equal(
            ("Score", NumberDataViewType.Single), ("Probability", NumberDataViewType.Single), ("PredictedLabel", BooleanDataViewType.Instance));
    }

    private static SchemaShape ShapeOf(MLContext ml, IDataView data, string from, string to)
    {
        SchemaShape? seen = null;
        ml.Transforms.CopyColumns(to, from).Append(new ShapeProbe(shape => seen = shape)).Fit(data);
        return seen!;
    }

    /// <summary>An estimator that shows the shape a pipeline hands it and passes the data through.</summary>
    private sealed class ShapeProbe(Action<SchemaShape> seen) : IEstimator<ITransformer>
    {
        public ITransformer Fit(IDataView input) => new MLContext().Transforms.CopyColumns("Features", "Features").Fit(input);

        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            seen(inputSchema);
            return inputSchema;
        }
    }
}

internal static class OptionsExtensions
{
    /// <summary>A copy of the options reading another label column.</summary>
    public static MlpTrainerOptions With(this MlpTrainerOptions o, string label) => new()
    {
        LabelColumnName = label, FeatureColumnName = o.FeatureColumnName, HiddenLayers = o.HiddenLayers, Activation = o.Activation,
        Epochs = o.Epochs, BatchSize = o.BatchSize, Optimizer = o.Optimizer, LearningRate = o.LearningRate, Seed = o.Seed,
    };
}
