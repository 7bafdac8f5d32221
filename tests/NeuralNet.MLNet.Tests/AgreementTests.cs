using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet.Tests;

/// <summary>
/// PredictionEngine, Transform and the network's own Predict give the same numbers for the same rows: bit for bit against
/// Predict of that row alone (the transformer scores row by row), and to float rounding against Predict of all the rows as
/// one batch (whose products and vectorised activations may round differently).
/// </summary>
public sealed class AgreementTests
{
    [Fact]
    public void Multiclass_PredictionEngine_Transform_and_Mlp_Predict_agree_bit_for_bit()
    {
        var ml = new MLContext(seed: 1);
        DigitRow[] rows = TestData.Digits[..500];
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        ITransformer model = TestData.DigitsPipeline(ml, TestData.FastDigits() ).Fit(data);
        MlpTransformer mlp = TestData.Mlp(model);

        IDataView scored = model.Transform(data);
        float[][] transformed = TestData.Column<float[]>(scored, "Score");
        string[] transformedLabels = TestData.Column<string>(scored, "PredictedLabel");
        // The network on the normalised features (the chain's first transformer), as one batch.
        ITransformer normalizer = ((IEnumerable<ITransformer>)model).First();
        float[][] normalized = TestData.Column<float[]>(normalizer.Transform(data), "Features");
        Matrix<float> batch = mlp.Model.Predict(Matrix<float>.Build.DenseOfRowArrays(normalized));

        using PredictionEngine<DigitRow, DigitPrediction> engine = ml.Model.CreatePredictionEngine<DigitRow, DigitPrediction>(model);
        for (int i = 0; i < rows.Length; i++)
        {
            DigitPrediction one = engine.Predict(rows[i]);
            one.Score.Should().Equal(transformed[i]);
            one.PredictedLabel.Should().Be(transformedLabels[i]);
            transformed[i].Should().Equal(mlp.Model.Predict(Matrix<float>.Build.DenseOfRowArrays(normalized[i])).Row(0).ToArray());
            for (int k = 0; k < 10; k++) transformed[i][k].Should().BeApproximately(batch[i, k], 1e-6f);
        }
    }

    [Fact]
    public void Binary_and_regression_PredictionEngine_Transform_and_Mlp_Predict_agree()
    {
        var ml = new MLContext(seed: 1);
        PointRow[] rows = TestData.Points(300, seed: 4);
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var options = new MlpTrainerOptions { HiddenLayers = [16], Epochs = 5, Seed = 1 };
        ITransformer binary = ml.Transforms.CopyColumns("Label", nameof(PointRow.Inside)).Append(ml.BinaryClassification.Trainers.Mlp(options)).Fit(data);
        ITransformer regression = ml.Transforms.CopyColumns("Label", nameof(PointRow.Value)).Append(ml.Regression.Trainers.Mlp(options)).Fit(data);
        Matrix<float> x = Matrix<float>.Build.DenseOfRowArrays(rows.Select(r => r.Features));
        Mlp binaryNet = TestData.Mlp(binary).Model, regressionNet = TestData.Mlp(regression).Model;
        Matrix<float> probabilities = binaryNet.Predict(x), values = regressionNet.Predict(x);

        float[] binaryScore = TestData.Column<float>(binary.Transform(data), "Score");
        float[] probability = TestData.Column<float>(binary.Transform(data), "Probability");
        float[] regressionScore = TestData.Column<float>(regression.Transform(data), "Score");
        using var binaryEngine = ml.Model.CreatePredictionEngine<PointRow, BinaryPrediction>(binary);
        using var regressionEngine = ml.Model.CreatePredictionEngine<PointRow, RegressionPrediction>(regression);
        for (int i = 0; i < rows.Length; i++)
        {
            BinaryPrediction b = binaryEngine.Predict(rows[i]);
            b.Score.Should().Be(binaryScore[i]);
            b.Probability.Should().Be(probability[i]);
            b.PredictedLabel.Should().Be(binaryScore[i] > 0);
            // The network ends with the sigmoid whose input is Score, so its output is Probability.
            Matrix<float> row = Matrix<float>.Build.DenseOfRowArrays(rows[i].Features);
            probability[i].Should().Be(binaryNet.Predict(row)[0, 0]).And.BeApproximately(probabilities[i, 0], 1e-6f);
            regressionEngine.Predict(rows[i]).Score.Should().Be(regressionScore[i]).And.Be(regressionNet.Predict(row)[0, 0]);
            regressionScore[i].Should().BeApproximately(values[i, 0], 1e-4f * Math.Abs(values[i, 0]));
        }
    }
}
