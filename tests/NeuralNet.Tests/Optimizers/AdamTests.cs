using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Optimizers;

namespace NeuralNet.Tests.Optimizers;

public class AdamTests
{
    // f(θ) = ½ a θ², so ∇f = a θ: a scalar quadratic, stepped by hand below.
    private static Parameter Scalar(float value, bool isWeight = true) =>
        new("theta", Matrix<float>.Build.Dense(1, 1, value), isWeight);

    private static void QuadraticGradient(Parameter p, float a) => p.Gradient[0, 0] = a * p.Value[0, 0];

    [Fact]
    public void First_step_moves_by_the_learning_rate_against_the_gradient_sign()
    {
        // t = 1: m̂ = g, v̂ = g², so Δθ = −η g / (|g| + ε) — η·sign(g) whatever the gradient's size.
        foreach (float start in new[] { 3f, -0.002f, 250f })
        {
            var p = Scalar(start);
            QuadraticGradient(p, a: 2f);
            new Adam(learningRate: 0.1f).Step([p]);
            double g = 2.0 * start;
            p.Value[0, 0].Should().BeApproximately((float)(start - 0.1 * g / (Math.Abs(g) + 1e-8)), 1e-6f);
        }
    }

    [Fact]
    public void Three_steps_on_a_quadratic_match_hand_computed_values()
    {
        // Worked by hand (double) for θ₀ = 1, a = 1, η = 0.1, β₁ = 0.9, β₂ = 0.999, ε = 1e-8:
        // t=1: g=1, m=0.1, v=0.001, m̂=1, v̂=1 → θ=0.9
        // t=2: g=0.9, m=0.18, v=0.001809 → m̂=0.947368…, v̂=0.904952… → θ=0.9 − 0.1·0.947368/0.951290 = 0.800412…
        // t=3: g=0.800412, m=0.242041…, v=0.002447…, m̂=0.893877…, v̂=0.816590… → θ=0.701586…
        var p = Scalar(1f);
        var adam = new Adam(learningRate: 0.1f);
        var expected = new[] { 0.9, 0.8004122, 0.7015863 };
        double theta = 1, m = 0, v = 0;
        for (int t = 1; t <= 3; t++)
        {
            QuadraticGradient(p, a: 1f);
            adam.Step([p]);
            // The same recursion in double, written out: PyTorch's Adam.
            double g = theta;
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            theta -= 0.1 / (1 - Math.Pow(0.9, t)) * m / (Math.Sqrt(v) / Math.Sqrt(1 - Math.Pow(0.999, t)) + 1e-8);
            theta.Should().BeApproximately(expected[t - 1], 1e-6);
            p.Value[0, 0].Should().BeApproximately((float)theta, 1e-6f);
        }
        adam.Steps.Should().Be(3);
    }

    [Fact]
    public void Epsilon_sits_outside_the_square_root()
    {
        // With g = 1e-4 and ε = 1e-4 the first step is η g / (|g| + ε) = η/2; ε inside the root would give η·1e-4/√(1e-8+1e-4) ≈ 0.0099η.
        var p = Scalar(0f);
        p.Gradient[0, 0] = 1e-4f;
        new Adam(learningRate: 1f, epsilon: 1e-4f).Step([p]);
        p.Value[0, 0].Should().BeApproximately(-0.5f, 1e-5f);
    }

    [Fact]
    public void Adam_weight_decay_is_added_to_the_gradient_of_weights_only()
    {
        // Zero data gradient: g = λθ, and the first step is −η·sign(θ) for the weight; the bias does not move.
        var weight = Scalar(2f);
        var bias = Scalar(2f, isWeight: false);
        new Adam(learningRate: 0.1f, weightDecay: 0.5f).Step([weight, bias]);
        weight.Value[0, 0].Should().BeApproximately(1.9f, 1e-6f);
        bias.Value[0, 0].Should().Be(2f);
    }

    [Fact]
    public void AdamW_decays_weights_by_one_minus_eta_lambda_per_step()
    {
        // Zero gradient: the moments stay 0 so the Adam part is 0, and θₜ = θ₀ (1 − ηλ)ᵗ exactly (closed form).
        var weight = Scalar(3f);
        var bias = Scalar(3f, isWeight: false);
        var adamW = new AdamW(learningRate: 0.1f, weightDecay: 0.2f);
        for (int t = 0; t < 5; t++) adamW.Step([weight, bias]);
        weight.Value[0, 0].Should().BeApproximately((float)(3 * Math.Pow(1 - 0.1 * 0.2, 5)), 1e-5f);
        bias.Value[0, 0].Should().Be(3f);
    }

    [Fact]
    public void AdamW_applies_decay_before_the_adaptive_step()
    {
        // θ₁ = θ₀(1 − ηλ) − η·g/(|g|+ε), the moments seeing only the data gradient g.
        var p = Scalar(1f);
        p.Gradient[0, 0] = 4f;
        new AdamW(learningRate: 0.1f, weightDecay: 0.5f).Step([p]);
        p.Value[0, 0].Should().BeApproximately(1f * 0.95f - 0.1f, 1e-6f);
    }

    [Theory]
    [InlineData(0f, 0.9f, 0.999f, 1e-8f, "learningRate")]
    [InlineData(1e-3f, 1f, 0.999f, 1e-8f, "beta1")]
    [InlineData(1e-3f, 0.9f, -0.1f, 1e-8f, "beta2")]
    [InlineData(1e-3f, 0.9f, 0.999f, 0f, "epsilon")]
    public void Rejects_bad_hyper_parameters_naming_them(float lr, float b1, float b2, float eps, string name)
    {
        var act = () => new Adam(lr, b1, b2, eps);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(name);
    }

    [Fact]
    public void Learning_rate_is_settable_through_the_schedule_interface()
    {
        ILearningRateOptimizer optimizer = new Adam(learningRate: 0.1f);
        optimizer.LearningRate = 0.01f;
        ((Adam)optimizer).LearningRate.Should().Be(0.01f);
        var act = () => optimizer.LearningRate = float.NaN;
        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
