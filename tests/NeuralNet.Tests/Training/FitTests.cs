using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

public class FitTests
{
    private static Mlp SmallClassifier(int seed = 1) =>
        new(new Dense(4, 8, seed: seed), new Tanh(), new Dense(8, 3, seed: seed + 1), new Softmax());

    private static (Matrix<float> X, Matrix<float> Y) Blobs(int rows, int seed)
    {
        // Three separable classes: the class decides the sign pattern of the first features.
        var random = new Random(seed);
        var x = Matrix<float>.Build.Dense(rows, 4);
        var y = Matrix<float>.Build.Dense(rows, 3);
        for (int i = 0; i < rows; i++)
        {
            int c = i % 3;
            y[i, c] = 1f;
            for (int j = 0; j < 4; j++) x[i, j] = (float)(random.NextDouble() - 0.5) * 0.5f + (j == c ? 1.5f : 0f);
        }
        return (x, y);
    }

    private static float[][] Copy(Mlp model) => model.Parameters.Select(p => p.Value.AsColumnMajorArray().ToArray()).ToArray();

    /// <summary>Counts steps and lets a test act on them; optionally also runs a real optimizer.</summary>
    private sealed class SpyOptimizer(IOptimizer? inner = null, Action<IReadOnlyList<Parameter>, int>? onStep = null) : IOptimizer
    {
        public int Steps { get; private set; }
        public List<int> BatchRows { get; } = [];
        public void Step(IReadOnlyList<Parameter> parameters)
        {
            Steps++;
            inner?.Step(parameters);
            onStep?.Invoke(parameters, Steps);
        }
    }

    [Fact]
    public void Takes_one_step_per_batch_with_a_short_last_batch()
    {
        var (x, y) = Blobs(10, 1);
        var spy = new SpyOptimizer();
        var history = SmallClassifier().Fit(x, y, new CrossEntropyLoss(), spy, new TrainingOptions { Epochs = 2, BatchSize = 4, Seed = 1 });
        spy.Steps.Should().Be(2 * 3); // ⌈10/4⌉ = 3 batches: 4, 4, 2
        history.Epochs.Should().HaveCount(2);
        history.Epochs.Select(e => e.Epoch).Should().Equal(1, 2);
    }

    [Fact]
    public void Training_loss_is_the_sample_weighted_mean_over_batches()
    {
        // With an optimizer that changes nothing, the epoch's loss is the loss of the whole set in one batch.
        var (x, y) = Blobs(11, 2);
        var model = SmallClassifier();
        float whole = model.ComputeGradients(x, y, new CrossEntropyLoss());
        var history = model.Fit(x, y, new CrossEntropyLoss(), new SpyOptimizer(), new TrainingOptions { Epochs = 1, BatchSize = 3, Seed = 5 });
        history.Epochs[0].TrainingLoss.Should().BeApproximately(whole, 1e-5f);
    }

    [Fact]
    public void Full_batch_without_shuffle_equals_the_hand_written_loop()
    {
        var (x, y) = Blobs(12, 3);
        var fitted = SmallClassifier();
        fitted.Fit(x, y, new CrossEntropyLoss(), new Sgd(0.3f, momentum: 0.9f), new TrainingOptions { Epochs = 5, BatchSize = 12, Shuffle = false });
        var manual = SmallClassifier();
        var sgd = new Sgd(0.3f, momentum: 0.9f);
        for (int e = 0; e < 5; e++) { manual.ComputeGradients(x, y, new CrossEntropyLoss()); sgd.Step(manual.Parameters); }
        Copy(fitted).Should().BeEquivalentTo(Copy(manual), o => o.WithStrictOrdering());
    }

    [Fact]
    public void Same_seed_gives_bit_identical_weights_and_another_seed_does_not()
    {
        var (x, y) = Blobs(30, 4);
        float[][] Train(int seed)
        {
            var model = SmallClassifier();
            model.Fit(x, y, new CrossEntropyLoss(), new Adam(0.01f), new TrainingOptions { Epochs = 3, BatchSize = 7, Seed = seed });
            return Copy(model);
        }
        Train(7).Should().BeEquivalentTo(Train(7), o => o.WithStrictOrdering());
        Train(7).SelectMany(v => v).Should().NotEqual(Train(8).SelectMany(v => v));
    }

    [Fact]
    public void A_Fit_after_another_trains_on_its_own_rows_though_its_copies_come_from_the_pool()
    {
        // Fit's row-major copy of the set and the guard's copy of the weights are rented from the shared pool and
        // returned: the second Fit on B most likely gets the arrays that held A's rows and the A-trained weights.
        var (a, aTargets) = Blobs(30, 11);
        var (b, bTargets) = Blobs(30, 12);
        float[][] Train(Matrix<float> x, Matrix<float> y)
        {
            var model = SmallClassifier();
            model.Fit(x, y, new CrossEntropyLoss(), new Adam(0.01f), new TrainingOptions { Epochs = 2, BatchSize = 8, Seed = 3 });
            return Copy(model);
        }
        float[][] first = Train(b, bTargets);
        float[][] onA = Train(a, aTargets);
        Train(b, bTargets).Should().BeEquivalentTo(first, o => o.WithStrictOrdering());
        onA.SelectMany(v => v).Should().NotEqual(first.SelectMany(v => v), "A's rows train other weights");
    }

