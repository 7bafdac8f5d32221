using NeuralNet.Training;
using static NeuralNet.Tests.Training.ScheduleHarness;

namespace NeuralNet.Tests.Training;

public class ReduceOnPlateauTests
{
    /// <summary>The rate of each epoch: η₀ for the first, then the rate after stepping with each loss before it.</summary>
    private static float[] RatesFor(ReduceOnPlateau schedule, float initialLearningRate, params double[] losses)
    {
        schedule.Reset(initialLearningRate);
        var rates = new List<float> { schedule.LearningRate(0, initialLearningRate) };
        for (int i = 0; i < losses.Length; i++)
        {
            schedule.Step((float)losses[i]);
            rates.Add(schedule.LearningRate(i + 1, initialLearningRate));
        }
        return [.. rates];
    }

    /// <summary>
    /// PyTorch's <c>ReduceLROnPlateau.step(metrics)</c> in mode "min", written out: is_better, then the cooldown, then the
    /// reduction with its floor and its ε. Returns the rate of each epoch (η₀ first, then after each loss).
    /// </summary>
    private static double[] TorchRates(double lr, double factor, int patience, double threshold, bool relative, int cooldown,
                                       double minLr, double eps, IReadOnlyList<double> losses)
    {
        double best = double.PositiveInfinity;
        int bad = 0, cooldownCounter = 0;
        var rates = new List<double> { lr };
        foreach (double loss in losses)
        {
            double current = (float)loss; // the loss Fit reports is a float
            bool better = relative ? current < best * (1 - threshold) : current < best - threshold;
            if (better) { best = current; bad = 0; }
            else bad++;
            if (cooldownCounter > 0) { cooldownCounter--; bad = 0; }
            if (bad > patience)
            {
                double reduced = Math.Max(lr * factor, minLr);
                if (lr - reduced > eps) lr = reduced;
                cooldownCounter = cooldown;
                bad = 0;
            }
            rates.Add(lr);
        }
        return [.. rates];
    }

    [Fact]
    public void Has_torchs_defaults()
    {
        var schedule = new ReduceOnPlateau();
        (schedule.Factor, schedule.Patience, schedule.Threshold, schedule.ThresholdMode, schedule.Cooldown, schedule.MinLearningRate, schedule.Epsilon)
            .Should().Be((0.1f, 10, 1e-4f, ThresholdMode.Relative, 0, 0f, 1e-8f));
        ((ILearningRateSchedule)schedule).Unit.Should().Be(ScheduleUnit.Epoch);
    }

    [Fact]
    public void Patience_counts_epochs_without_improvement_and_the_count_restarts_after_a_reduction()
    {
        // patience 2: the third bad epoch in a row reduces; then three more are needed.
        RatesFor(new ReduceOnPlateau(factor: 0.5f, patience: 2), 1f, 1, 1, 1, 1, 1, 1, 1)
            .Should().Equal(1f, 1f, 1f, 1f, 0.5f, 0.5f, 0.5f, 0.25f);
        // an improvement in between resets the count
        RatesFor(new ReduceOnPlateau(factor: 0.5f, patience: 2), 1f, 1, 1, 1, 0.5, 0.5, 0.5, 0.5)
            .Should().Equal(1f, 1f, 1f, 1f, 1f, 1f, 1f, 0.5f);
    }

    [Fact]
    public void The_default_patience_reduces_on_the_eleventh_bad_epoch()
    {
        float[] rates = RatesFor(new ReduceOnPlateau(), 1f, Enumerable.Repeat(2.0, 23).ToArray());
        rates.Take(12).Should().AllBeEquivalentTo(1f);       // epoch 1 sets the best, 10 bad epochs are tolerated
        rates.Skip(12).Take(11).Should().AllBeEquivalentTo((float)(1.0 * 0.1f));
        rates[23].Should().Be((float)(1.0 * 0.1f * 0.1f));
    }

