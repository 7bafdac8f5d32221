using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Tests.Serialization;

namespace NeuralNet.Tests.Layers;

public class DropoutTests
{
    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.3f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void Forward_zeroes_a_fraction_p_and_scales_the_rest_by_one_over_one_minus_p(float p)
    {
        // 100,000 elements, none of them 0, so a zero in the output is a dropped element.
        var x = TestData.Uniform(1000, 100, seed: 1, low: 1f, high: 2f);
        var y = new Dropout(p, seed: 2).Forward(x);

        int zeros = 0;
        double scale = 1.0 / (1.0 - p);
        for (int i = 0; i < x.RowCount; i++)
            for (int j = 0; j < x.ColumnCount; j++)
            {
                if (y[i, j] == 0f) { zeros++; continue; }
                double expected = x[i, j] * scale;
                // One rounding of the float product (x times the rounded 1/(1 − p)): within 2 ulps of the exact value.
                Math.Abs(y[i, j] - expected).Should().BeLessThanOrEqualTo(2.5e-7 * expected, $"kept element [{i}, {j}]");
            }
        // Binomial(100,000, p): a 5σ bound.
        double count = x.RowCount * x.ColumnCount, sigma = Math.Sqrt(count * p * (1 - p));
        ((double)zeros).Should().BeInRange(count * p - 5 * sigma, count * p + 5 * sigma, $"p = {p}");
    }

    [Fact]
    public void Half_dropout_doubles_kept_values_exactly()
    {
        var x = TestData.Uniform(50, 20, seed: 3);
        var y = new Dropout(0.5f, seed: 4).Forward(x);
        for (int k = 0; k < 1000; k++)
        {
            float kept = y.AsColumnMajorArray()[k];
            if (kept != 0f) kept.Should().Be(2f * x.AsColumnMajorArray()[k]);
        }
    }

    [Fact]
    public void Backward_uses_the_mask_and_scale_of_the_last_Forward()
    {
        var layer = new Dropout(0.4f, seed: 5);
        var x = TestData.Uniform(40, 30, seed: 6, low: 1f, high: 2f);
        var g = TestData.Uniform(40, 30, seed: 7, low: 1f, high: 2f);
        var y = layer.Forward(x).Clone();
        var dx = layer.Backward(g).Clone();
        int dropped = 0;
        for (int i = 0; i < x.RowCount; i++)
            for (int j = 0; j < x.ColumnCount; j++)
                if (y[i, j] == 0f)
                {
                    dropped++;
                    dx[i, j].Should().Be(0f, $"element [{i}, {j}] was dropped");
                }
                else ((double)dx[i, j]).Should().BeApproximately(g[i, j] / 0.6, 5e-7 * g[i, j] / 0.6, $"element [{i}, {j}] was kept");
        dropped.Should().BeInRange(300, 660, "about 40 % of 1,200");

        // The same mask again: the gradient is linear in g with that mask.
        var dx2 = layer.Backward(g.Multiply(2f));
        for (int k = 0; k < 1200; k++) dx2.AsColumnMajorArray()[k].Should().Be(2f * dx.AsColumnMajorArray()[k]);
    }

    [Fact]
    public void Predict_is_the_identity_also_after_training_and_into_a_buffer()
    {
        var layer = new Dropout(0.7f, seed: 8);
        var x = TestData.Uniform(9, 6, seed: 9);
        layer.Forward(x);
        layer.Predict(x).Should().Be(x);

        var model = new Mlp(new Dense(6, 6, seed: 1), layer);
        var output = Matrix<float>.Build.Dense(9, 6);
        model.Predict(x, output);
        output.Should().Be(model.Layers[0].Predict(x));
        model.Predict(x).Should().Be(output);
    }

    [Fact]
    public void The_same_seed_gives_the_same_masks_and_the_stream_moves_on()
    {
        var x = TestData.Uniform(20, 10, seed: 10, low: 1f, high: 2f);
        Dropout a = new(0.5f, seed: 11), b = new(0.5f, seed: 11), other = new(0.5f, seed: 12);
        var firstA = a.Forward(x).Clone();
        firstA.Should().Be(b.Forward(x));
        other.Forward(x).Should().NotBe(firstA);
        var secondA = a.Forward(x).Clone();
        secondA.Should().NotBe(firstA, "each Forward draws a new mask");
        secondA.Should().Be(b.Forward(x));
    }

    [Fact]
    public void Zero_probability_is_the_identity_in_training_too()
    {
        var layer = new Dropout(0f);
        var x = TestData.Uniform(7, 5, seed: 13);
        var g = TestData.Uniform(7, 5, seed: 14);
        layer.Forward(x).Should().Be(x);
        layer.Backward(g).Should().Be(g);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(1.5f)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_probability_outside_zero_to_one_is_rejected_naming_it(float p)
    {
        var act = () => new Dropout(p);
        act.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "probability")
            .WithMessage($"*{p.ToString(CultureInfo.InvariantCulture)}*");
    }

    [Fact]
    public void Backward_before_Forward_is_an_invalid_operation()
    {
        var act = () => new Dropout(0.5f).Backward(Matrix<float>.Build.Dense(2, 2));
        act.Should().Throw<InvalidOperationException>().WithMessage("*before Forward*");
    }

    [Fact]
    public void Config_state_and_name()
    {
        var seeded = new Dropout(0.25f, seed: 3);
        seeded.GetConfig().Select(e => (e.Key, e.Value)).Should().Equal(("probability", (object)0.25f), ("seed", (object)3));
        new Dropout(0.25f).GetConfig().Select(e => e.Key).Should().Equal("probability");
        seeded.State.Should().BeEmpty();
        seeded.Parameters.Should().BeEmpty();
        seeded.ToString().Should().Be("Dropout(p=0.25)");
        LayerRegistry.IsRegistered("Dropout").Should().BeTrue();
    }

    [Fact]
    public void Saved_and_loaded_it_keeps_p_and_the_seed_and_restarts_the_masks()
    {
        var model = new Mlp(new Dense(4, 6, seed: 1), new Dropout(0.25f, seed: 3), new Dense(6, 2, seed: 2));
        var unseeded = new Mlp(new Dense(4, 6, seed: 1), new Dropout(0.5f));
        var x = SampleModels.Inputs(8, 4, seed: 5);

        Mlp loaded = SampleModels.Load(SampleModels.Bytes(model));
        Mlp loadedUnseeded = SampleModels.Load(SampleModels.Bytes(unseeded));

        var dropout = loaded.Layers[1].Should().BeOfType<Dropout>().Subject;
        (dropout.Probability, dropout.Seed).Should().Be((0.25f, (int?)3));
        loadedUnseeded.Layers[1].Should().BeOfType<Dropout>().Which.Seed.Should().BeNull();
        loaded.Predict(x).AsColumnMajorArray().Should().Equal(model.Predict(x).AsColumnMajorArray());
        var h = TestData.Uniform(8, 6, seed: 6, low: 1f, high: 2f);
        dropout.Forward(h).Should().Be(new Dropout(0.25f, seed: 3).Forward(h), "a loaded layer starts its seed's sequence again");
    }
}
