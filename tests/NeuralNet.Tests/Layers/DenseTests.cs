using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Tests.Layers;

public class DenseTests
{
    [Fact]
    public void Forward_computes_W_h_plus_b_for_every_row()
    {
        var dense = new Dense(3, 2, seed: 1);
        dense.Bias.Value.SetColumn(0, new[] { 0.5f, -1.5f });
        var x = TestData.Uniform(4, 3, seed: 2);
        var z = dense.Forward(x);
        var w = dense.Weights.Value;
        w.RowCount.Should().Be(2, "W is outputs × inputs, as the lecture writes it");
        w.ColumnCount.Should().Be(3);
        for (int n = 0; n < 4; n++)
            for (int i = 0; i < 2; i++)
            {
                double expected = dense.Bias.Value[i, 0];
                for (int j = 0; j < 3; j++) expected += (double)w[i, j] * x[n, j];
                ((double)z[n, i]).Should().BeApproximately(expected, 1e-5);
            }
    }

    [Fact]
    public void Backward_matches_finite_differences_for_input_weights_and_bias()
    {
        const int batch = 3;
        var dense = new Dense(4, 5, seed: 7);
        dense.Bias.Value.SetColumn(0, TestData.Uniform(5, 1, seed: 8).Column(0));
        var x = TestData.Uniform(batch, 4, seed: 9);
        var r = TestData.Uniform(batch, 5, seed: 10);
        double Objective() => GradientCheck.Weighted(dense.Predict(x), r);

        dense.Forward(x);
        var inputGradient = dense.Backward(r).Clone();

        GradientCheck.ShouldMatch(inputGradient, GradientCheck.Numerical(x, Objective), "∂J/∂x");
        GradientCheck.ShouldMatch(dense.Weights.Gradient, GradientCheck.Numerical(dense.Weights.Value, Objective), "∂J/∂W");
        GradientCheck.ShouldMatch(dense.Bias.Gradient, GradientCheck.Numerical(dense.Bias.Value, Objective), "∂J/∂b");
    }

    [Fact]
    public void Same_seed_gives_same_weights_and_different_seeds_differ()
    {
        new Dense(10, 6, seed: 3).Weights.Value.Should().Be(new Dense(10, 6, seed: 3).Weights.Value);
        new Dense(10, 6, seed: 3).Weights.Value.Should().NotBe(new Dense(10, 6, seed: 4).Weights.Value);
        new Dense(10, 6, seed: 3).Bias.Value.Enumerate().Should().AllSatisfy(b => b.Should().Be(0f));
    }

    [Fact]
    public void He_and_Glorot_draw_from_their_distributions()
    {
        const int inputs = 400, outputs = 300;
        var he = new Dense(inputs, outputs, WeightInitialization.He, seed: 1).Weights.Value.Enumerate().ToArray();
        var glorot = new Dense(inputs, outputs, WeightInitialization.Glorot, seed: 1).Weights.Value.Enumerate().ToArray();

        Variance(he).Should().BeApproximately(2.0 / inputs, 0.05 * 2.0 / inputs);
        double limit = Math.Sqrt(6.0 / (inputs + outputs));
        glorot.Should().AllSatisfy(w => Math.Abs((double)w).Should().BeLessThanOrEqualTo(limit));
        Variance(glorot).Should().BeApproximately(limit * limit / 3, 0.05 * limit * limit / 3);

        static double Variance(float[] values)
        {
            double mean = values.Average(v => (double)v);
            return values.Average(v => (v - mean) * (v - mean));
        }
    }

    [Fact]
    public void Auto_initialization_is_He_before_ReLU_and_Glorot_otherwise()
    {
        var beforeRelu = new Dense(50, 40, seed: 5);
        var beforeTanh = new Dense(50, 40, seed: 5);
        _ = new Mlp(beforeRelu, new ReLU());
        _ = new Mlp(beforeTanh, new Tanh());
        beforeRelu.Weights.Value.Should().Be(new Dense(50, 40, WeightInitialization.He, seed: 5).Weights.Value);
        beforeTanh.Weights.Value.Should().Be(new Dense(50, 40, WeightInitialization.Glorot, seed: 5).Weights.Value);
    }

    [Fact]
    public void A_batch_of_the_wrong_width_names_both_widths()
    {
        var act = () => new Dense(3, 2).Forward(Matrix<float>.Build.Dense(4, 5));
        act.Should().Throw<ArgumentException>().WithMessage("*3*5*");
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(2, 0)]
    [InlineData(-1, 2)]
    public void Sizes_below_one_are_rejected(int inputs, int outputs)
    {
        var act = () => new Dense(inputs, outputs);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
