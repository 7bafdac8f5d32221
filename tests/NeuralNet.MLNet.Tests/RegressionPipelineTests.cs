using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet.Tests;

public sealed class RegressionPipelineTests
{
    [Fact]
    public void A_smooth_function_far_from_unit_scale_is_learned_to_an_R2_of_0_99_on_held_out_points()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.CopyColumns("Label", nameof(PointRow.Value))
            .Append(ml.Transforms.NormalizeMeanVariance("Features", fixZero: false))
            .Append(ml.Regression.Trainers.Mlp(new MlpTrainerOptions { HiddenLayers = [64, 64], Activation = MlpActivation.Tanh, Epochs = 60, LearningRate = 3e-3f, Seed = 2 }));
        ITransformer model = pipeline.Fit(ml.Data.LoadFromEnumerable(TestData.Points(1500, seed: 1)));
        IDataView test = model.Transform(ml.Data.LoadFromEnumerable(TestData.Points(500, seed: 2)));

        RegressionMetrics metrics = ml.Regression.Evaluate(test);

        metrics.RSquared.Should().BeGreaterThanOrEqualTo(0.99);
        // R² by hand, in double, from the true function's values and the scores.
        float[] y = TestData.Column<float>(test, "Label"), score = TestData.Column<float>(test, "Score");
        double mean = y.Average(v => (double)v);
        double residual = y.Zip(score).Sum(p => Math.Pow(p.First - p.Second, 2)), total = y.Sum(v => Math.Pow(v - mean, 2));
        metrics.RSquared.Should().BeApproximately(1 - residual / total, 1e-9);
    }
}
