using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

/// <summary>The metric Fit reports on validation data: TrainingOptions.Metric, else the loss's default.</summary>
public sealed class ValidationMetricTests
{
    /// <summary>The mean absolute error in double, computed here: an oracle independent of the library.</summary>
    private sealed class MeanAbsoluteError : IMetric
    {
        public int Calls { get; private set; }
        public string Name => "mae";
        public float Compute(Matrix<float> predictions, Matrix<float> targets)
        {
            Calls++;
            double sum = 0;
            for (int i = 0; i < predictions.RowCount; i++)
                for (int j = 0; j < predictions.ColumnCount; j++) sum += Math.Abs((double)predictions[i, j] - targets[i, j]);
            return (float)(sum / (predictions.RowCount * predictions.ColumnCount));
        }
    }

    private static Mlp Classifier() => new(new Dense(4, 6, seed: 1), new Tanh(), new Dense(6, 3, seed: 2), new Softmax());

    private static (Matrix<float> X, Matrix<float> Y) Data() => (TestData.Uniform(12, 4, seed: 3), TestData.OneHot(12, 3, seed: 4));

    private static TrainingOptions Options(Matrix<float> x, Matrix<float> y, IMetric? metric = null) =>
        new() { Epochs = 3, BatchSize = 4, Seed = 5, ValidationInputs = x, ValidationTargets = y, Metric = metric };

    [Fact]
    public void A_custom_metric_is_reported_as_ValidationMetric_and_ValidationAccuracy_stays_null()
    {
        var (x, y) = Data();
        var metric = new MeanAbsoluteError();
        Mlp model = Classifier();
        var reported = new List<float?>();
        var afterEachEpoch = new List<float>();
        var progress = new Progress(r =>
        {
            reported.Add(r.ValidationMetric);
            afterEachEpoch.Add(new MeanAbsoluteError().Compute(model.Predict(x), y));
        });

        TrainingHistory history = model.Fit(x, y, new CrossEntropyLoss(), new Sgd(0.1f), Options(x, y, metric), progress);

        metric.Calls.Should().Be(3, "once per epoch");
        history.Epochs.Select(e => e.ValidationMetric).Should().Equal(afterEachEpoch.Select(v => (float?)v));
        reported.Should().Equal(afterEachEpoch.Select(v => (float?)v));
        history.Epochs.Should().OnlyContain(e => e.ValidationAccuracy == null);
    }

    [Fact]
    public void Cross_entropy_reports_accuracy_by_default_in_both_fields()
    {
        var (x, y) = Data();
        Mlp model = Classifier();
        var expected = new List<float>();
        var progress = new Progress(_ => expected.Add(Accuracy(model.Predict(x), y)));

        TrainingHistory history = model.Fit(x, y, new CrossEntropyLoss(), new Sgd(0.1f), Options(x, y), progress);

        history.Epochs.Select(e => e.ValidationMetric).Should().Equal(expected.Select(v => (float?)v));
        history.Epochs.Select(e => e.ValidationAccuracy).Should().Equal(expected.Select(v => (float?)v));
    }

    [Fact]
    public void Accuracy_set_explicitly_fills_ValidationAccuracy_too()
    {
        var (x, y) = Data();
        TrainingHistory history = Classifier().Fit(x, y, new MeanSquaredErrorLoss(), new Sgd(0.1f), Options(x, y, NeuralNet.Training.Accuracy.Instance));
        history.Epochs.Should().OnlyContain(e => e.ValidationAccuracy != null && e.ValidationAccuracy == e.ValidationMetric);
    }

    [Fact]
    public void Mean_squared_error_reports_no_metric_by_default()
    {
        var (x, y) = Data();
        TrainingHistory history = Classifier().Fit(x, y, new MeanSquaredErrorLoss(), new Sgd(0.1f), Options(x, y));
        history.Epochs.Should().OnlyContain(e => e.ValidationMetric == null && e.ValidationAccuracy == null && e.ValidationLoss != null);
    }

    [Fact]
    public void Without_validation_data_a_metric_is_not_computed()
    {
        var (x, y) = Data();
        var metric = new MeanAbsoluteError();
        TrainingHistory history = Classifier().Fit(x, y, new CrossEntropyLoss(), new Sgd(0.1f),
            new TrainingOptions { Epochs = 2, BatchSize = 4, Seed = 5, Metric = metric });
        metric.Calls.Should().Be(0);
        history.Epochs.Should().OnlyContain(e => e.ValidationMetric == null && e.ValidationAccuracy == null);
    }

    /// <summary>The fraction of rows whose argmax matches the target's, counted here.</summary>
    private static float Accuracy(Matrix<float> p, Matrix<float> y)
    {
        int correct = 0;
        for (int i = 0; i < p.RowCount; i++)
            if (p.Row(i).MaximumIndex() == y.Row(i).MaximumIndex()) correct++;
        return (float)correct / p.RowCount;
    }

    private sealed class Progress(Action<EpochResult> report) : IProgress<EpochResult>
    {
        public void Report(EpochResult value) => report(value);
    }
}
