using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Serialization;
using NeuralNet.Tests.TrainingChild;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

/// <summary>
/// Checkpoint, crash or cancel, resume with a new model and a new optimizer built the same way: every weight's bytes and
/// the history equal the uninterrupted run's, with every optimizer, a schedule, Dropout, BatchNorm and early stopping.
/// </summary>
public sealed class CheckpointResumeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("checkpoint-resume").FullName;
    private static readonly (Matrix<float> X, Matrix<float> Y) Data = Scenarios.Blobs(90, 16, 4, seed: 11);
    private static readonly (Matrix<float> X, Matrix<float> Y) Validation = Scenarios.Blobs(30, 16, 4, seed: 12);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    public static TheoryData<string> Optimizers =>
        ["sgd", "sgd-momentum", "sgd-nesterov-decay", "adam", "adam-decay-schedule", "adamw", "rmsprop", "rmsprop-centered-momentum-decay", "adagrad", "lbfgs",
         "lbfgs-wolfe-decay"];

    private static IOptimizer Optimizer(string name) => name switch
    {
        "sgd" => new Sgd(0.1f),
        "sgd-momentum" => new Sgd(0.05f, momentum: 0.9f),
        "sgd-nesterov-decay" => new Sgd(0.05f, momentum: 0.8f, nesterov: true, weightDecay: 1e-3f),
        "adam" => new Adam(0.01f),
        "adam-decay-schedule" => new Adam(0.01f, weightDecay: 1e-3f),
        "adamw" => new AdamW(0.01f, weightDecay: 0.05f),
        "rmsprop" => new RmsProp(0.005f),
        "rmsprop-centered-momentum-decay" => new RmsProp(0.002f, alpha: 0.9f, momentum: 0.5f, centered: true, weightDecay: 1e-3f),
        "adagrad" => new Adagrad(0.05f, learningRateDecay: 0.01f, weightDecay: 1e-3f, initialAccumulatorValue: 0.1f),
        // A history shorter than the run's iterations, so the resumed ring buffer has wrapped.
        "lbfgs" => new Lbfgs(learningRate: 0.2f, maxIterations: 5, historySize: 4),
        "lbfgs-wolfe-decay" => new Lbfgs(maxIterations: 4, historySize: 5, lineSearch: LbfgsLineSearch.StrongWolfe, weightDecay: 1e-3f),
        _ => throw new ArgumentException(name),
    };

    private static Mlp Model(bool stateful = false) => stateful
        ? new Mlp(new Dense(16, 12, seed: 1), new BatchNorm(12), new ReLU(), new Dropout(0.25f, seed: 3), new Dense(12, 4, seed: 2), new Softmax())
        : new Mlp(new Dense(16, 12, seed: 1), new Tanh(), new Dense(12, 4, seed: 2), new Softmax());

    private sealed record Setup(string Optimizer, bool Stateful = false, bool EarlyStopping = false, bool Schedule = false, string? ScheduleName = null);

    /// <summary>Every kind of schedule: stateless per epoch, chained, per batch (72 batches in 6 epochs of 12), and stateful.</summary>
    private static ILearningRateSchedule? Schedule(Setup setup) => setup.ScheduleName switch
    {
        null => setup.Schedule || setup.Optimizer == "adam-decay-schedule" ? new ExponentialDecay(0.8f) : null,
        "cosine" => new CosineAnnealing(tMax: 6, etaMin: 1e-4f),
        "warmup-cosine" => new LinearWarmup(2, startFactor: 0.25f).Then(new CosineAnnealing(tMax: 4, etaMin: 1e-4f)),
        "onecycle" => new OneCycle(maxLearningRate: 0.05f, totalSteps: 72),
        "plateau" => new ReduceOnPlateau(factor: 0.5f, patience: 0, threshold: 0.5f),
        _ => throw new ArgumentException(setup.ScheduleName),
    };

    private static TrainingOptions Options(Setup setup, CheckpointOptions? checkpoint = null, string? resume = null,
                                           IReadOnlyList<ITrainingCallback>? callbacks = null, int? seed = 2, int epochs = 6) => new()
    {
        Epochs = epochs, BatchSize = 8, Seed = seed,
        ValidationInputs = Validation.X, ValidationTargets = Validation.Y,
        EarlyStoppingPatience = setup.EarlyStopping ? 2 : null,
        LearningRateSchedule = Schedule(setup),
        Checkpoint = checkpoint, ResumeFrom = resume, Callbacks = callbacks ?? [],
    };

    private static (Mlp Model, TrainingHistory History) Train(Setup setup, TrainingOptions options, CancellationToken token = default)
    {
        Mlp model = Model(setup.Stateful);
        TrainingHistory history = model.Fit(Data.X, Data.Y, new CrossEntropyLoss(), Optimizer(setup.Optimizer), options, cancellationToken: token);
        return (model, history);
    }

    private static byte[] Bytes(Mlp model) =>
        model.Layers.OfType<ISerializableLayer>().SelectMany(l => l.State).SelectMany(t => t.Value.AsColumnMajorArray()).SelectMany(BitConverter.GetBytes).ToArray();

    private static IEnumerable<(int, float, float?, float?, float?)> Losses(TrainingHistory history) =>
        history.Epochs.Select(e => (e.Epoch, e.TrainingLoss, e.ValidationLoss, e.ValidationAccuracy, e.LearningRate));

    private sealed class CrashException : Exception;

    /// <summary>Throws when epoch <paramref name="epoch"/> starts, as a crash would end the run there.</summary>
    private sealed class CrashAt(int epoch) : ITrainingCallback
    {
        public void OnEpochStart(TrainingContext context)
        {
            if (context.Epoch == epoch) throw new CrashException();
        }
    }

    /// <summary>Cancels when batch <paramref name="batch"/> of epoch <paramref name="epoch"/> has stepped.</summary>
    private sealed class CancelAt(int epoch, int batch, CancellationTokenSource source) : ITrainingCallback
    {
        public void OnBatchEnd(TrainingContext context, BatchResult result)
        {
            if ((result.Epoch, result.Batch) == (epoch, batch)) source.Cancel();
        }
    }

    /// <summary>Records the batches a run trains.</summary>
    private sealed class BatchLog : ITrainingCallback
    {
        public List<(int Epoch, int Batch)> Batches { get; } = [];
        public void OnBatchEnd(TrainingContext context, BatchResult batch) => Batches.Add((batch.Epoch, batch.Batch));
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Resuming_the_checkpoint_of_epoch_2_after_a_crash_ends_bit_identical(string optimizer)
    {
        var setup = new Setup(optimizer);
        var (expected, expectedHistory) = Train(setup, Options(setup));
        string path = PathOf($"{optimizer}.ckpt");
        FluentActions.Invoking(() => Train(setup, Options(setup, new CheckpointOptions(path) { EveryEpochs = 2 }, callbacks: [new CrashAt(4)])))
            .Should().Throw<CrashException>();

        var log = new BatchLog();
        var (resumed, history) = Train(setup, Options(setup, resume: path, callbacks: [log]));
        Bytes(resumed).Should().Equal(Bytes(expected));
        Losses(history).Should().Equal(Losses(expectedHistory));
        log.Batches[0].Should().Be((3, 1), "epoch 3 is the first after the checkpoint");
    }

    [Theory]
    [InlineData("sgd-nesterov-decay")]
    [InlineData("adam-decay-schedule")]
    [InlineData("adamw")]
    public void Cancelled_mid_epoch_with_Dropout_BatchNorm_and_early_stopping_it_resumes_within_the_epoch_bit_identical(string optimizer)
    {
        var setup = new Setup(optimizer, Stateful: true, EarlyStopping: true, Schedule: true);
        var (expected, expectedHistory) = Train(setup, Options(setup));
        string path = PathOf("cancelled.ckpt");
        using var cancel = new CancellationTokenSource();
        FluentActions.Invoking(() => Train(setup, Options(setup, new CheckpointOptions(path) { EveryEpochs = 100 }, callbacks: [new CancelAt(2, 5, cancel)]), cancel.Token))
            .Should().Throw<OperationCanceledException>();

        var log = new BatchLog();
        var (resumed, history) = Train(setup, Options(setup, resume: path, callbacks: [log]));
        log.Batches[0].Should().Be((2, 6), "the cancelled epoch goes on from the batch after the last completed one");
        Bytes(resumed).Should().Equal(Bytes(expected));
        Losses(history).Should().Equal(Losses(expectedHistory));
        (history.BestEpoch, history.StoppedEarly).Should().Be((expectedHistory.BestEpoch, expectedHistory.StoppedEarly));
    }

    [Theory]
    [InlineData("cosine", "adam")]
    [InlineData("warmup-cosine", "sgd-momentum")]
    [InlineData("onecycle", "sgd-momentum")]
    [InlineData("onecycle", "rmsprop")]
    [InlineData("plateau", "adagrad")]
    public void Every_schedule_resumes_mid_epoch_bit_identical(string schedule, string optimizer)
    {
        var setup = new Setup(optimizer, ScheduleName: schedule);
        var (expected, expectedHistory) = Train(setup, Options(setup));
        expectedHistory.Epochs.Select(e => e.LearningRate).Distinct().Should().HaveCountGreaterThan(2, $"{schedule} changes the rate in the run");
        string path = PathOf($"{schedule}.ckpt");
        using var cancel = new CancellationTokenSource();
        FluentActions.Invoking(() => Train(setup, Options(setup, new CheckpointOptions(path) { EveryEpochs = 2 }, callbacks: [new CancelAt(4, 7, cancel)]), cancel.Token))
            .Should().Throw<OperationCanceledException>();

        var (resumed, history) = Train(setup, Options(setup, resume: path));
        Bytes(resumed).Should().Equal(Bytes(expected));
        Losses(history).Should().Equal(Losses(expectedHistory));
    }

    [Fact]
    public void Sample_weights_resume_bit_identical_and_other_weights_are_refused()
    {
        // Weights 0, 1, 2 by row: some batches weigh more, and the training loss is a weighted mean.
        float[] weights = Enumerable.Range(0, Data.X.RowCount).Select(i => (float)(i % 3)).ToArray();
        TrainingOptions Weighted(float[] w, CheckpointOptions? checkpoint = null, string? resume = null, IReadOnlyList<ITrainingCallback>? callbacks = null) =>
            new() { Epochs = 6, BatchSize = 8, Seed = 2, SampleWeights = w, Checkpoint = checkpoint, ResumeFrom = resume, Callbacks = callbacks ?? [] };
        var setup = new Setup("adam");
        var (expected, expectedHistory) = Train(setup, Weighted(weights));
        string path = PathOf("weighted.ckpt");
        using var cancel = new CancellationTokenSource();
        FluentActions.Invoking(() => Train(setup, Weighted(weights, new CheckpointOptions(path) { EveryEpochs = 2 }, callbacks: [new CancelAt(3, 4, cancel)]), cancel.Token))
            .Should().Throw<OperationCanceledException>();

        var (resumed, history) = Train(setup, Weighted(weights, resume: path));
        Bytes(resumed).Should().Equal(Bytes(expected));
        Losses(history).Should().Equal(Losses(expectedHistory));

        float[] other = weights.Select(w => 2 - w).ToArray();
        FluentActions.Invoking(() => Train(setup, Weighted(other, resume: path)))
            .Should().Throw<ArgumentException>().WithParameterName(nameof(TrainingOptions.SampleWeights));
        FluentActions.Invoking(() => Train(setup, Options(setup, resume: path)))
            .Should().Throw<ArgumentException>().WithParameterName(nameof(TrainingOptions.SampleWeights));
    }

    [Theory]
    [InlineData("lr_decay")]
    [InlineData("weight_decay")]
    [InlineData("initial_accumulator_value")]
    [InlineData("eps")]
    public void An_Adagrad_checkpoint_is_refused_by_an_Adagrad_with_another_hyper_parameter(string changed)
    {
        var setup = new Setup("adagrad");
        string path = PathOf("adagrad.ckpt");
        Train(setup, Options(setup, new CheckpointOptions(path) { EveryEpochs = 2 }, epochs: 2));
        var other = changed switch
        {
            "lr_decay" => new Adagrad(0.05f, learningRateDecay: 0.02f, weightDecay: 1e-3f, initialAccumulatorValue: 0.1f),
            "weight_decay" => new Adagrad(0.05f, learningRateDecay: 0.01f, weightDecay: 2e-3f, initialAccumulatorValue: 0.1f),
            "initial_accumulator_value" => new Adagrad(0.05f, learningRateDecay: 0.01f, weightDecay: 1e-3f, initialAccumulatorValue: 0.2f),
            _ => new Adagrad(0.05f, learningRateDecay: 0.01f, weightDecay: 1e-3f, initialAccumulatorValue: 0.1f, epsilon: 1e-9f),
        };
        FluentActions.Invoking(() => Model().Fit(Data.X, Data.Y, new CrossEntropyLoss(), other, Options(setup, resume: path)))
            .Should().Throw<ArgumentException>().WithParameterName("optimizer").WithMessage($"*Adagrad*{changed} = *{changed} = *");
    }

    [Fact]
    public void A_checkpoint_written_with_another_schedule_is_refused_naming_both()
    {
        var setup = new Setup("adam", ScheduleName: "cosine");
        string path = PathOf("schedule.ckpt");
        Train(setup, Options(setup, new CheckpointOptions(path) { EveryEpochs = 2 }, epochs: 2));
        FluentActions.Invoking(() => Train(setup with { ScheduleName = "warmup-cosine" }, Options(setup with { ScheduleName = "warmup-cosine" }, resume: path)))
            .Should().Throw<ArgumentException>().WithParameterName(nameof(TrainingOptions.LearningRateSchedule))
            .WithMessage("*CosineAnnealing*this run has*LinearWarmup*");
    }

    [Fact]
    public void Early_stopping_keeps_its_best_weights_across_a_resume()
    {
        // Validation targets one class off: the best epoch is the first, before the checkpoint; the run stops at 1 + patience
        // and must end with epoch 1's weights, which only the checkpoint still holds.
        var setup = new Setup("adam", Stateful: true);
        var wrong = Matrix<float>.Build.Dense(30, 4, (i, j) => Validation.Y[i, (j + 1) % 4]);
        TrainingOptions With(CheckpointOptions? checkpoint = null, string? resume = null, IReadOnlyList<ITrainingCallback>? callbacks = null) => new()
        {
            Epochs = 10, BatchSize = 8, Seed = 2, ValidationInputs = Validation.X, ValidationTargets = wrong,
            Callbacks = [new EarlyStopping(patience: 3), .. callbacks ?? []], Checkpoint = checkpoint, ResumeFrom = resume,
        };
        var (expected, expectedHistory) = Train(setup, With());
        expectedHistory.BestEpoch.Should().Be(1);
        expectedHistory.Epochs.Should().HaveCount(4);
        string path = PathOf("best.ckpt");
        FluentActions.Invoking(() => Train(setup, With(new CheckpointOptions(path) { EveryEpochs = 2 }, callbacks: [new CrashAt(3)]))).Should().Throw<CrashException>();
        var (resumed, history) = Train(setup, With(resume: path));
        Bytes(resumed).Should().Equal(Bytes(expected));
        (history.BestEpoch, history.StoppedEarly, history.Epochs.Count).Should().Be((1, true, 4));
    }

    [Fact]
    public void Resuming_a_finished_run_trains_nothing_and_returns_its_history()
    {
        var setup = new Setup("adam", EarlyStopping: true);
        string path = PathOf("finished.ckpt");
        var (expected, expectedHistory) = Train(setup, Options(setup, new CheckpointOptions(path) { EveryEpochs = 4 }));
        var log = new BatchLog();
        var (resumed, history) = Train(setup, Options(setup, resume: path, callbacks: [log]));
        log.Batches.Should().BeEmpty();
        Bytes(resumed).Should().Equal(Bytes(expected));
        Losses(history).Should().Equal(Losses(expectedHistory));
    }

    [Fact]
    public void Without_a_seed_the_checkpoint_keeps_the_one_drawn()
    {
        var setup = new Setup("sgd-momentum");
        string path = PathOf("unseeded.ckpt");
        FluentActions.Invoking(() => Train(setup, Options(setup, new CheckpointOptions(path) { EveryEpochs = 2 }, seed: null, callbacks: [new CrashAt(3)])))
            .Should().Throw<CrashException>();
        int drawn = TrainingCheckpoint.SavedSeed(CheckpointFile.Read(path));
        var (resumed, _) = Train(setup, Options(setup, resume: path, seed: null));
        var (expected, _) = Train(setup, Options(setup, seed: drawn));
        Bytes(resumed).Should().Equal(Bytes(expected));
    }

    [Fact]
    public void A_checkpoint_of_another_model_optimizer_or_run_is_refused_naming_what_differs()
    {
        var setup = new Setup("sgd-momentum", EarlyStopping: true);
        string path = PathOf("mismatch.ckpt");
        var (original, _) = Train(setup, Options(setup, new CheckpointOptions(path) { EveryEpochs = 2 }, epochs: 2));
        byte[] before = Bytes(original);
        TrainingOptions resume = Options(setup, resume: path);

        var wider = new Mlp(new Dense(16, 13, seed: 1), new Tanh(), new Dense(13, 4, seed: 2), new Softmax());
        byte[] widerBefore = Bytes(wider);
        FluentActions.Invoking(() => wider.Fit(Data.X, Data.Y, new CrossEntropyLoss(), Optimizer(setup.Optimizer), resume))
            .Should().Throw<InvalidOperationException>().WithMessage("*layer 0*Dense(inputs=16, outputs=12)*Dense(inputs=16, outputs=13)*");
        Bytes(wider).Should().Equal(widerBefore, "a refused checkpoint changes no weight");
        FluentActions.Invoking(() => new Mlp(new Dense(16, 4, seed: 1), new Softmax()).Fit(Data.X, Data.Y, new CrossEntropyLoss(), Optimizer(setup.Optimizer), resume))
            .Should().Throw<InvalidOperationException>().WithMessage("*has 4 layers*Tanh,*has 2*");

        void Refused(IOptimizer optimizer, TrainingOptions options, string parameter, string message, Matrix<float>? x = null, Matrix<float>? y = null) =>
            FluentActions.Invoking(() => Model().Fit(x ?? Data.X, y ?? Data.Y, new CrossEntropyLoss(), optimizer, options))
                .Should().Throw<ArgumentException>().Where(e => e.ParamName == parameter).WithMessage(message);
        Refused(new Adam(0.05f), resume, "optimizer", "*Sgd*Adam*");
        Refused(new Sgd(0.05f, momentum: 0.5f), resume, "optimizer", "*momentum = 0.8999999761581421*momentum = 0.5*");
        Refused(Optimizer(setup.Optimizer), new TrainingOptions { Epochs = 6, BatchSize = 9, Seed = 2, ValidationInputs = Validation.X, ValidationTargets = Validation.Y, EarlyStoppingPatience = 2, ResumeFrom = path },
            "BatchSize", "*batch_size = 8*batch_size = 9*");
        Refused(Optimizer(setup.Optimizer), Options(setup with { EarlyStopping = false }, resume: path), "options", "*0:EarlyStopping*");
        Refused(Optimizer(setup.Optimizer), Options(setup, resume: path, seed: 3), "Seed", "*seed = 2*seed = 3*");
        Refused(Optimizer(setup.Optimizer), Options(setup, resume: path, epochs: 1), "Epochs", "*2 epochs*Epochs = 1*");
        var (x, y) = Scenarios.Blobs(91, 16, 4, seed: 11);
        Refused(Optimizer(setup.Optimizer), resume, "inputs", "*90 rows*91 rows*", x, y);

        FluentActions.Invoking(() => Train(setup, Options(setup, resume: PathOf("missing.ckpt")))).Should().Throw<FileNotFoundException>();
        Bytes(original).Should().Equal(before);
    }

    [Fact]
    public void Bad_checkpoint_options_are_refused_naming_the_value()
    {
        FluentActions.Invoking(() => new CheckpointOptions("a.ckpt") { EveryEpochs = 0 })
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "EveryEpochs").WithMessage("*was 0*");
        FluentActions.Invoking(() => new CheckpointOptions(" ")).Should().Throw<ArgumentException>().Where(e => e.ParamName == "path");
        var setup = new Setup("sgd");
        FluentActions.Invoking(() => Train(setup, Options(setup, resume: " "))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "ResumeFrom");
        FluentActions.Invoking(() => Model().Fit(Data.X, Data.Y, new CrossEntropyLoss(), new ForeignOptimizer(),
                new TrainingOptions { Checkpoint = new CheckpointOptions(PathOf("x.ckpt")) }))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "optimizer").WithMessage("*ForeignOptimizer cannot be checkpointed*");
        File.Exists(PathOf("x.ckpt")).Should().BeFalse();
    }

    private sealed class ForeignOptimizer : IOptimizer
    {
        public void Step(IReadOnlyList<Parameter> parameters) { }
    }
}
