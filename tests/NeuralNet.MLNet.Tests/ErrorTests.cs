using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet.Tests;

/// <summary>Data the trainer cannot use fails early with a message that names the column (and the row).</summary>
public sealed class ErrorTests
{
    private static readonly MlpTrainerOptions Quick = new() { HiddenLayers = [4], Epochs = 1, Seed = 1 };
    private readonly MLContext _ml = new(seed: 1);

    private sealed class DoubleRow
    {
        [VectorType(2)] public double[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    private sealed class FloatLabelRow
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private IDataView Keyed(IEnumerable<DigitRow> rows) =>
        _ml.Transforms.Conversion.MapValueToKey("Label").Fit(_ml.Data.LoadFromEnumerable(rows)).Transform(_ml.Data.LoadFromEnumerable(rows));

    [Fact]
    public void A_missing_feature_column_is_named_in_a_pipeline_and_in_Fit()
    {
        var trainer = _ml.MulticlassClassification.Trainers.Mlp(featureColumnName: "Pixels");
        var pipeline = _ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer);
        IDataView data = _ml.Data.LoadFromEnumerable(TestData.Digits[..20]);

        FluentActions.Invoking(() => pipeline.Fit(data)).Should().Throw<ArgumentException>()
            .WithMessage("*feature column 'Pixels' is not in the data*'Features'*");
        FluentActions.Invoking(() => trainer.Fit(Keyed(TestData.Digits[..20]))).Should().Throw<ArgumentException>()
            .WithMessage("*feature column 'Pixels' is not in the data*");
    }

    [Fact]
    public void A_feature_column_of_doubles_is_named_with_its_type()
    {
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new DoubleRow { Features = [1, 2], Label = true } });
        var trainer = _ml.BinaryClassification.Trainers.Mlp(Quick);

        FluentActions.Invoking(() => trainer.Fit(data)).Should().Throw<ArgumentException>()
            .WithMessage("The feature column 'Features' is Vector<Double, 2>, but the MLP needs a vector of Single of known size*");
        FluentActions.Invoking(() => _ml.Transforms.CopyColumns("Label", "Label").Append(trainer).Fit(data)).Should().Throw<ArgumentException>()
            .WithMessage("The feature column 'Features' is Vector<Double>*");
    }

    [Fact]
    public void A_label_of_the_wrong_type_is_named_with_what_the_task_needs()
    {
        IDataView digits = _ml.Data.LoadFromEnumerable(TestData.Digits[..20]);
        IDataView floats = _ml.Data.LoadFromEnumerable(new[] { new FloatLabelRow { Features = [1, 2], Label = 1 } });

        FluentActions.Invoking(() => _ml.MulticlassClassification.Trainers.Mlp(Quick).Fit(digits)).Should().Throw<ArgumentException>()
            .WithMessage("The label column 'Label' is String, but the MLP needs a key of UInt32 for multiclass classification (MapValueToKey).*");
        FluentActions.Invoking(() => _ml.BinaryClassification.Trainers.Mlp(Quick).Fit(floats)).Should().Throw<ArgumentException>()
            .WithMessage("The label column 'Label' is Single, but the MLP needs Boolean*");
        FluentActions.Invoking(() => _ml.Regression.Trainers.Mlp(Quick).Fit(digits)).Should().Throw<ArgumentException>()
            .WithMessage("The label column 'Label' is String, but the MLP needs Single for regression*");
    }

    [Fact]
    public void A_label_MapValueToKey_never_saw_is_out_of_range_and_named_with_its_row()
    {
        // Keys learnt from digits 0 and 1 only: every other digit becomes key 0, the missing key.
        DigitRow[] rows = TestData.Digits[..30];
        var map = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(_ml.Data.LoadFromEnumerable(rows.Where(r => r.Label is "0" or "1")));
        IDataView keyed = map.Transform(_ml.Data.LoadFromEnumerable(rows));
        int firstOther = Array.FindIndex(rows, r => r.Label is not ("0" or "1"));

        FluentActions.Invoking(() => _ml.MulticlassClassification.Trainers.Mlp(Quick).Fit(keyed)).Should().Throw<ArgumentException>()
            .WithMessage($"The label column 'Label' holds the key 0 in row {firstOther}, outside 1 … 2 (0 is a missing label*");
    }

    [Fact]
    public void An_empty_data_view_names_the_columns()
    {
        IDataView empty = _ml.Data.LoadFromEnumerable(Array.Empty<PointRow>());

        FluentActions.Invoking(() => _ml.BinaryClassification.Trainers.Mlp(Quick.With(label: "Inside")).Fit(empty)).Should().Throw<ArgumentException>()
            .WithMessage("The training data has no rows (feature column 'Features', label column 'Inside').*");
    }

    [Fact]
    public void NaN_features_in_training_or_scoring_are_named_with_column_slot_and_row()
    {
        PointRow[] rows = TestData.Points(10, seed: 1);
        MlpTransformer mlp = _ml.Regression.Trainers.Mlp(Quick.With(label: "Value")).Fit(_ml.Data.LoadFromEnumerable(rows));
        rows[3].Features[1] = float.NaN;
        IDataView bad = _ml.Data.LoadFromEnumerable(rows);

        FluentActions.Invoking(() => _ml.Regression.Trainers.Mlp(Quick.With(label: "Value")).Fit(bad)).Should().Throw<ArgumentException>()
            .WithMessage("The feature column 'Features' holds NaN in slot 1 of row 3;*");
        FluentActions.Invoking(() => TestData.Column<float>(mlp.Transform(bad), "Score")).Should().Throw<ArgumentException>()
            .WithMessage("The feature column 'Features' holds NaN in slot 1 of row 3;*");
    }

    [Fact]
    public void Scoring_data_whose_features_have_another_size_is_refused()
    {
        MlpTransformer mlp = _ml.MulticlassClassification.Trainers.Mlp(Quick).Fit(Keyed(TestData.Digits[..20]));
        IDataView points = _ml.Data.LoadFromEnumerable(TestData.Points(3, seed: 1));

        FluentActions.Invoking(() => mlp.Transform(points)).Should().Throw<ArgumentException>()
            .WithMessage("The feature column 'Features' has 2 values per row but the MLP was trained on 64.*");
    }

    [Fact]
    public void Options_that_cannot_train_are_refused_when_the_trainer_is_made()
    {
        var catalog = _ml.MulticlassClassification.Trainers;
        FluentActions.Invoking(() => catalog.Mlp(new MlpTrainerOptions { EarlyStoppingPatience = 3 })).Should().Throw<ArgumentException>()
            .WithMessage("EarlyStoppingPatience is 3;*needs ValidationFraction > 0*");
        FluentActions.Invoking(() => catalog.Mlp(new MlpTrainerOptions { HiddenLayers = [10, 0] })).Should().Throw<ArgumentException>()
            .WithMessage("HiddenLayers[1] is 0;*");
        FluentActions.Invoking(() => catalog.Mlp(new MlpTrainerOptions { LearningRate = -1 })).Should().Throw<ArgumentException>()
            .WithMessage("*-1*");
    }
}
