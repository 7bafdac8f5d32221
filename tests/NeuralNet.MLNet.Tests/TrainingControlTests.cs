using Microsoft.ML;
using NeuralNet.Training;

namespace NeuralNet.MLNet.Tests;

/// <summary>Progress, cancellation and early stopping reach the training loop through the options.</summary>
public sealed class TrainingControlTests
{
    /// <summary>Reports on the training thread at once (System.Progress would post to a thread pool).</summary>
    private sealed class Recorder(Action<EpochResult>? then = null) : IProgress<EpochResult>
    {
        public List<EpochResult> Epochs { get; } = [];

        public void Report(EpochResult value)
        {
            Epochs.Add(value);
            then?.Invoke(value);
        }
    }

    [Fact]
    public void Progress_sees_every_epoch_with_the_validation_metric_and_History_keeps_them()
    {
        var ml = new MLContext(seed: 1);
        var progress = new Recorder();
        var options = new MlpTrainerOptions { HiddenLayers = [16], Epochs = 6, ValidationFraction = 0.25f, Progress = progress, Seed = 1 };

        ITransformer model = TestData.DigitsPipeline(ml, options).Fit(ml.Data.LoadFromEnumerable(TestData.Digits[..300]));

        progress.Epochs.Select(e => e.Epoch).Should().Equal(1, 2, 3, 4, 5, 6);
        progress.Epochs.Should().OnlyContain(e => e.ValidationLoss > 0 && e.ValidationAccuracy >= 0 && e.ValidationAccuracy <= 1);
        TestData.Mlp(model).History!.Epochs.Should().Equal(progress.Epochs);
    }

    [Fact]
    public void Cancelling_stops_training_between_batches()
    {
        var ml = new MLContext(seed: 1);
        using var cancel = new CancellationTokenSource();
        var progress = new Recorder(epoch => { if (epoch.Epoch == 2) cancel.Cancel(); });
        var options = new MlpTrainerOptions { HiddenLayers = [16], Epochs = 1000, Progress = progress, CancellationToken = cancel.Token };

        FluentActions.Invoking(() => TestData.DigitsPipeline(ml, options).Fit(ml.Data.LoadFromEnumerable(TestData.Digits[..300])))
            .Should().Throw<OperationCanceledException>();
        progress.Epochs.Should().HaveCount(2);
    }

    [Fact]
    public void Early_stopping_ends_training_once_the_validation_loss_stops_improving()
    {
        var ml = new MLContext(seed: 1);
        // A large learning rate on few rows over-fits quickly, so the validation loss turns up well before 200 epochs.
        var options = new MlpTrainerOptions
        {
            HiddenLayers = [64], Epochs = 200, LearningRate = 1e-2f, ValidationFraction = 0.3f, EarlyStoppingPatience = 3, Seed = 1,
        };

        MlpTransformer mlp = TestData.Mlp(TestData.DigitsPipeline(ml, options).Fit(ml.Data.LoadFromEnumerable(TestData.Digits[..200])));

        TrainingHistory history = mlp.History!;
        history.StoppedEarly.Should().BeTrue();
        history.Epochs.Count.Should().BeLessThan(200);
        history.BestEpoch.Should().Be(history.Epochs.Count - 3);
        float best = history.Epochs.Min(e => e.ValidationLoss!.Value);
        history.Epochs[history.BestEpoch!.Value - 1].ValidationLoss.Should().Be(best);
    }
}
