using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet.Tests;

/// <summary>
/// The transformer saves and loads in its own file; ML.NET's model file cannot hold it, and saving a pipeline that
/// contains it says what to do instead.
/// </summary>
public sealed class SaveLoadTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralnet-mlnet-").FullName;
    private readonly MLContext _ml = new(seed: 1);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (ITransformer[] Parts, IDataView Test) FitDigits()
    {
        IDataView train = _ml.Data.LoadFromEnumerable(TestData.Digits[..400]);
        ITransformer model = TestData.DigitsPipeline(_ml, new MlpTrainerOptions { HiddenLayers = [16], Epochs = 3, Seed = 1 }).Fit(train);
        return (((IEnumerable<ITransformer>)model).ToArray(), _ml.Data.LoadFromEnumerable(TestData.Digits[400..500]));
    }

    [Fact]
    public void A_pipeline_saved_in_parts_and_loaded_predicts_as_before()
    {
        var (parts, test) = FitDigits();
        var whole = new TransformerChain<ITransformer>(parts);
        // The documented route: ML.NET saves what comes before and after, the transformer saves itself.
        string before = Path.Combine(_folder, "before.zip"), mlp = Path.Combine(_folder, "digits.mlp"), after = Path.Combine(_folder, "after.zip");
        var prefix = new TransformerChain<ITransformer>(parts[..2]);
        _ml.Model.Save(prefix, test.Schema, before);
        ((MlpTransformer)parts[2]).Save(mlp);
        _ml.Model.Save(parts[3], parts[2].GetOutputSchema(prefix.GetOutputSchema(test.Schema)), after);

        var context = new MLContext();
        ITransformer loadedBefore = context.Model.Load(before, out _), loadedAfter = context.Model.Load(after, out _);
        var loaded = new TransformerChain<ITransformer>(loadedBefore, MlpTransformer.Load(mlp), loadedAfter);

        IDataView expected = whole.Transform(test), actual = loaded.Transform(test);
        float[][] scores = TestData.Column<float[]>(actual, "Score"), original = TestData.Column<float[]>(expected, "Score");
        for (int i = 0; i < scores.Length; i++) scores[i].Should().Equal(original[i]);
        TestData.Column<string>(actual, "PredictedLabel").Should().Equal(TestData.Column<string>(expected, "PredictedLabel"));
        context.MulticlassClassification.Evaluate(actual).MicroAccuracy.Should().Be(_ml.MulticlassClassification.Evaluate(expected).MicroAccuracy);
    }

    [Fact]
    public void Binary_and_regression_transformers_round_trip_through_a_stream_bit_for_bit()
    {
        IDataView data = _ml.Data.LoadFromEnumerable(TestData.Points(100, seed: 1));
        var options = new MlpTrainerOptions { HiddenLayers = [8], Epochs = 3, Seed = 1 };
        foreach ((MlpTransformer fitted, string column) in new[]
                 {
                     (_ml.BinaryClassification.Trainers.Mlp(options.With(label: "Inside")).Fit(data), "Probability"),
                     (_ml.Regression.Trainers.Mlp(options.With(label: "Value")).Fit(data), "Score"),
                 })
        {
            using var stream = new MemoryStream();
            fitted.Save(stream);
            stream.Position = 0;
            MlpTransformer loaded = MlpTransformer.Load(stream);

            loaded.Task.Should().Be(fitted.Task);
            loaded.History.Should().BeNull();
            TestData.Column<float>(loaded.Transform(data), column).Should().Equal(TestData.Column<float>(fitted.Transform(data), column));
        }
    }

    [Fact]
    public void Saving_a_pipeline_with_it_in_MLNETs_model_file_fails_with_what_to_do_instead()
    {
        var (parts, test) = FitDigits();
        var whole = new TransformerChain<ITransformer>(parts);
        string path = Path.Combine(_folder, "model.zip");

        FluentActions.Invoking(() => _ml.Model.Save(whole, test.Schema, path)).Should().Throw<NotSupportedException>()
            .WithMessage("An MlpTransformer (NeuralNet.MLNet) cannot be written into an ML.NET model file*MlpTransformer.Save(path)*mlContext.Model.Save*");
        using var stream = new MemoryStream();
        FluentActions.Invoking(() => _ml.Model.Save(parts[2], test.Schema, stream)).Should().Throw<NotSupportedException>();
    }

    [Fact]
    public void A_truncated_corrupted_or_foreign_file_is_InvalidDataException()
    {
        var (parts, _) = FitDigits();
        using var stream = new MemoryStream();
        ((MlpTransformer)parts[2]).Save(stream);
        byte[] bytes = stream.ToArray();

        byte[] flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x40;
        foreach (byte[] bad in new[] { bytes[..(bytes.Length - 1)], bytes[..20], flipped, "PK\u0003\u0004 not ours"u8.ToArray(), [] })
            FluentActions.Invoking(() => MlpTransformer.Load(new MemoryStream(bad))).Should().Throw<InvalidDataException>();
        FluentActions.Invoking(() => MlpTransformer.Load(Path.Combine(_folder, "missing.mlp"))).Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void The_trained_network_is_exposed_to_save_in_NeuralNets_own_format()
    {
        var (parts, test) = FitDigits();
        var mlp = (MlpTransformer)parts[2];
        string path = Path.Combine(_folder, "net.nnet");
        mlp.Model.Save(path);

        Mlp network = Mlp.Load(path);

        network.Layers.Select(l => l.ToString()).Should().Equal(mlp.Model.Layers.Select(l => l.ToString()));
        float[] features = TestData.Column<float[]>(parts[0].Transform(test), "Features")[0];
        float[] loaded = new float[10], original = new float[10];
        network.Predict(features, loaded);
        mlp.Model.Predict(features, original);
        loaded.Should().Equal(original);
    }
}
