using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Tests.TrainingChild;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

public class CallbackTests
{
    private static readonly (Matrix<float> X, Matrix<float> Y) Data = Scenarios.Blobs(30, 6, 3, seed: 4);

    private static Mlp Model() => new(new Dense(6, 8, seed: 1), new Tanh(), new Dense(8, 3, seed: 2), new Softmax());

    /// <summary>Records everything it is shown; optionally stops at an epoch end or a batch end.</summary>
    private sealed class Recorder((int Epoch, int Batch)? stopAfterBatch = null, int? stopAfterEpoch = null) : ITrainingCallback
    {
        public List<string> Calls { get; } = [];
        public List<BatchResult> Batches { get; } = [];
        public List<EpochResult> Epochs { get; } = [];
        public int HistoryAtEpochEnd { get; private set; }

        public void OnTrainingStart(TrainingContext context) => Calls.Add("start");
        public void OnEpochStart(TrainingContext context) => Calls.Add($"epoch {context.Epoch}");
        public void OnBatchEnd(TrainingContext context, BatchResult batch)
        {
            Batches.Add(batch);
            if ((batch.Epoch, batch.Batch) == stopAfterBatch) context.RequestStop();
        }
        public void OnEpochEnd(TrainingContext context, EpochResult result)
        {
            Epochs.Add(result);
            HistoryAtEpochEnd = context.History.Count;
            Calls.Add($"end {result.Epoch}");
            if (result.Epoch == stopAfterEpoch) context.RequestStop();
        }
        public void OnTrainingEnd(TrainingContext context) => Calls.Add("finish");
    }

    /// <summary>Counts the optimizer's steps.</summary>
    private sealed class CountingSgd : IOptimizer
    {
        private readonly Sgd _sgd = new(0.1f);
        public int Steps { get; private set; }
        public void Step(IReadOnlyList<Parameter> parameters) { Steps++; _sgd.Step(parameters); }
    }

    [Fact]
    public void A_callback_sees_every_batch_and_every_epoch_in_order()
    {
        var recorder = new Recorder();
        var history = Model().Fit(Data.X, Data.Y, new CrossEntropyLoss(), new Sgd(0.1f),
            new TrainingOptions { Epochs = 3, BatchSize = 8, Seed = 1, Callbacks = [recorder] });
        recorder.Calls.Should().Equal("start", "epoch 1", "end 1", "epoch 2", "end 2", "epoch 3", "end 3", "finish");
        recorder.Epochs.Should().Equal(history.Epochs);
        recorder.HistoryAtEpochEnd.Should().Be(3, "the epoch's result is in the history when its end is called");
        // ⌈30 / 8⌉ = 4 batches of 8, 8, 8, 6 per epoch.
        recorder.Batches.Select(b => (b.Epoch, b.Batch, b.Rows)).Should().Equal(
            from e in Enumerable.Range(1, 3) from b in Enumerable.Range(1, 4) select (e, b, b == 4 ? 6 : 8));
        // Each epoch's training loss is its batches' losses weighted by their rows, in double.
        foreach (var epoch in history.Epochs)
        {
            var batches = recorder.Batches.Where(b => b.Epoch == epoch.Epoch).ToArray();
            epoch.TrainingLoss.Should().Be((float)(batches.Sum(b => (double)b.Loss * b.Rows) / 30));
        }
    }

    [Fact]
    public void A_callback_stops_training_after_an_epoch()
    {
        var optimizer = new CountingSgd();
        var history = Model().Fit(Data.X, Data.Y, new CrossEntropyLoss(), optimizer,
            new TrainingOptions { Epochs = 10, BatchSize = 8, Seed = 1, Callbacks = [new Recorder(stopAfterEpoch: 2)] });
        history.Epochs.Should().HaveCount(2);
        history.StoppedEarly.Should().BeTrue();
        history.BestEpoch.Should().BeNull();
        optimizer.Steps.Should().Be(8);
    }

    [Fact]
    public void A_callback_stops_training_after_a_batch_and_that_epoch_reports_the_batches_it_trained()
    {
        var optimizer = new CountingSgd();
        var recorder = new Recorder(stopAfterBatch: (2, 3));
        var history = Model().Fit(Data.X, Data.Y, new CrossEntropyLoss(), optimizer,
            new TrainingOptions { Epochs = 10, BatchSize = 8, Seed = 1, ValidationInputs = Data.X, ValidationTargets = Data.Y, Callbacks = [recorder] });
        optimizer.Steps.Should().Be(4 + 3);
        history.Epochs.Should().HaveCount(2);
        history.StoppedEarly.Should().BeTrue();
        var seen = recorder.Batches.Where(b => b.Epoch == 2).ToArray();
        seen.Should().HaveCount(3);
        history.Epochs[1].TrainingLoss.Should().Be((float)(seen.Sum(b => (double)b.Loss * b.Rows) / 24));
        history.Epochs[1].ValidationLoss.Should().NotBeNull("the shortened epoch is still validated");
        recorder.Calls[^2..].Should().Equal("end 2", "finish");
    }

    [Fact]
    public void An_EarlyStopping_callback_trains_exactly_as_the_early_stopping_options()
    {
        var wrong = Matrix<float>.Build.Dense(30, 3, (i, j) => Data.Y[i, (j + 1) % 3]);
        (float[] Weights, TrainingHistory History) Train(TrainingOptions options)
        {
            var model = Model();
            var history = model.Fit(Data.X, Data.Y, new CrossEntropyLoss(), new Adam(0.05f), options);
            return (model.Parameters.SelectMany(p => p.Value.AsColumnMajorArray()).ToArray(), history);
        }
        var viaOptions = Train(new TrainingOptions { Epochs = 20, BatchSize = 8, Seed = 1, ValidationInputs = Data.X, ValidationTargets = wrong, EarlyStoppingPatience = 3 });
        var callback = new EarlyStopping(patience: 3);
        var viaCallback = Train(new TrainingOptions { Epochs = 20, BatchSize = 8, Seed = 1, ValidationInputs = Data.X, ValidationTargets = wrong, Callbacks = [callback] });
        viaCallback.Weights.Should().Equal(viaOptions.Weights);
        viaCallback.History.Epochs.Select(e => e.ValidationLoss).Should().Equal(viaOptions.History.Epochs.Select(e => e.ValidationLoss));
        (viaCallback.History.BestEpoch, viaCallback.History.StoppedEarly).Should().Be((1, true));
        (viaOptions.History.BestEpoch, viaOptions.History.StoppedEarly, viaOptions.History.Epochs.Count).Should().Be((1, true, 4));
        (callback.BestEpoch, callback.BestLoss).Should().Be((1, viaOptions.History.Epochs[0].ValidationLoss!.Value));
    }

    [Fact]
    public void Bad_callbacks_are_refused_naming_the_value()
    {
        void Refused(TrainingOptions options, string message) =>
            FluentActions.Invoking(() => Model().Fit(Data.X, Data.Y, new CrossEntropyLoss(), new Sgd(0.1f), options))
                .Should().Throw<ArgumentException>().Where(e => e.ParamName == "Callbacks").WithMessage(message);
        Refused(new TrainingOptions { Callbacks = [new Recorder(), null!] }, "Callbacks[1] is null*");
        Refused(new TrainingOptions { Callbacks = [new EarlyStopping(2)] }, "Callbacks[0] is EarlyStopping(patience 2*no validation data*");
        FluentActions.Invoking(() => new EarlyStopping(0)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "patience").WithMessage("*was 0*");
        FluentActions.Invoking(() => new EarlyStopping(1, minDelta: float.NaN)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "minDelta").WithMessage("*was NaN*");
    }
}
