using NeuralNet.Training;
using static NeuralNet.Tests.Training.ScheduleHarness;

namespace NeuralNet.Tests.Training;

public class CosineAnnealingTests
{
    /// <summary>
    /// What PyTorch's <c>CosineAnnealingLR.step()</c> computes (its chainable <c>get_lr</c>): a recursion on the previous
    /// rate, with its own branch at t = (2k + 1) T_max + 1 where the ratio's denominator is 0.
    /// </summary>
    private static double[] TorchSteps(double baseLr, int tMax, double etaMin, int count)
    {
        var lr = new double[count];
        lr[0] = baseLr;
        for (int t = 1; t < count; t++)
            lr[t] = (t - 1 - tMax) % (2 * tMax) == 0
                ? lr[t - 1] + (baseLr - etaMin) * (1 - Math.Cos(Math.PI / tMax)) / 2
                : (1 + Math.Cos(Math.PI * t / tMax)) / (1 + Math.Cos(Math.PI * (t - 1) / tMax)) * (lr[t - 1] - etaMin) + etaMin;
        return lr;
    }

    [Fact]
    public void Follows_torchs_step_for_50_epochs_through_T_max_and_up_again()
    {
        // T_max = 20: down to η_min at 20, back up to η₀ at 40 and down again, as PyTorch's does.
        new CosineAnnealing(tMax: 20, etaMin: 1e-3f).Rates(50, 0.1f).ShouldFollow(TorchSteps(0.1f, 20, 1e-3f, 50));
    }

    [Fact]
    public void Follows_torchs_step_for_50_epochs_down_to_zero()
    {
        var schedule = new CosineAnnealing(tMax: 49);
        schedule.Rates(50, 0.5f).ShouldFollow(TorchSteps(0.5f, 49, 0, 50));
        schedule.LearningRate(49, 0.5f).Should().Be(0f);
        schedule.LearningRate(0, 0.5f).Should().Be(0.5f);
    }

    [Fact]
    public void Fit_trains_each_epoch_with_torchs_rate()
    {
        var (history, optimizer) = Fit(new CosineAnnealing(tMax: 50, etaMin: 0.01f), learningRate: 0.2f, epochs: 50);
        double[] expected = TorchSteps(0.2f, 50, 0.01f, 50);
        history.Epochs.Select(e => e.LearningRate!.Value).ShouldFollow(expected);
        optimizer.Rates.ShouldFollow(expected); // one batch per epoch: every step trained with its epoch's rate
    }

    [Fact]
    public void Fit_rejects_a_rate_of_zero_before_training()
    {
        // η_min = 0 at epoch T_max = 3 < 5 epochs: the optimizer cannot take 0, and Fit says so before the first step.
        var recorder = new RecordingOptimizer(0.2f);
        var act = () => Fit(new CosineAnnealing(tMax: 3), learningRate: 0.2f, epochs: 5, recorder: recorder);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("epoch 3").And.Contain("CosineAnnealing");
        recorder.Rates.Should().BeEmpty("the bad rate is found before the first step, not three epochs in");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    public void Rejects_T_max_below_one(int tMax)
    {
        var error = FluentActions.Invoking(() => new CosineAnnealing(tMax)).Should().Throw<ArgumentOutOfRangeException>().Which;
        (error.ParamName, error.ActualValue).Should().Be(("tMax", tMax));
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Rejects_a_negative_or_non_finite_eta_min(float etaMin)
    {
        var error = FluentActions.Invoking(() => new CosineAnnealing(10, etaMin)).Should().Throw<ArgumentOutOfRangeException>().Which;
        (error.ParamName, error.ActualValue).Should().Be(("etaMin", etaMin));
    }
}
