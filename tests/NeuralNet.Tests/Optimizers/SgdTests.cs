using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Optimizers;

namespace NeuralNet.Tests.Optimizers;

/// <summary>Two steps of each variant on scalar parameters with a fixed gradient of 0.5, worked out by hand from PyTorch's rules.</summary>
public class SgdTests
{
    private static Parameter Scalar(bool isWeight, float value = 1f)
    {
        var parameter = new Parameter(isWeight ? "w" : "b", Matrix<float>.Build.Dense(1, 1, value), isWeight);
        parameter.Gradient[0, 0] = 0.5f;
        return parameter;
    }

    private static float[] TwoSteps(Sgd sgd, Parameter parameter)
    {
        sgd.Step([parameter]);
        float first = parameter.Value[0, 0];
        sgd.Step([parameter]);
        return [first, parameter.Value[0, 0]];
    }

    [Fact]
    public void Plain_sgd_steps_against_the_gradient()
        => TwoSteps(new Sgd(0.1f), Scalar(true)).Should().Equal(0.95f, 0.9f);

    [Fact]
    public void Momentum_starts_the_velocity_at_the_first_gradient()
    {
        // v₁ = 0.5, θ₁ = 1 − 0.05; v₂ = 0.9·0.5 + 0.5 = 0.95, θ₂ = 0.95 − 0.095.
        var result = TwoSteps(new Sgd(0.1f, momentum: 0.9f), Scalar(true));
        result[0].Should().BeApproximately(0.95f, 1e-6f);
        result[1].Should().BeApproximately(0.855f, 1e-6f);
    }

    [Fact]
    public void Weight_decay_adds_lambda_theta_to_weights_then_momentum_applies()
    {
        // g₁ = 0.5 + 0.01·1 = 0.51, θ₁ = 0.949; g₂ = 0.5 + 0.01·0.949 = 0.50949, v₂ = 0.9·0.51 + 0.50949 = 0.96849, θ₂ = 0.949 − 0.096849.
        var result = TwoSteps(new Sgd(0.1f, momentum: 0.9f, weightDecay: 0.01f), Scalar(true));
        result[0].Should().BeApproximately(0.949f, 1e-6f);
        result[1].Should().BeApproximately(0.852151f, 1e-6f);
    }

    [Fact]
    public void Weight_decay_leaves_biases_alone()
    {
        var result = TwoSteps(new Sgd(0.1f, momentum: 0.9f, weightDecay: 0.01f), Scalar(false));
        result[0].Should().BeApproximately(0.95f, 1e-6f);
        result[1].Should().BeApproximately(0.855f, 1e-6f);
    }

    [Fact]
    public void Nesterov_steps_by_the_gradient_plus_mu_times_the_velocity()
    {
        // Step 1: g = 0.51, v = 0.51, step = 0.51 + 0.9·0.51 = 0.969, θ₁ = 1 − 0.0969 = 0.9031.
        // Step 2: g = 0.5 + 0.01·0.9031 = 0.509031, v = 0.9·0.51 + g = 0.968031, step = g + 0.9·v = 1.3802589, θ₂ = 0.76507411.
        var result = TwoSteps(new Sgd(0.1f, momentum: 0.9f, nesterov: true, weightDecay: 0.01f), Scalar(true));
        result[0].Should().BeApproximately(0.9031f, 1e-6f);
        result[1].Should().BeApproximately(0.76507411f, 1e-6f);
    }

    [Fact]
    public void Each_parameter_keeps_its_own_velocity()
    {
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        var a = Scalar(true);
        var b = Scalar(true, value: 2f);
        b.Gradient[0, 0] = -1f;
        sgd.Step([a, b]);
        sgd.Step([a, b]);
        a.Value[0, 0].Should().BeApproximately(0.855f, 1e-6f);
        // v₁ = −1, θ₁ = 2.1; v₂ = −0.9 − 1 = −1.9, θ₂ = 2.29.
        b.Value[0, 0].Should().BeApproximately(2.29f, 1e-6f);
    }

    [Fact]
    public void Updates_every_element_of_a_matrix_parameter()
    {
        var parameter = new Parameter("w", TestData.Uniform(7, 19, seed: 1), isWeight: true);
        var before = parameter.Value.Clone();
        parameter.Gradient.SetSubMatrix(0, 0, TestData.Uniform(7, 19, seed: 2));
        new Sgd(0.5f, weightDecay: 0.1f).Step([parameter]);
        var expected = before - 0.5f * (parameter.Gradient + 0.1f * before);
        for (int i = 0; i < 7; i++)
            for (int j = 0; j < 19; j++)
                parameter.Value[i, j].Should().BeApproximately(expected[i, j], 1e-6f);
    }
}
