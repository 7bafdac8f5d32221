using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Tests.Layers;

public class SoftmaxTests
{
    [Fact]
    public void Forward_matches_the_definition_row_by_row()
    {
        var z = TestData.Uniform(4, 5, seed: 1, low: -3, high: 3);
        var h = new Softmax().Forward(z);
        for (int i = 0; i < 4; i++)
        {
            double denominator = Enumerable.Range(0, 5).Sum(j => Math.Exp(z[i, j]));
            for (int j = 0; j < 5; j++)
                ((double)h[i, j]).Should().BeApproximately(Math.Exp(z[i, j]) / denominator, 1e-6);
        }
    }

    [Fact]
    public void Forward_is_stable_for_huge_logits()
    {
        var z = Matrix<float>.Build.DenseOfArray(new float[,] { { 1000f, 999f, -1000f }, { -1000f, -1000f, -1000f } });
        var h = new Softmax().Forward(z);
        ((double)h[0, 0]).Should().BeApproximately(1 / (1 + Math.Exp(-1)), 1e-6);
        ((double)h[0, 1]).Should().BeApproximately(Math.Exp(-1) / (1 + Math.Exp(-1)), 1e-6);
        h[0, 2].Should().Be(0f);
        h.Row(1).ToArray().Should().AllSatisfy(v => v.Should().BeApproximately(1f / 3, 1e-6f));
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        var z = TestData.Uniform(3, 4, seed: 2, low: -2, high: 2);
        var r = TestData.Uniform(3, 4, seed: 3);
        var layer = new Softmax();
        layer.Forward(z);
        var analytic = layer.Backward(r).Clone();
        var numerical = GradientCheck.Numerical(z, () => GradientCheck.Weighted(new Softmax().Predict(z), r), step: 1e-3f);
        GradientCheck.ShouldMatch(analytic, numerical, "softmax ∂J/∂z");
    }
}
