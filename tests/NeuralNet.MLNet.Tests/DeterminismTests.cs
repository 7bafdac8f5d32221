using Microsoft.ML;

namespace NeuralNet.MLNet.Tests;

/// <summary>The seed is <see cref="MlpTrainerOptions.Seed"/> (a trainer outside ML.NET cannot read the MLContext's).</summary>
public sealed class DeterminismTests
{
    private static (float[][] Scores, double Accuracy, float[] Weights) FitDigits(int contextSeed, int optionsSeed)
    {
        var ml = new MLContext(seed: contextSeed);
        IDataView data = ml.Data.LoadFromEnumerable(TestData.Digits[..400]);
        var options = new MlpTrainerOptions { HiddenLayers = [32], Epochs = 4, Dropout = 0.2f, ValidationFraction = 0.2f, Seed = optionsSeed };
        ITransformer model = TestData.DigitsPipeline(ml, options).Fit(data);
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(TestData.Digits[400..600]));
        float[] weights = TestData.Mlp(model).Model.Parameters.SelectMany(p => p.Value.AsColumnMajorArray()).ToArray();
        return (TestData.Column<float[]>(scored, "Score"), ml.MulticlassClassification.Evaluate(scored).MicroAccuracy, weights);
    }

    [Fact]
    public void Two_fits_in_new_MLContexts_of_one_seed_give_bit_identical_weights_scores_and_metrics()
    {
        var first = FitDigits(contextSeed: 5, optionsSeed: 5);
        var second = FitDigits(contextSeed: 5, optionsSeed: 5);

        second.Weights.Should().Equal(first.Weights);
        for (int i = 0; i < first.Scores.Length; i++) second.Scores[i].Should().Equal(first.Scores[i]);
        second.Accuracy.Should().Be(first.Accuracy);
    }

    [Fact]
    public void The_options_seed_decides_and_the_contexts_seed_does_not()
    {
        var baseline = FitDigits(contextSeed: 1, optionsSeed: 1);

        FitDigits(contextSeed: 2, optionsSeed: 1).Weights.Should().Equal(baseline.Weights);
        FitDigits(contextSeed: 1, optionsSeed: 2).Weights.Should().NotEqual(baseline.Weights);
    }
}
