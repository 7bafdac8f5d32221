using NeuralNet.Training;
using static NeuralNet.Tests.Training.ScheduleHarness;

namespace NeuralNet.Tests.Training;

public class LinearWarmupTests
{
    /// <summary>PyTorch's <c>LinearLR</c> chainable step: ×s at t = 0, then ×(1 + (e − s)/(T s + (t − 1)(e − s))) up to T, then unchanged.</summary>
    private static double LinearStep(double previous, double baseLr, double s, double e, int total, int t) =>
        t == 0 ? baseLr * s
        : t > total ? previous
        : previous * (1 + (e - s) / (total * s + (t - 1) * (e - s)));

    /// <summary>PyTorch's <c>CosineAnnealingLR</c> chainable step, with its branch at t = (2k + 1)T + 1 (η₀ at t = 0, the closed form).</summary>
    private static double CosineStep(double previous, double baseLr, int tMax, double etaMin, int t) =>
        t == 0 ? baseLr
        : (t - 1 - tMax) % (2 * tMax) == 0 ? previous + (baseLr - etaMin) * (1 - Math.Cos(Math.PI / tMax)) / 2
        : (1 + Math.Cos(Math.PI * t / tMax)) / (1 + Math.Cos(Math.PI * (t - 1) / tMax)) * (previous - etaMin) + etaMin;

    private static double[] TorchLinear(double baseLr, double s, double e, int total, int count)
    {
        var lr = new double[count];
        for (int t = 0; t < count; t++) lr[t] = LinearStep(t == 0 ? 0 : lr[t - 1], baseLr, s, e, total, t);
        return lr;
    }

    [Fact]
    public void Follows_torchs_step_for_50_epochs()
    {
        new LinearWarmup(epochs: 10, startFactor: 0.1f).Rates(50, 0.3f).ShouldFollow(TorchLinear(0.3f, 0.1f, 1, 10, 50));
        // torch's defaults: s = 1/3, e = 1 (LinearWarmup's s is the float nearest 1/3, as a float-typed API can hold)
        new LinearWarmup(epochs: 5).Rates(50, 0.3f).ShouldFollow(TorchLinear(0.3f, 1f / 3f, 1, 5, 50));
        // a ramp down
        new LinearWarmup(epochs: 30, startFactor: 1f, endFactor: 0.25f).Rates(50, 0.3f).ShouldFollow(TorchLinear(0.3f, 1, 0.25f, 30, 50));
    }

    [Fact]
    public void Then_is_torchs_SequentialLR_with_the_milestone_at_the_warm_up_end()
    {
        // SequentialLR([LinearLR(s=0.1, total_iters=5), CosineAnnealingLR(T_max=45, eta_min=1e-3)], milestones=[5]) stepped:
        // before the milestone LinearLR steps; at it, the cosine restarts from its closed form at 0 (η₀); after it, the cosine steps.
        var lr = new double[50];
        for (int t = 0; t < 50; t++)
            lr[t] = t < 5 ? LinearStep(t == 0 ? 0 : lr[t - 1], 0.3f, 0.1f, 1, 5, t) : CosineStep(lr[t - 1], 0.3f, 45, 1e-3f, t - 5);
        var schedule = new LinearWarmup(epochs: 5, startFactor: 0.1f).Then(new CosineAnnealing(tMax: 45, etaMin: 1e-3f));
        schedule.Rates(50, 0.3f).ShouldFollow(lr);
        schedule.Milestones.Should().Equal(5);

        var (history, optimizer) = Fit(schedule, learningRate: 0.3f, epochs: 50);
        history.Epochs.Select(e => e.LearningRate!.Value).ShouldFollow(lr);
        optimizer.Rates.ShouldFollow(lr);
    }

    [Fact]
    public void A_sequence_of_three_restarts_each_part_from_zero_at_its_milestone()
    {
        // SequentialLR([LinearLR(s=0.5, total_iters=4), ExponentialLR(0.9), CosineAnnealingLR(10)], milestones=[6, 20]):
        // LinearLR has reached e η₀ at 4 and holds it to 5; ExponentialLR restarts at η₀ at 6; the cosine at η₀ at 20.
        var lr = new double[50];
        for (int t = 0; t < 50; t++)
            lr[t] = t < 6 ? LinearStep(t == 0 ? 0 : lr[t - 1], 0.2f, 0.5f, 1, 4, t)
                : t < 20 ? (t == 6 ? 0.2f : lr[t - 1] * 0.9f)
                : CosineStep(lr[t - 1], 0.2f, 10, 0, t - 20);
        var schedule = new SequentialSchedule([new LinearWarmup(4, 0.5f), new ExponentialDecay(0.9f), new CosineAnnealing(10)], [6, 20]);
        // The cosine reaches η_min = 0 at 30: fine for the formula, though Fit would refuse a rate of 0.
        schedule.Rates(50, 0.2f).ShouldFollow(lr);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Rejects_a_warm_up_of_no_epochs(int epochs)
    {
        var error = FluentActions.Invoking(() => new LinearWarmup(epochs)).Should().Throw<ArgumentOutOfRangeException>().Which;
        (error.ParamName, error.ActualValue).Should().Be(("epochs", epochs));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.5f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void Rejects_a_start_factor_outside_0_to_1(float startFactor)
    {
        var error = FluentActions.Invoking(() => new LinearWarmup(5, startFactor)).Should().Throw<ArgumentOutOfRangeException>().Which;
        (error.ParamName, error.ActualValue).Should().Be(("startFactor", startFactor));
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.1f)]
    [InlineData(float.NaN)]
    public void Rejects_an_end_factor_outside_0_to_1(float endFactor)
    {
        var error = FluentActions.Invoking(() => new LinearWarmup(5, 0.5f, endFactor)).Should().Throw<ArgumentOutOfRangeException>().Which;
        (error.ParamName, error.ActualValue).Should().Be(("endFactor", endFactor));
    }

    [Fact]
    public void A_sequence_rejects_parts_and_milestones_that_do_not_fit()
    {
        ILearningRateSchedule cosine = new CosineAnnealing(10);
        FluentActions.Invoking(() => new SequentialSchedule([], [])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("schedules");
        FluentActions.Invoking(() => new SequentialSchedule([cosine, cosine], [])).Should().Throw<ArgumentException>()
            .Which.ParamName.Should().Be("milestones");
        FluentActions.Invoking(() => new SequentialSchedule([cosine, new ReduceOnPlateau()], [3])).Should().Throw<ArgumentException>()
            .Which.ParamName.Should().Be("schedules");
        FluentActions.Invoking(() => new SequentialSchedule([cosine, new OneCycle(0.1f, 100)], [3])).Should().Throw<ArgumentException>()
            .WithMessage("*Batch*Epoch*");
        var error = FluentActions.Invoking(() => new SequentialSchedule([cosine, cosine, cosine], [5, 5])).Should()
            .Throw<ArgumentOutOfRangeException>().Which;
        (error.ParamName, error.ActualValue).Should().Be(("milestones", 5));
        FluentActions.Invoking(() => new SequentialSchedule([cosine, cosine], [0])).Should().Throw<ArgumentOutOfRangeException>()
            .Which.ActualValue.Should().Be(0);
    }
}
