using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Optimizers;

namespace NeuralNet.Tests.Optimizers;

/// <summary>
/// RMSprop's first steps in closed form, from PyTorch's rule (s₁ = (1−α)g², ḡ₁ = (1−α)g); the longer recursions with
/// every option are checked element by element in <see cref="LargeParameterTests"/>.
/// </summary>
public class RmsPropTests
{
    private static Parameter Vector(float[] values, bool isWeight = true) =>
        new("theta", Matrix<float>.Build.Dense(values.Length, 1, values), isWeight);

    [Fact]
    public void The_defaults_are_torchs()
    {
        var rmsProp = new RmsProp();
        (rmsProp.LearningRate, rmsProp.Alpha, rmsProp.Epsilon, rmsProp.Momentum, rmsProp.Centered, rmsProp.WeightDecay)
            .Should().Be((0.01f, 0.99f, 1e-8f, 0f, false, 0f));
    }

    [Fact]
    public void The_first_step_is_eta_over_the_root_of_one_minus_alpha_against_the_gradient_sign()
    {
        // d = √((1−α)g²) + ε = 0.1|g| + ε, so θ₁ = θ₀ − η g/d ≈ θ₀ − 10η·sign(g) whatever the gradient's size.
        var p = Vector([1f, 1f, 1f]);
        float[] g = [0.5f, -3f, 2e-3f];
        g.CopyTo(p.Gradient.AsColumnMajorArray(), 0);
        var rmsProp = new RmsProp(learningRate: 0.01f);
        rmsProp.Step([p]);
        for (int i = 0; i < g.Length; i++)
            p.Value[i, 0].Should().BeApproximately((float)(1 - 0.01 * g[i] / (Math.Sqrt(0.01 * g[i] * g[i]) + 1e-8)), 1e-6f);
        rmsProp.Steps.Should().Be(1);
    }

    [Fact]
    public void Epsilon_sits_outside_the_square_root()
    {
        // α = 0: s = g², so with g = ε = 1e-4 the step is η g/(|g| + ε) = η/2; ε inside the root would give ≈ 0.01η.
        var p = Vector([0f]);
        p.Gradient[0, 0] = 1e-4f;
        new RmsProp(learningRate: 1f, alpha: 0f, epsilon: 1e-4f).Step([p]);
        p.Value[0, 0].Should().BeApproximately(-0.5f, 1e-5f);
    }

    [Fact]
    public void Centered_divides_by_the_root_of_the_variance_estimate()
    {
        // s − ḡ² = (1−α)g² − (1−α)²g² = α(1−α)g²: at α = 0.5 the first step is η g/(0.5|g|) = 2η·sign(g).
        var p = Vector([1f, 1f]);
        p.Gradient[0, 0] = 0.8f;
        p.Gradient[1, 0] = -0.02f;
        new RmsProp(learningRate: 0.01f, alpha: 0.5f, centered: true).Step([p]);
        p.Value[0, 0].Should().BeApproximately(0.98f, 1e-6f);
        p.Value[1, 0].Should().BeApproximately(1.02f, 1e-6f);
    }

    [Fact]
    public void Centered_stays_finite_when_rounding_makes_the_variance_negative()
    {
        // A constant gradient: s − ḡ² = g²(1−αᵗ)αᵗ falls below float's rounding of s after some 25 steps at α = 0.5,
        // so the rounded difference comes out negative for some elements and steps (PyTorch's root of it is NaN).
        var p = Vector(new float[256]);
        var random = new Random(3);
        for (int i = 0; i < 256; i++) p.Gradient[i, 0] = (float)(random.NextDouble() + 0.1);
        var rmsProp = new RmsProp(learningRate: 1e-12f, alpha: 0.5f, centered: true);
        for (int t = 0; t < 60; t++) rmsProp.Step([p]);
        p.Value.AsColumnMajorArray().Should().OnlyContain(v => float.IsFinite(v));
    }

    [Fact]
    public void Weight_decay_is_added_to_the_gradient_of_weights_only()
    {
        // Zero data gradient: g = λθ for the weight, whose first step is then ≈ −10η·sign(θ); the bias does not move.
        var weight = Vector([2f]);
        var bias = Vector([2f], isWeight: false);
        new RmsProp(learningRate: 0.01f, weightDecay: 0.5f).Step([weight, bias]);
        weight.Value[0, 0].Should().BeApproximately(1.9f, 1e-6f);
        bias.Value[0, 0].Should().Be(2f);
    }

    [Theory]
    [InlineData("learningRate", 0f)]
    [InlineData("learningRate", float.NaN)]
    [InlineData("alpha", 1f)]
    [InlineData("alpha", -0.1f)]
    [InlineData("epsilon", 0f)]
    [InlineData("epsilon", float.PositiveInfinity)]
    [InlineData("momentum", 1f)]
    [InlineData("momentum", -0.5f)]
    [InlineData("weightDecay", -1f)]
    [InlineData("weightDecay", float.NaN)]
    public void Rejects_bad_hyper_parameters_naming_them_and_their_values(string name, float value)
    {
        Action act = () => _ = name switch
        {
            "learningRate" => new RmsProp(learningRate: value),
            "alpha" => new RmsProp(alpha: value),
            "epsilon" => new RmsProp(epsilon: value),
            "momentum" => new RmsProp(momentum: value),
            _ => new RmsProp(weightDecay: value),
        };
        ArgumentChecks.ThrowsOutOfRangeNaming(act, name, value);
    }

    [Fact]
    public void Learning_rate_is_settable_through_the_schedule_interface() =>
        ArgumentChecks.LearningRateIsSettable(new RmsProp(), 0.001f, -1f);
}
