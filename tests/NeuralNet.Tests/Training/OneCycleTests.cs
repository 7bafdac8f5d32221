using NeuralNet.Training;
using static NeuralNet.Tests.Training.ScheduleHarness;

namespace NeuralNet.Tests.Training;

public class OneCycleTests
{
    /// <summary>
    /// PyTorch's <c>OneCycleLR.get_lr</c> at step 0 … count − 1, written out: the phases end at pct·T − 1 (and 2·pct·T − 2)
    /// and T − 1; within a phase, pct = (step − start) / (end − start); the last phase takes every later step.
    /// </summary>
    private static double[] TorchRates(double maxLr, int total, double pctStart, bool cosine, double div, double finalDiv, bool threePhase, int count)
    {
        double initial = maxLr / div, min = initial / finalDiv;
        (double End, double From, double To)[] phases = threePhase
            ? [(pctStart * total - 1, initial, maxLr), (2 * pctStart * total - 2, maxLr, initial), (total - 1, initial, min)]
            : [(pctStart * total - 1, initial, maxLr), (total - 1, maxLr, min)];
        var rates = new double[count];
        for (int step = 0; step < count; step++)
        {
            double start = 0;
            for (int i = 0; i < phases.Length; i++)
            {
                var (end, from, to) = phases[i];
                if (step <= end || i == phases.Length - 1)
                {
                    double pct = (step - start) / (end - start);
                    rates[step] = cosine ? to + (from - to) / 2.0 * (Math.Cos(Math.PI * pct) + 1) : (to - from) * pct + from;
                    break;
                }
                start = end;
            }
        }
        return rates;
    }

    [Fact]
    public void Follows_torch_for_50_batches_with_its_defaults()
    {
        var schedule = new OneCycle(maxLearningRate: 0.1f, totalSteps: 50);
        ((ILearningRateSchedule)schedule).Unit.Should().Be(ScheduleUnit.Batch);
        double[] expected = TorchRates(0.1f, 50, 0.3f, true, 25, 1e4, false, 50);
        schedule.Rates(50, 123f).ShouldFollow(expected); // the optimizer's own rate plays no part
        // Anchors by hand: from max/25, the peak at step 0.3·50 − 1 = 14, down to max/25/1e4 at the last step.
        schedule.LearningRate(0, 1f).Should().BeApproximately(0.1f / 25, 1e-9f);
        schedule.LearningRate(14, 1f).Should().BeApproximately(0.1f, 1e-8f);
        schedule.LearningRate(49, 1f).Should().BeApproximately(0.1f / 25 / 1e4f, 1e-12f);
    }

    [Fact]
    public void Follows_torch_with_linear_annealing_three_phases_and_other_boundaries()
    {
        new OneCycle(0.2f, 50, annealStrategy: AnnealStrategy.Linear).Rates(50, 1f)
            .ShouldFollow(TorchRates(0.2f, 50, 0.3f, false, 25, 1e4, false, 50));
        new OneCycle(0.2f, 50, threePhase: true).Rates(50, 1f)
            .ShouldFollow(TorchRates(0.2f, 50, 0.3f, true, 25, 1e4, true, 50));
        // a fractional boundary (0.25 · 37 − 1 = 8.25) and other factors
        new OneCycle(0.05f, 37, pctStart: 0.25f, divFactor: 10f, finalDivFactor: 100f).Rates(37, 1f)
            .ShouldFollow(TorchRates(0.05f, 37, 0.25f, true, 10, 100, false, 37));
        // pct_start 0: the first phase ends at step −1, so step 0 already lies 1/T into the descent
        new OneCycle(0.1f, 50, pctStart: 0f).Rates(50, 1f).ShouldFollow(TorchRates(0.1f, 50, 0, true, 25, 1e4, false, 50));
        // the midpoint of a linear rise, by hand: 0.3·50 − 1 = 14 steps from 0.004 to 0.1
        new OneCycle(0.1f, 50, annealStrategy: AnnealStrategy.Linear).LearningRate(7, 1f)
            .Should().BeApproximately((float)(0.1f / 25.0 + (0.1f - 0.1f / 25.0) * 7 / (0.3f * 50.0 - 1)), 1e-8f);
    }

    [Fact]
    public void Fit_sets_the_rate_before_every_batch_and_reports_each_epochs_last()
    {
        // 20 rows in batches of 4: 5 steps per epoch, 10 epochs, 50 steps.
        double[] expected = TorchRates(0.1f, 50, 0.3f, true, 25, 1e4, false, 50);
        var (history, optimizer) = Fit(new OneCycle(0.1f, totalSteps: 50), learningRate: 0.5f, epochs: 10, rows: 20, batchSize: 4);
        optimizer.Rates.ShouldFollow(expected);
        history.Epochs.Select(e => e.LearningRate!.Value).ShouldFollow(Enumerable.Range(0, 10).Select(e => expected[5 * e + 4]).ToArray());

        // With a short last batch (22 rows: 4, 4, 4, 4, 4, 2) each epoch has 6 steps; a cycle longer than the run is cut off.
        double[] longer = TorchRates(0.1f, 70, 0.3f, true, 25, 1e4, false, 60);
        Fit(new OneCycle(0.1f, totalSteps: 70), learningRate: 0.5f, epochs: 10, rows: 22, batchSize: 4).Optimizer.Rates.ShouldFollow(longer);
    }

    [Fact]
    public void Fit_rejects_a_cycle_shorter_than_the_run_before_training()
    {
        var recorder = new RecordingOptimizer(0.5f);
        var act = () => Fit(new OneCycle(0.1f, totalSteps: 49), learningRate: 0.5f, epochs: 10, rows: 20, batchSize: 4, recorder: recorder);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*49 steps*step 49*totalSteps*");
        recorder.Rates.Should().BeEmpty("a cycle shorter than the run's 50 batches is found before the first step");
    }

    [Theory]
    [InlineData("maxLearningRate", 0f)]
    [InlineData("maxLearningRate", float.NaN)]
    [InlineData("pctStart", -0.1f)]
    [InlineData("pctStart", 1.1f)]
    [InlineData("divFactor", 0f)]
    [InlineData("finalDivFactor", float.PositiveInfinity)]
    public void Rejects_bad_float_hyper_parameters(string name, float value)
    {
        Func<OneCycle> create = name switch
        {
            "maxLearningRate" => () => new OneCycle(value, 100),
            "pctStart" => () => new OneCycle(0.1f, 100, pctStart: value),
            "divFactor" => () => new OneCycle(0.1f, 100, divFactor: value),
            _ => () => new OneCycle(0.1f, 100, finalDivFactor: value),
        };
        var error = FluentActions.Invoking(create).Should().Throw<ArgumentOutOfRangeException>().Which;
        (error.ParamName, error.ActualValue).Should().Be((name, value));
    }

    [Fact]
    public void Rejects_no_steps_and_a_rising_phase_of_no_length()
    {
        var error = FluentActions.Invoking(() => new OneCycle(0.1f, 0)).Should().Throw<ArgumentOutOfRangeException>().Which;
        (error.ParamName, error.ActualValue).Should().Be(("totalSteps", 0));
        // 0.25 · 4 = 1: PyTorch's first phase would end at step 0 and divide 0 by 0.
        FluentActions.Invoking(() => new OneCycle(0.1f, 4, pctStart: 0.25f)).Should().Throw<ArgumentException>()
            .Which.ParamName.Should().Be("pctStart");
    }
}
