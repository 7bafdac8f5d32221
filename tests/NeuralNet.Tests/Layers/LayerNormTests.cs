using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Tests.Serialization;

namespace NeuralNet.Tests.Layers;

public class LayerNormTests
{
    /// <summary>torch's LayerNorm written out in double: per row, (x − μ)/√(σ² + ε)·γ + β with the biased σ².</summary>
    private static double[,] Oracle(Matrix<float> x, float[] gamma, float[] beta, double epsilon)
    {
        int n = x.RowCount, f = x.ColumnCount;
        var y = new double[n, f];
        for (int i = 0; i < n; i++)
        {
            double mean = 0, variance = 0;
            for (int j = 0; j < f; j++) mean += x[i, j];
            mean /= f;
            for (int j = 0; j < f; j++) variance += (x[i, j] - mean) * (x[i, j] - mean);
            variance /= f;
            for (int j = 0; j < f; j++) y[i, j] = (x[i, j] - mean) / Math.Sqrt(variance + epsilon) * gamma[j] + beta[j];
        }
        return y;
    }

    private static void Randomize(Parameter parameter, int seed, float low, float high) =>
        TestData.Uniform(parameter.Value.RowCount, 1, seed, low, high).CopyTo(parameter.Value);

    [Theory]
    [InlineData(1, 5)]
    [InlineData(6, 7)]
    [InlineData(33, 19)]
    [InlineData(4, 1)]
    public void Forward_matches_the_formula_and_Predict_is_the_same(int rows, int features)
    {
        var layer = new LayerNorm(features, epsilon: 1e-3f);
        Randomize(layer.Weight, 1, 0.5f, 2f);
        Randomize(layer.Bias, 2, -1f, 1f);
        // An offset of 10 with a spread of 3: the mean must be subtracted before squaring.
        var x = TestData.Uniform(rows, features, seed: 3, low: 7f, high: 13f);
        var expected = Oracle(x, layer.Weight.Value.AsColumnMajorArray(), layer.Bias.Value.AsColumnMajorArray(), 1e-3);

        var y = layer.Forward(x).Clone();
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < features; j++)
                ((double)y[i, j]).Should().BeApproximately(expected[i, j], 1e-5 * Math.Max(1, Math.Abs(expected[i, j])), $"[{i}, {j}]");
        layer.Predict(x).Should().Be(y);
        var output = Matrix<float>.Build.Dense(rows, features);
        new Mlp(layer).Predict(x, output);
        output.Should().Be(y);
    }

    [Fact]
    public void Starts_with_gamma_one_and_beta_zero_neither_decayed()
    {
        var layer = new LayerNorm(3);
        layer.Weight.Value.Enumerate().Should().AllBeEquivalentTo(1f);
        layer.Bias.Value.Enumerate().Should().AllBeEquivalentTo(0f);
        (layer.Weight.Value.RowCount, layer.Weight.Value.ColumnCount).Should().Be((3, 1));
        layer.Parameters.Should().Equal(layer.Weight, layer.Bias);
        layer.Parameters.Should().AllSatisfy(p => p.IsWeight.Should().BeFalse());
        layer.State.Select(t => t.Name).Should().Equal("weight", "bias");
        layer.Epsilon.Should().Be(1e-5f);
    }

    [Fact]
    public void Backward_of_the_layer_matches_finite_differences_for_input_gamma_and_beta()
    {
        var layer = new LayerNorm(6);
        Randomize(layer.Weight, 4, 0.5f, 2f);
        Randomize(layer.Bias, 5, -1f, 1f);
        var x = TestData.Uniform(5, 6, seed: 6, low: -2f, high: 2f);
        var r = TestData.Uniform(5, 6, seed: 7);
        layer.Forward(x);
        var dx = layer.Backward(r).Clone();
        double J() => GradientCheck.Weighted(layer.Predict(x), r);
        GradientCheck.ShouldMatch(dx, GradientCheck.Numerical(x, J, step: 1e-3f), "∂J/∂x");
        GradientCheck.ShouldMatch(layer.Weight.Gradient, GradientCheck.Numerical(layer.Weight.Value, J, step: 1e-3f), "∇γ");
        GradientCheck.ShouldMatch(layer.Bias.Gradient, GradientCheck.Numerical(layer.Bias.Value, J, step: 1e-3f), "∇β");
    }

    [Theory]
    [InlineData("Softmax+CrossEntropy")]
    [InlineData("Identity+MeanSquaredError")]
    public void Every_gradient_in_a_network_matches_finite_differences(string output)
    {
        const int batch = 4;
        var (unit, loss, target) = output == "Softmax+CrossEntropy"
            ? ((ILayer)new Softmax(), (ILoss)new CrossEntropyLoss(), TestData.OneHot(batch, 3, seed: 1))
            : (new Identity(), new MeanSquaredErrorLoss(), TestData.Uniform(batch, 3, seed: 1));
        var norm = new LayerNorm(5);
        var model = new Mlp(new Dense(4, 5, seed: 2), norm, new Dense(5, 3, seed: 3), unit);
        Randomize(norm.Weight, 4, 0.5f, 2f);
        Randomize(norm.Bias, 5, -1f, 1f);
        var x = TestData.Uniform(batch, 4, seed: 6);

        GradientCheck.NetworkShouldMatch(model, x, target, loss, output);
    }

    [Fact]
    public void A_width_that_does_not_chain_names_both_widths()
    {
        var act = () => new Mlp(new Dense(3, 8), new LayerNorm(4));
        act.Should().Throw<ArgumentException>().WithMessage("*LayerNorm(4*expects 4 inputs*produce 8*");
        var predict = () => new LayerNorm(4).Predict(Matrix<float>.Build.Dense(2, 3));
        predict.Should().Throw<ArgumentException>().WithMessage("*4 input columns*has 3*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Features_below_one_are_rejected_naming_the_value(int features)
    {
        var act = () => new LayerNorm(features);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "features").WithMessage($"*{features}*");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1e-5f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void An_epsilon_not_positive_and_finite_is_rejected_naming_the_value(float epsilon)
    {
        var act = () => new LayerNorm(3, epsilon);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "epsilon")
            .WithMessage($"*{epsilon.ToString(CultureInfo.InvariantCulture)}*");
    }

    [Fact]
    public void Saved_and_loaded_bit_identically()
    {
        var norm = new LayerNorm(6, epsilon: 1e-3f);
        var model = new Mlp(new Dense(4, 6, seed: 1), norm, new Dense(6, 2, seed: 2));
        Randomize(norm.Weight, 3, 0.5f, 2f);
        Randomize(norm.Bias, 4, -1f, 1f);
        var x = SampleModels.Inputs(7, 4, seed: 5);

        Mlp loaded = SampleModels.Load(SampleModels.Bytes(model));

        var copy = loaded.Layers[1].Should().BeOfType<LayerNorm>().Subject;
        (copy.Features, copy.Epsilon).Should().Be((6, 1e-3f));
        copy.ToString().Should().Be(norm.ToString()).And.Be("LayerNorm(6, ε=0.001)");
        copy.Weight.Value.AsColumnMajorArray().Should().Equal(norm.Weight.Value.AsColumnMajorArray());
        copy.Bias.Value.AsColumnMajorArray().Should().Equal(norm.Bias.Value.AsColumnMajorArray());
        loaded.Predict(x).AsColumnMajorArray().Should().Equal(model.Predict(x).AsColumnMajorArray());
    }
}
