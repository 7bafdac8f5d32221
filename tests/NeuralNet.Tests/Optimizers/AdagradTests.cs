using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Optimizers;

namespace NeuralNet.Tests.Optimizers;

/// <summary>
/// Adagrad under a constant gradient in closed form, from PyTorch's rule; the recursions with fresh gradients every step
/// are checked element by element in <see cref="LargeParameterTests"/>.
/// </summary>
public class AdagradTests
{
    private static Parameter Scalar(float value, bool isWeight = true) =>
        new("theta", Matrix<float>.Build.Dense(1, 1, value), isWeight);

    [Fact]
    public void The_defaults_are_torchs()
    {
        var adagrad = new Adagrad();
        (adagrad.LearningRate, adagrad.LearningRateDecay, adagrad.WeightDecay, adagrad.InitialAccumulatorValue, adagrad.Epsilon)
            .Should().Be((0.01f, 0f, 0f, 0f, 1e-10f));
    }

    [Fact]
    public void A_constant_gradient_gives_the_closed_form_with_learning_rate_decay_and_initial_accumulator()
    {
        // S_k = S₀ + k g², so θ_t = θ₀ − Σ_{k=1..t} η/(1 + (k−1)δ) · g/(√(S₀ + k g²) + ε).
        const double eta = 0.1, delta = 0.5, s0 = 0.25, g = 0.5, epsilon = 1e-10;
        var p = Scalar(1f);
        var adagrad = new Adagrad(learningRate: (float)eta, learningRateDecay: (float)delta, initialAccumulatorValue: (float)s0);
        double expected = 1;
        for (int t = 1; t <= 6; t++)
        {
            p.Gradient[0, 0] = (float)g;
            adagrad.Step([p]);
            expected -= eta / (1 + (t - 1) * delta) * g / (Math.Sqrt(s0 + t * g * g) + epsilon);
            p.Value[0, 0].Should().BeApproximately((float)expected, 1e-6f, $"after step {t}");
        }
        adagrad.Steps.Should().Be(6);
    }

    [Fact]
    public void Without_decay_the_steps_shrink_as_one_over_the_root_of_t()
    {
        // S₀ = 0 and a constant g: step t moves by η g/√(t g²) = η/√t, whatever the gradient's size.
        var p = Scalar(0f);
        var adagrad = new Adagrad(learningRate: 1f);
        double expected = 0;
        for (int t = 1; t <= 5; t++)
        {
            p.Gradient[0, 0] = 40f;
            adagrad.Step([p]);
            expected -= 1 / Math.Sqrt(t);
            p.Value[0, 0].Should().BeApproximately((float)expected, 1e-5f);
        }
    }

    [Fact]
    public void Weight_decay_is_added_to_the_gradient_of_weights_only()
    {
        // Zero data gradient: g = λθ = 1 for the weight, whose first step is then η·g/|g| = η; the bias does not move.
        var weight = Scalar(2f);
        var bias = Scalar(2f, isWeight: false);
        new Adagrad(learningRate: 0.1f, weightDecay: 0.5f).Step([weight, bias]);
        weight.Value[0, 0].Should().BeApproximately(1.9f, 1e-6f);
        bias.Value[0, 0].Should().Be(2f);
    }

    [Theory]
    [InlineData("learningRate", -0.01f)]
    [InlineData("learningRate", float.PositiveInfinity)]
    [InlineData("learningRateDecay", -1f)]
    [InlineData("learningRateDecay", float.NaN)]
    [InlineData("weightDecay", -0.1f)]
    [InlineData("initialAccumulatorValue", -0.5f)]
    [InlineData("initialAccumulatorValue", float.PositiveInfinity)]
    [InlineData("epsilon", 0f)]
    [InlineData("epsilon", -1e-10f)]
    public void Rejects_bad_hyper_parameters_naming_them_and_their_values(string name, float value)
    {
        Action act = () => _ = name switch
        {
            "learningRate" => new Adagrad(learningRate: value),
            "learningRateDecay" => new Adagrad(learningRateDecay: value),
            "weightDecay" => new Adagrad(weightDecay: value),
            "initialAccumulatorValue" => new Adagrad(initialAccumulatorValue: value),
            _ => new Adagrad(epsilon: value),
        };
        ArgumentChecks.ThrowsOutOfRangeNaming(act, name, value);
    }

    [Fact]
    public void Learning_rate_is_settable_through_the_schedule_interface() =>
        ArgumentChecks.LearningRateIsSettable(new Adagrad(), 0.5f, 0f);
}