    [Fact]
    public void Learns_a_separable_problem_and_reports_validation_each_epoch()
    {
        var (x, y) = Blobs(90, 5);
        var (xv, yv) = Blobs(30, 6);
        var model = SmallClassifier();
        var reported = new List<EpochResult>();
        var history = model.Fit(x, y, new CrossEntropyLoss(), new Adam(0.05f),
            new TrainingOptions { Epochs = 15, BatchSize = 16, Seed = 1, ValidationInputs = xv, ValidationTargets = yv },
            new Reporter(reported.Add));
        reported.Should().Equal(history.Epochs);
        history.Epochs[^1].TrainingLoss.Should().BeLessThan(history.Epochs[0].TrainingLoss / 4);
        history.Epochs[^1].ValidationAccuracy.Should().Be(1f);
        // The reported validation loss is the loss of the final model's predictions.
        history.Epochs[^1].ValidationLoss!.Value.Should().BeApproximately(new CrossEntropyLoss().Loss(model.Predict(xv), yv), 1e-6f);
    }

    [Fact]
    public void Regression_loss_reports_no_accuracy()
    {
        var x = Matrix<float>.Build.Dense(8, 1, (i, _) => i / 8f);
        var model = new Mlp(new Dense(1, 1, seed: 1), new Identity());
        var history = model.Fit(x, x, new MeanSquaredErrorLoss(), new Sgd(0.1f),
            new TrainingOptions { Epochs = 1, BatchSize = 4, ValidationInputs = x, ValidationTargets = x });
        history.Epochs[0].ValidationLoss.Should().NotBeNull();
        history.Epochs[0].ValidationAccuracy.Should().BeNull();
    }

