using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Tests.Serialization;

namespace NeuralNet.Tests.Layers;

public class BatchNormTests
{
    private static void Randomize(Parameter parameter, int seed, float low, float high) =>
        TestData.Uniform(parameter.Value.RowCount, 1, seed, low, high).CopyTo(parameter.Value);

    /// <summary>Column j's mean and biased variance over the batch, in double.</summary>
    private static (double Mean, double Variance) Statistics(Matrix<float> x, int j)
    {
        double mean = 0, variance = 0;
        for (int i = 0; i < x.RowCount; i++) mean += x[i, j];
        mean /= x.RowCount;
        for (int i = 0; i < x.RowCount; i++) variance += (x[i, j] - mean) * (x[i, j] - mean);
        return (mean, variance / x.RowCount);
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(7, 5)]
    [InlineData(70, 17)]
    public void Forward_normalises_with_the_batch_statistics(int rows, int features)
    {
        var layer = new BatchNorm(features, epsilon: 1e-3f);
        Randomize(layer.Weight, 1, 0.5f, 2f);
        Randomize(layer.Bias, 2, -1f, 1f);
        var x = TestData.Uniform(rows, features, seed: 3, low: 7f, high: 13f);

        var y = layer.Forward(x);
        for (int j = 0; j < features; j++)
        {
            var (mean, variance) = Statistics(x, j);
            for (int i = 0; i < rows; i++)
            {
                double expected = (x[i, j] - mean) / Math.Sqrt(variance + 1e-3) * layer.Weight.Value[j, 0] + layer.Bias.Value[j, 0];
                ((double)y[i, j]).Should().BeApproximately(expected, 1e-5 * Math.Max(1, Math.Abs(expected)), $"[{i}, {j}]");
            }
        }
    }

    [Fact]
    public void Running_statistics_follow_torchs_update_over_several_steps()
    {
        const double m = 0.2;
        var layer = new BatchNorm(4, momentum: 0.2f);
        var runningMean = new double[4];
        var runningVariance = new[] { 1.0, 1.0, 1.0, 1.0 };
        int step = 0;
        foreach (int rows in new[] { 5, 2, 9, 5 })
        {
            var x = TestData.Uniform(rows, 4, seed: 10 + step++, low: -3f, high: 5f);
            layer.Forward(x);
            for (int j = 0; j < 4; j++)
            {
                var (mean, variance) = Statistics(x, j);
                runningMean[j] = (1 - m) * runningMean[j] + m * mean;
                runningVariance[j] = (1 - m) * runningVariance[j] + m * variance * rows / (rows - 1);
            }
        }
        for (int j = 0; j < 4; j++)
        {
            ((double)layer.RunningMean[j, 0]).Should().BeApproximately(runningMean[j], 1e-5, $"running_mean[{j}]");
            ((double)layer.RunningVariance[j, 0]).Should().BeApproximately(runningVariance[j], 1e-5 * runningVariance[j], $"running_var[{j}]");
        }
    }

    [Fact]
    public void Predict_uses_the_running_statistics_and_Forward_the_batch_ones()
    {
        var layer = new BatchNorm(3, momentum: 0.5f);
        Randomize(layer.Weight, 1, 0.5f, 2f);
        Randomize(layer.Bias, 2, -1f, 1f);
        var x = TestData.Uniform(6, 3, seed: 3, low: 2f, high: 6f);
        layer.Forward(x);
        layer.Forward(TestData.Uniform(6, 3, seed: 4, low: 0f, high: 3f));

        var predicted = layer.Predict(x);
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 3; j++)
            {
                double oracle = (x[i, j] - (double)layer.RunningMean[j, 0]) / Math.Sqrt(layer.RunningVariance[j, 0] + 1e-5)
                    * layer.Weight.Value[j, 0] + layer.Bias.Value[j, 0];
                ((double)predicted[i, j]).Should().BeApproximately(oracle, 1e-5 * Math.Max(1, Math.Abs(oracle)), $"[{i}, {j}]");
            }
        var trained = layer.Forward(x);
        trained.Should().NotBe(predicted);
        var (mean, variance) = Statistics(x, 0);
        ((double)trained[0, 0]).Should().BeApproximately(
            (x[0, 0] - mean) / Math.Sqrt(variance + 1e-5) * layer.Weight.Value[0, 0] + layer.Bias.Value[0, 0], 1e-5);

