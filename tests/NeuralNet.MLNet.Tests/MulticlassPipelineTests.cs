using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet.Tests;

public sealed class MulticlassPipelineTests
{
    [Fact]
    public void Digits_through_a_real_pipeline_reach_97_percent_micro_accuracy_on_held_out_rows()
    {
        var ml = new MLContext(seed: 1);
        IDataView all = ml.Data.LoadFromEnumerable(TestData.Digits);
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: 1);

        ITransformer model = TestData.DigitsPipeline(ml, TestData.FastDigits()).Fit(split.TrainSet);
        IDataView scored = model.Transform(split.TestSet);
        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(scored);

        metrics.MicroAccuracy.Should().BeGreaterThanOrEqualTo(0.97);
        // The evaluator's accuracy is the share of rows whose predicted label (mapped back to text) is the true one.
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        scored.Schema["Label"].GetKeyValues(ref keyValues);
        string[] labels = keyValues.DenseValues().Select(value => value.ToString()).ToArray();
        string[] truth = TestData.Column<uint>(scored, "Label").Select(key => labels[key - 1]).ToArray();
        string[] predicted = TestData.Column<string>(scored, "PredictedLabel");
        double byHand = truth.Zip(predicted).Count(p => p.First == p.Second) / (double)truth.Length;
        metrics.MicroAccuracy.Should().BeApproximately(byHand, 1e-12);
        metrics.ConfusionMatrix.NumberOfClasses.Should().Be(10);
    }

    [Fact]
    public void Score_is_the_class_probabilities_and_PredictedLabel_their_argmax()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(TestData.Digits.Take(600));
        ITransformer model = TestData.DigitsPipeline(ml, TestData.FastDigits()).Fit(data);
        IDataView scored = model.Transform(data);

        float[][] scores = TestData.Column<float[]>(scored, "Score");
        string[] predicted = TestData.Column<string>(scored, "PredictedLabel");
        // Slot k is the class whose key is k + 1, named by the Score column's slot names.
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        scored.Schema["Score"].GetSlotNames(ref slotNames);
        string[] classes = slotNames.DenseValues().Select(name => name.ToString()).ToArray();
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i].Should().HaveCount(10).And.OnlyContain(p => p >= 0f && p <= 1f);
            scores[i].Sum(p => (double)p).Should().BeApproximately(1.0, 1e-5);
            int best = Array.IndexOf(scores[i], scores[i].Max());
            predicted[i].Should().Be(classes[best]);
        }
    }
}