    [Fact]
    public void Early_stopping_stops_after_patience_and_restores_the_best_weights()
    {
        // Validation targets are the opposite classes, so every epoch of training makes validation worse:
        // the best epoch is the first, training stops after 1 + patience epochs, and the model ends with epoch 1's weights.
        var (x, y) = Blobs(30, 7);
        var wrong = Matrix<float>.Build.Dense(30, 3, (i, j) => j == (i + 1) % 3 ? 1f : 0f);
        var model = SmallClassifier();
        float[][]? afterFirst = null;
        var history = model.Fit(x, y, new CrossEntropyLoss(), new Adam(0.05f),
            new TrainingOptions { Epochs = 20, BatchSize = 10, Seed = 1, ValidationInputs = x, ValidationTargets = wrong, EarlyStoppingPatience = 3 },
            new Reporter(r => { if (r.Epoch == 1) afterFirst = Copy(model); }));
        history.StoppedEarly.Should().BeTrue();
        history.BestEpoch.Should().Be(1);
        history.Epochs.Should().HaveCount(4);
        Copy(model).Should().BeEquivalentTo(afterFirst, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Step_decay_sets_the_learning_rate_every_epoch()
    {
        var (x, y) = Blobs(6, 8);
        var sgd = new Sgd(0.8f);
        var history = SmallClassifier().Fit(x, y, new CrossEntropyLoss(), sgd,
            new TrainingOptions { Epochs = 5, BatchSize = 6, LearningRateSchedule = new StepDecay(stepSize: 2, gamma: 0.5f) });
        history.Epochs.Select(e => e.LearningRate!.Value).Should().Equal(0.8f, 0.8f, 0.4f, 0.4f, 0.2f);
        sgd.LearningRate.Should().Be(0.2f);
    }

    [Fact]
    public void Exponential_decay_follows_eta0_gamma_to_the_epoch()
    {
        var schedule = new ExponentialDecay(0.9f);
        for (int e = 0; e < 5; e++) schedule.LearningRate(e, 0.5f).Should().BeApproximately((float)(0.5 * Math.Pow(0.9, e)), 1e-7f);
    }

    [Fact]
    public void A_schedule_needs_an_optimizer_with_a_settable_rate()
    {
        var (x, y) = Blobs(6, 9);
        var act = () => SmallClassifier().Fit(x, y, new CrossEntropyLoss(), new SpyOptimizer(),
            new TrainingOptions { Epochs = 1, BatchSize = 6, LearningRateSchedule = new ExponentialDecay(0.5f) });
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("optimizer");
    }

    [Fact]
    public void An_infinite_loss_stops_training_naming_epoch_and_batch_and_keeps_finite_weights()
    {
        // The step after batch 1 blows the weights up to 1e30 (still finite): batch 2's loss is then ∞ or NaN.
        var x = Matrix<float>.Build.Dense(8, 1, (i, _) => 1f + i);
        var model = new Mlp(new Dense(1, 1, seed: 1), new Identity());
        var initial = Copy(model);
        var blowUp = new SpyOptimizer(onStep: (ps, _) => { foreach (var p in ps) p.Value.MapInplace(_ => 1e30f); });
        var act = () => model.Fit(x, x, new MeanSquaredErrorLoss(), blowUp, new TrainingOptions { Epochs = 3, BatchSize = 4, Shuffle = false });
        var error = act.Should().Throw<TrainingDivergedException>().Which;
        (error.Epoch, error.Batch).Should().Be((1, 2));
        error.Message.Should().Contain("epoch 1, batch 2");
        // Back to the weights before the step that blew up: the last ones whose loss was finite.
        Copy(model).Should().BeEquivalentTo(initial, o => o.WithStrictOrdering());
    }

    [Fact]
    public void A_step_that_makes_weights_NaN_is_undone()
    {
        var (x, y) = Blobs(9, 10);
        var model = SmallClassifier();
        float[][]? beforeThird = null;
        var poison = new SpyOptimizer(new Sgd(0.1f), (ps, step) =>
        {
            if (step == 2) beforeThird = ps.Select(p => p.Value.AsColumnMajorArray().ToArray()).ToArray();
            if (step == 3) ps[0].Value[0, 0] = float.NaN;
        });
        var act = () => model.Fit(x, y, new CrossEntropyLoss(), poison, new TrainingOptions { Epochs = 2, BatchSize = 3, Shuffle = false });
        act.Should().Throw<TrainingDivergedException>().Which.Batch.Should().Be(3);
        Copy(model).Should().BeEquivalentTo(beforeThird, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Cancellation_between_batches_leaves_the_weights_of_the_last_step()
    {
        var (x, y) = Blobs(20, 11);
        var model = SmallClassifier();
        using var cancel = new CancellationTokenSource();
        float[][]? afterSecond = null;
        var spy = new SpyOptimizer(new Sgd(0.1f), (ps, step) =>
        {
            if (step == 2) { afterSecond = ps.Select(p => p.Value.AsColumnMajorArray().ToArray()).ToArray(); cancel.Cancel(); }
        });
        var act = () => model.Fit(x, y, new CrossEntropyLoss(), spy, new TrainingOptions { Epochs = 5, BatchSize = 4 }, cancellationToken: cancel.Token);
        act.Should().Throw<OperationCanceledException>();
        spy.Steps.Should().Be(2);
        Copy(model).Should().BeEquivalentTo(afterSecond, o => o.WithStrictOrdering());
    }

    [Theory]
    [InlineData(0, 4, "Epochs", "was 0")]
    [InlineData(1, -3, "BatchSize", "was -3")]
    public void Rejects_bad_counts_naming_option_and_value(int epochs, int batchSize, string name, string value)
    {
        var (x, y) = Blobs(6, 12);
        var act = () => SmallClassifier().Fit(x, y, new CrossEntropyLoss(), new Sgd(0.1f), new TrainingOptions { Epochs = epochs, BatchSize = batchSize });
        var error = act.Should().Throw<ArgumentException>().Which;
        error.ParamName.Should().Be(name);
        error.Message.Should().Contain(value);
    }

    [Fact]
    public void Rejects_inconsistent_validation_and_early_stopping()
    {
        var (x, y) = Blobs(6, 13);
        void Check(TrainingOptions options, string name) =>
            FluentActions.Invoking(() => SmallClassifier().Fit(x, y, new CrossEntropyLoss(), new Sgd(0.1f), options))
                .Should().Throw<ArgumentException>().Which.ParamName.Should().Be(name);
        Check(new TrainingOptions { EarlyStoppingPatience = 2 }, "EarlyStoppingPatience");
        Check(new TrainingOptions { ValidationInputs = x }, "ValidationTargets");
        Check(new TrainingOptions { ValidationInputs = Matrix<float>.Build.Dense(6, 5), ValidationTargets = y }, "ValidationInputs");
        Check(new TrainingOptions { ValidationInputs = x, ValidationTargets = Matrix<float>.Build.Dense(5, 3) }, "ValidationTargets");
        FluentActions.Invoking(() => SmallClassifier().Fit(x, Matrix<float>.Build.Dense(5, 3), new CrossEntropyLoss(), new Sgd(0.1f), new TrainingOptions()))
            .Should().Throw<ArgumentException>().WithMessage("*5 rows*6*");
    }

    private sealed class Reporter(Action<EpochResult> report) : IProgress<EpochResult>
    {
        public void Report(EpochResult value) => report(value);
    }
}
