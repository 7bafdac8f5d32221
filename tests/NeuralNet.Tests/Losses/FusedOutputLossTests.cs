using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;

namespace NeuralNet.Tests.Losses;

public class FusedOutputLossTests
{
    private static IFusedLoss SoftmaxCrossEntropy => new CrossEntropyLoss();
    private static IFusedLoss SigmoidBinaryCrossEntropy => new BinaryCrossEntropyLoss();

    [Fact]
    public void Each_maximum_likelihood_loss_declares_the_output_unit_it_fuses_with()
    {
        new CrossEntropyLoss().FusedOutputUnit.Should().Be(typeof(Softmax));
        new BinaryCrossEntropyLoss().FusedOutputUnit.Should().Be(typeof(Sigmoid));
        new MeanSquaredErrorLoss().Should().NotBeAssignableTo<IFusedLoss>();
    }

    [Fact]
    public void A_fused_loss_after_another_output_unit_is_not_fused()
    {
        // Cross-entropy after a Sigmoid runs unfused: its gradient goes through ∂L/∂ŷ and the sigmoid's derivative.
        var x = TestData.Uniform(4, 3, seed: 7, low: -1, high: 1);
        var y = Matrix<float>.Build.Dense(4, 2, (i, j) => j == i % 2 ? 1f : 0f);
        var model = new Mlp(new Dense(3, 2, seed: 8), new Sigmoid());
        float loss = model.ComputeGradients(x, y, new CrossEntropyLoss());
        loss.Should().BeApproximately(new CrossEntropyLoss().Loss(model.Predict(x), y), 1e-6f);
    }

    [Fact]
    public void Softmax_cross_entropy_gradient_is_exactly_y_hat_minus_y_over_N()
    {
        const int n = 3, classes = 4;
        var z = TestData.Uniform(n, classes, seed: 1, low: -3, high: 3);
        var y = TestData.OneHot(n, classes, seed: 2);
        var gradient = Matrix<float>.Build.Dense(n, classes);
        float loss = SoftmaxCrossEntropy.LossAndGradientAtLogits(z, y, gradient);

        double expectedLoss = 0;
        for (int i = 0; i < n; i++)
        {
            double sum = Enumerable.Range(0, classes).Sum(j => Math.Exp(z[i, j]));
            for (int j = 0; j < classes; j++)
            {
                double yHat = Math.Exp(z[i, j]) / sum;
                ((double)gradient[i, j]).Should().BeApproximately((yHat - y[i, j]) / n, 1e-7);
                if (y[i, j] == 1) expectedLoss -= Math.Log(yHat) / n;
            }
        }
        ((double)loss).Should().BeApproximately(expectedLoss, 1e-6);
    }

    [Fact]
    public void Sigmoid_binary_cross_entropy_gradient_is_exactly_y_hat_minus_y_over_N()
    {
        const int n = 4, outputs = 2;
        var z = TestData.Uniform(n, outputs, seed: 3, low: -4, high: 4);
        var y = TestData.Uniform(n, outputs, seed: 4, low: 0, high: 1);
        var gradient = Matrix<float>.Build.Dense(n, outputs);
        float loss = SigmoidBinaryCrossEntropy.LossAndGradientAtLogits(z, y, gradient);

        double expectedLoss = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < outputs; j++)
            {
                double yHat = 1 / (1 + Math.Exp(-z[i, j]));
                ((double)gradient[i, j]).Should().BeApproximately((yHat - y[i, j]) / n, 1e-7);
                expectedLoss -= (y[i, j] * Math.Log(yHat) + (1 - y[i, j]) * Math.Log(1 - yHat)) / n;
            }
        ((double)loss).Should().BeApproximately(expectedLoss, 1e-5);
    }

    [Fact]
    public void Fused_gradients_match_finite_differences_of_the_unfused_loss()
    {
        var z = TestData.Uniform(3, 4, seed: 5, low: -2, high: 2);
        var oneHot = TestData.OneHot(3, 4, seed: 6);
        var probabilities = TestData.Uniform(3, 4, seed: 7, low: 0, high: 1);
        var gradient = Matrix<float>.Build.Dense(3, 4);

        SoftmaxCrossEntropy.LossAndGradientAtLogits(z, oneHot, gradient);
        GradientCheck.ShouldMatch(gradient, GradientCheck.Numerical(z,
            () => new CrossEntropyLoss().Loss(new Softmax().Predict(z), oneHot), step: 1e-3f), "softmax + CE ∂L/∂z");

        SigmoidBinaryCrossEntropy.LossAndGradientAtLogits(z, probabilities, gradient);
        GradientCheck.ShouldMatch(gradient, GradientCheck.Numerical(z,
            () => new BinaryCrossEntropyLoss().Loss(new Sigmoid().Predict(z), probabilities), step: 1e-3f), "sigmoid + BCE ∂L/∂z");
    }

    [Fact]
    public void Logits_of_plus_and_minus_1000_give_finite_loss_and_gradient()
    {
        var z = Matrix<float>.Build.DenseOfArray(new float[,] { { 1000f, -1000f, 0f }, { -1000f, 1000f, 1000f } });
        var y = Matrix<float>.Build.DenseOfArray(new float[,] { { 0, 1, 0 }, { 1, 0, 0 } });
        var gradient = Matrix<float>.Build.Dense(2, 3);

        float loss = SoftmaxCrossEntropy.LossAndGradientAtLogits(z, y, gradient);
        // Row 0: log-sum-exp ≈ 1000, true logit −1000 → 2000; row 1: ≈ 1000 + log 2, true logit −1000 → 2000 + log 2.
        ((double)loss).Should().BeApproximately((2000 + 2000 + Math.Log(2)) / 2, 1e-2);
        gradient.Enumerate().Should().AllSatisfy(g => float.IsFinite(g).Should().BeTrue());
        gradient[0, 0].Should().BeApproximately(0.5f, 1e-6f);
        gradient[0, 1].Should().BeApproximately(-0.5f, 1e-6f);

        var binary = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 0, 1 }, { 1, 1, 0 } });
        loss = SigmoidBinaryCrossEntropy.LossAndGradientAtLogits(z, binary, gradient);
        // Right with certainty at [0,0], [0,1], [1,1]; wrong by 1000 at [1,0] and [1,2]; [0,2] costs log 2.
        ((double)loss).Should().BeApproximately((2000 + Math.Log(2)) / 2, 1e-2);
        gradient.Enumerate().Should().AllSatisfy(g => float.IsFinite(g).Should().BeTrue());
        gradient[0, 0].Should().Be(0f);
        gradient[1, 0].Should().BeApproximately(-0.5f, 1e-6f);
        gradient[1, 2].Should().BeApproximately(0.5f, 1e-6f);
    }
}