        var one = x.SubMatrix(0, 1, 0, 3);
        var output = Matrix<float>.Build.Dense(1, 3);
        new Mlp(layer).Predict(one, output);
        output.Should().Be(layer.Predict(one), "one row is fine at inference");
    }

    [Fact]
    public void Predict_oracle_on_the_running_statistics()
    {
        var layer = new BatchNorm(3);
        Randomize(layer.Weight, 1, 0.5f, 2f);
        Randomize(layer.Bias, 2, -1f, 1f);
        layer.RunningMean.SetColumn(0, [1f, -2f, 0.5f]);
        layer.RunningVariance.SetColumn(0, [4f, 0.25f, 9f]);
        var x = TestData.Uniform(5, 3, seed: 5, low: -3f, high: 3f);
        var y = layer.Predict(x);
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 3; j++)
            {
                double oracle = (x[i, j] - (double)layer.RunningMean[j, 0]) / Math.Sqrt(layer.RunningVariance[j, 0] + 1e-5)
                    * layer.Weight.Value[j, 0] + layer.Bias.Value[j, 0];
                ((double)y[i, j]).Should().BeApproximately(oracle, 1e-5 * Math.Max(1, Math.Abs(oracle)), $"[{i}, {j}]");
            }
    }

    [Fact]
    public void Starts_with_gamma_one_beta_zero_mean_zero_variance_one_and_only_gamma_and_beta_are_parameters()
    {
        var layer = new BatchNorm(3);
        layer.Weight.Value.Enumerate().Should().AllBeEquivalentTo(1f);
        layer.Bias.Value.Enumerate().Should().AllBeEquivalentTo(0f);
        layer.RunningMean.Enumerate().Should().AllBeEquivalentTo(0f);
        layer.RunningVariance.Enumerate().Should().AllBeEquivalentTo(1f);
        layer.Parameters.Should().Equal(layer.Weight, layer.Bias);
        layer.Parameters.Should().AllSatisfy(p => p.IsWeight.Should().BeFalse());
        layer.State.Select(t => t.Name).Should().Equal("weight", "bias", "running_mean", "running_var");
        layer.State[2].Value.Should().BeSameAs(layer.RunningMean);
        (layer.Momentum, layer.Epsilon).Should().Be((0.1f, 1e-5f));
        new Mlp(new Dense(2, 3), layer).Parameters.Should().HaveCount(4, "Dense's two and γ, β; no running statistics");
    }

    [Fact]
    public void Backward_of_the_layer_matches_finite_differences_through_the_batch_statistics()
    {
        var layer = new BatchNorm(4);
        Randomize(layer.Weight, 4, 0.5f, 2f);
        Randomize(layer.Bias, 5, -1f, 1f);
        var x = TestData.Uniform(6, 4, seed: 6, low: -2f, high: 2f);
        var r = TestData.Uniform(6, 4, seed: 7);
        layer.Forward(x);
        var dx = layer.Backward(r).Clone();
        var dGamma = layer.Weight.Gradient.Clone();
        var dBeta = layer.Bias.Gradient.Clone();
        // Training-mode objective: Forward's output (the running statistics it moves do not enter it).
        double J() => GradientCheck.Weighted(layer.Forward(x), r);
        GradientCheck.ShouldMatch(dx, GradientCheck.Numerical(x, J, step: 1e-3f), "∂J/∂x");
        GradientCheck.ShouldMatch(dGamma, GradientCheck.Numerical(layer.Weight.Value, J, step: 1e-3f), "∇γ");
        GradientCheck.ShouldMatch(dBeta, GradientCheck.Numerical(layer.Bias.Value, J, step: 1e-3f), "∇β");
    }

    [Theory]
    [InlineData("Softmax+CrossEntropy")]
    [InlineData("Identity+MeanSquaredError")]
    public void Every_gradient_in_a_network_matches_finite_differences(string output)
    {
        const int batch = 5;
        var (unit, loss, target) = output == "Softmax+CrossEntropy"
            ? ((ILayer)new Softmax(), (ILoss)new CrossEntropyLoss(), TestData.OneHot(batch, 3, seed: 1))
            : (new Identity(), new MeanSquaredErrorLoss(), TestData.Uniform(batch, 3, seed: 1));
        var norm = new BatchNorm(5);
        var model = new Mlp(new Dense(4, 5, seed: 2), norm, new Dense(5, 3, seed: 3), unit);
        Randomize(norm.Weight, 4, 0.5f, 2f);
        Randomize(norm.Bias, 5, -1f, 1f);
        var x = TestData.Uniform(batch, 4, seed: 6);

        GradientCheck.NetworkShouldMatch(model, x, target, loss, output);
    }

    [Fact]
    public void A_training_batch_of_one_row_is_rejected_saying_why()
    {
        var layer = new BatchNorm(3);
        var act = () => layer.Forward(Matrix<float>.Build.Dense(1, 3, 1f));
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "input").WithMessage("*1 row*variance of one sample*");
        layer.RunningMean.Enumerate().Should().AllBeEquivalentTo(0f, "nothing was updated");
    }

    [Fact]
    public void A_width_that_does_not_chain_names_both_widths()
    {
        var act = () => new Mlp(new Dense(3, 8), new BatchNorm(4));
        act.Should().Throw<ArgumentException>().WithMessage("*BatchNorm(4*expects 4 inputs*produce 8*");
    }

    [Theory]
    [InlineData(0, 0.1f, 1e-5f, "features", "0")]
    [InlineData(-2, 0.1f, 1e-5f, "features", "-2")]
    [InlineData(3, -0.1f, 1e-5f, "momentum", "-0.1")]
    [InlineData(3, 1.5f, 1e-5f, "momentum", "1.5")]
    [InlineData(3, float.NaN, 1e-5f, "momentum", "NaN")]
    [InlineData(3, 0.1f, 0f, "epsilon", "0")]
    [InlineData(3, 0.1f, -1f, "epsilon", "-1")]
    [InlineData(3, 0.1f, float.NaN, "epsilon", "NaN")]
    [InlineData(3, 0.1f, float.PositiveInfinity, "epsilon", "Infinity")]
    public void Bad_hyper_parameters_are_rejected_naming_the_value(int features, float momentum, float epsilon, string parameter, string value)
    {
        var act = () => new BatchNorm(features, momentum, epsilon);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == parameter).WithMessage($"*{value}*");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    public void Momentum_zero_and_one_are_allowed(float momentum)
    {
        var layer = new BatchNorm(2, momentum);
        var x = TestData.Uniform(4, 2, seed: 1);
        layer.Forward(x);
        var (mean, _) = Statistics(x, 0);
        ((double)layer.RunningMean[0, 0]).Should().BeApproximately(momentum * mean, 1e-6);
    }

    [Fact]
    public void Saved_and_loaded_bit_identically_running_statistics_included()
    {
        var model = new Mlp(new Dense(4, 6, seed: 1), new BatchNorm(6, momentum: 0.3f, epsilon: 1e-4f), new ReLU(), new Dense(6, 2, seed: 2));
        var optimizer = new Sgd(0.1f);
        for (int step = 0; step < 5; step++)
        {
            model.ComputeGradients(TestData.Uniform(8, 4, seed: step), TestData.Uniform(8, 2, seed: 50 + step), new MeanSquaredErrorLoss());
            optimizer.Step(model.Parameters);
        }
        var norm = (BatchNorm)model.Layers[1];
        norm.RunningMean.Enumerate().Should().NotContain(0f);
        var x = SampleModels.Inputs(7, 4, seed: 5);

        Mlp loaded = SampleModels.Load(SampleModels.Bytes(model));

        var copy = loaded.Layers[1].Should().BeOfType<BatchNorm>().Subject;
        (copy.Features, copy.Momentum, copy.Epsilon).Should().Be((6, 0.3f, 1e-4f));
        copy.ToString().Should().Be(norm.ToString()).And.Be("BatchNorm(6, momentum=0.3, ε=0.0001)");
        for (int t = 0; t < 4; t++)
        {
            copy.State[t].Name.Should().Be(norm.State[t].Name);
            copy.State[t].Value.AsColumnMajorArray().Should().Equal(norm.State[t].Value.AsColumnMajorArray(), norm.State[t].Name);
        }
        loaded.Predict(x).AsColumnMajorArray().Should().Equal(model.Predict(x).AsColumnMajorArray());
    }
}