    [Fact]
    public void A_relative_threshold_needs_the_loss_below_best_times_one_minus_threshold()
    {
        // threshold 0.1: from best 1, 0.95 is not an improvement (it is not below 0.9) and is not kept as the best; 0.85 is.
        var schedule = new ReduceOnPlateau(factor: 0.5f, patience: 0, threshold: 0.1f);
        RatesFor(schedule, 1f, 1.0, 0.95, 0.85, 0.8).Should().Equal(1f, 1f, 0.5f, 0.5f, 0.25f);
        schedule.BestLoss.Should().Be(0.85f);
        // threshold 0: any decrease counts
        RatesFor(new ReduceOnPlateau(factor: 0.5f, patience: 0, threshold: 0f), 1f, 1.0, 0.95, 0.85, 0.8).Should().Equal(1f, 1f, 1f, 1f, 1f);
    }

    [Fact]
    public void An_absolute_threshold_needs_the_loss_below_best_minus_threshold()
    {
        // from best 10: 9.95 is not below 9.9; 9.5 is; 9.45 is not below 9.4. (Relative 0.1 would need 9, then 8.55.)
        RatesFor(new ReduceOnPlateau(factor: 0.5f, patience: 0, threshold: 0.1f, thresholdMode: ThresholdMode.Absolute), 1f, 10, 9.95, 9.5, 9.45)
            .Should().Equal(1f, 1f, 0.5f, 0.5f, 0.25f);
        RatesFor(new ReduceOnPlateau(factor: 0.5f, patience: 0, threshold: 0.1f), 1f, 10, 9.95, 9.5, 9.45)
            .Should().Equal(1f, 1f, 0.5f, 0.25f, 0.125f);
    }

    [Fact]
    public void Cooldown_ignores_bad_epochs_after_a_reduction()
    {
        var schedule = new ReduceOnPlateau(factor: 0.5f, patience: 0, cooldown: 2);
        RatesFor(schedule, 1f, 1, 1, 1, 1, 1, 1, 1, 1).Should().Equal(1f, 1f, 0.5f, 0.5f, 0.5f, 0.25f, 0.25f, 0.25f, 0.125f);
        (schedule.CooldownCounter, schedule.BadEpochs).Should().Be((2, 0));
    }

    [Fact]
    public void The_rate_stops_at_min_lr()
    {
        RatesFor(new ReduceOnPlateau(factor: 0.1f, patience: 0, minLearningRate: 0.05f), 1f, 1, 1, 1, 1, 1)
            .Should().Equal(1f, 1f, (float)(1.0 * 0.1f), 0.05f, 0.05f, 0.05f);
    }

    [Fact]
    public void A_reduction_smaller_than_epsilon_is_skipped()
    {
        // From 1e-7: to 1e-8 is a change of 9e-8 > ε = 1e-8; to 1e-9 would be 9e-9 < ε, so the rate stays.
        float[] rates = RatesFor(new ReduceOnPlateau(factor: 0.1f, patience: 0), 1e-7f, 1, 1, 1, 1);
        float once = (float)((double)1e-7f * 0.1f);
        rates.Should().Equal(1e-7f, 1e-7f, once, once, once);
    }

    [Fact]
    public void Follows_torchs_step_over_50_scripted_losses()
    {
        // A noisy descent with plateaus: improvements, near misses inside the threshold, and long flat stretches.
        var random = new Random(3);
        var losses = new List<double>();
        double level = 2;
        for (int e = 0; e < 50; e++)
        {
            if (e % 12 < 5) level *= 0.93;
            losses.Add(level * (1 + 0.002 * (random.NextDouble() - 0.5)));
        }
        var settings = new[]
        {
            (Factor: 0.5f, Patience: 2, Threshold: 1e-3f, Relative: true, Cooldown: 1, MinLr: 0f),
            (Factor: 0.3f, Patience: 0, Threshold: 1e-2f, Relative: false, Cooldown: 0, MinLr: 1e-3f),
            (Factor: 0.1f, Patience: 4, Threshold: 1e-4f, Relative: true, Cooldown: 3, MinLr: 0f),
        };
        foreach (var s in settings)
        {
            var schedule = new ReduceOnPlateau(s.Factor, s.Patience, s.Threshold, s.Relative ? ThresholdMode.Relative : ThresholdMode.Absolute,
                                               s.Cooldown, s.MinLr);
            double[] expected = TorchRates(0.1f, s.Factor, s.Patience, s.Threshold, s.Relative, s.Cooldown, s.MinLr, 1e-8f, losses);
            expected.Distinct().Count().Should().BeGreaterThan(2, "the script must make the schedule reduce more than once");
            RatesFor(schedule, 0.1f, [.. losses]).ShouldFollow(expected);
        }
    }

