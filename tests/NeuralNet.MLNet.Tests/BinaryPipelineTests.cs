using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet.Tests;

public sealed class BinaryPipelineTests
{
    private static IEstimator<ITransformer> Pipeline(MLContext ml) =>
        ml.Transforms.CopyColumns("Label", nameof(PointRow.Inside))
            .Append(ml.Transforms.NormalizeMeanVariance("Features", fixZero: false))
            .Append(ml.BinaryClassification.Trainers.Mlp(new MlpTrainerOptions { HiddenLayers = [32], Activation = MlpActivation.Tanh, Epochs = 60, LearningRate = 1e-2f, Seed = 3 }));

    [Fact]
    public void A_circle_no_line_separates_reaches_an_AUC_of_0_98_on_held_out_points()
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = Pipeline(ml).Fit(ml.Data.LoadFromEnumerable(TestData.Points(1500, seed: 1)));
        IDataView test = model.Transform(ml.Data.LoadFromEnumerable(TestData.Points(500, seed: 2)));

        CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(test);

        metrics.AreaUnderRocCurve.Should().BeGreaterThanOrEqualTo(0.98);
        metrics.Accuracy.Should().BeGreaterThan(0.9);
        // The uncalibrated evaluator reads Score alone, thresholded at 0: the same accuracy.
        ml.BinaryClassification.EvaluateNonCalibrated(test).Accuracy.Should().Be(metrics.Accuracy);
    }

    [Fact]
    public void Probability_is_the_sigmoid_of_the_logit_Score_and_PredictedLabel_is_Score_above_0()
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = Pipeline(ml).Fit(ml.Data.LoadFromEnumerable(TestData.Points(400, seed: 1)));
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(TestData.Points(200, seed: 2)));

        float[] score = TestData.Column<float>(scored, "Score"), probability = TestData.Column<float>(scored, "Probability");
        bool[] predicted = TestData.Column<bool>(scored, "PredictedLabel");
        score.Should().Contain(s => s > 0).And.Contain(s => s < 0);
        for (int i = 0; i < score.Length; i++)
        {
            probability[i].Should().BeApproximately((float)(1 / (1 + Math.Exp(-(double)score[i]))), 1e-6f);
            predicted[i].Should().Be(score[i] > 0);
        }
    }
}