    [Fact]
    public void Fit_steps_it_with_each_epochs_validation_loss()
    {
        // A large relative threshold turns the slow descent of the validation loss into plateaus; the oracle is fed the
        // validation losses Fit reported, and each epoch must have trained with the rate they imply.
        var schedule = new ReduceOnPlateau(factor: 0.5f, patience: 1, threshold: 0.05f);
        var (history, optimizer) = Fit(schedule, learningRate: 0.5f, epochs: 30, rows: 12, batchSize: 4, validation: true);
        double[] losses = history.Epochs.Select(e => (double)e.ValidationLoss!.Value).ToArray();
        double[] expected = TorchRates(0.5f, 0.5f, 1, 0.05f, true, 0, 0, 1e-8f, losses);
        expected.Distinct().Count().Should().BeGreaterThan(2);
        history.Epochs.Select(e => e.LearningRate!.Value).ShouldFollow(expected[..^1]);
        optimizer.Rates.ShouldFollow(expected[..^1].SelectMany(r => Enumerable.Repeat(r, 3)).ToArray()); // 3 batches per epoch
        schedule.CurrentLearningRate.Should().Be(expected[^1]);

        // A second run starts afresh.
        var (again, _) = Fit(schedule, learningRate: 0.5f, epochs: 30, rows: 12, batchSize: 4, validation: true);
        again.Epochs.Select(e => e.LearningRate!.Value).Should().Equal(history.Epochs.Select(e => e.LearningRate!.Value));
    }

    [Fact]
    public void Fit_without_validation_data_is_an_error()
    {
        var act = () => Fit(new ReduceOnPlateau(), learningRate: 0.5f, epochs: 3);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(nameof(TrainingOptions.LearningRateSchedule));
    }

    [Fact]
    public void Reset_forgets_the_state()
    {
        var schedule = new ReduceOnPlateau(factor: 0.5f, patience: 0, cooldown: 3);
        RatesFor(schedule, 1f, 1, 1);
        (schedule.BestLoss, schedule.BadEpochs, schedule.CooldownCounter, schedule.CurrentLearningRate).Should().Be((1.0, 0, 3, 0.5));
        schedule.Reset(0.2f);
        (schedule.BestLoss, schedule.BadEpochs, schedule.CooldownCounter, schedule.CurrentLearningRate)
            .Should().Be((double.PositiveInfinity, 0, 0, (double)0.2f));
    }

    [Theory]
    [InlineData("factor", 1f)]
    [InlineData("factor", 0f)]
    [InlineData("factor", float.NaN)]
    [InlineData("threshold", -1e-4f)]
    [InlineData("threshold", float.PositiveInfinity)]
    [InlineData("minLearningRate", -1f)]
    [InlineData("epsilon", float.NaN)]
    public void Rejects_bad_float_hyper_parameters(string name, float value)
    {
        Func<ReduceOnPlateau> create = name switch
        {
            "factor" => () => new ReduceOnPlateau(factor: value),
            "threshold" => () => new ReduceOnPlateau(threshold: value),
            "minLearningRate" => () => new ReduceOnPlateau(minLearningRate: value),
            _ => () => new ReduceOnPlateau(epsilon: value),
        };
        var error = FluentActions.Invoking(create).Should().Throw<ArgumentOutOfRangeException>().Which;
        (error.ParamName, error.ActualValue).Should().Be((name, value));
    }

    [Fact]
    public void Rejects_negative_patience_and_cooldown()
    {
        var error = FluentActions.Invoking(() => new ReduceOnPlateau(patience: -1)).Should().Throw<ArgumentOutOfRangeException>().Which;
        (error.ParamName, error.ActualValue).Should().Be(("patience", -1));
        error = FluentActions.Invoking(() => new ReduceOnPlateau(cooldown: -2)).Should().Throw<ArgumentOutOfRangeException>().Which;
        (error.ParamName, error.ActualValue).Should().Be(("cooldown", -2));
    }
}
