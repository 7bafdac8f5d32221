using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;

namespace NeuralNet.Tests;

public class MlpTests
{
    private static readonly Matrix<float> XorInputs = Matrix<float>.Build.DenseOfArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
    private static readonly Matrix<float> XorTargets = Matrix<float>.Build.DenseOfArray(new float[,] { { 0 }, { 1 }, { 1 }, { 0 } });

    [Fact]
    public void Sgd_with_momentum_solves_xor()
    {
        var model = new Mlp(new Dense(2, 8, seed: 1), new Tanh(), new Dense(8, 1, seed: 2), new Sigmoid());
        var optimizer = new Sgd(0.5f, momentum: 0.9f);
        for (int step = 0; step < 300; step++)
        {
            model.ComputeGradients(XorInputs, XorTargets, new BinaryCrossEntropyLoss());
            optimizer.Step(model.Parameters);
        }
        var predictions = model.Predict(XorInputs);
        for (int i = 0; i < 4; i++)
            (predictions[i, 0] > 0.5f).Should().Be(XorTargets[i, 0] == 1f, $"XOR of row {i}");
    }

    [Fact]
    public void A_linear_output_fits_sine_on_minus_pi_to_pi()
    {
        // The universal approximation theorem in practice: one squashing hidden layer, a linear output.
        const int points = 64;
        var x = Matrix<float>.Build.Dense(points, 1, (i, _) => (float)(-Math.PI + 2 * Math.PI * i / (points - 1)));
        var y = x.Map(v => MathF.Sin(v));
        var model = new Mlp(new Dense(1, 24, seed: 3), new Tanh(), new Dense(24, 1, seed: 4), new Identity());
        var optimizer = new Sgd(0.1f, momentum: 0.9f);
        for (int step = 0; step < 4000; step++)
        {
            model.ComputeGradients(x, y, new MeanSquaredErrorLoss());
            optimizer.Step(model.Parameters);
        }
        double mse = (model.Predict(x) - y).Enumerate().Average(e => (double)e * e);
        mse.Should().BeLessThan(1e-3);
    }

    [Fact]
    public void Logits_of_plus_and_minus_1000_through_the_network_give_finite_loss_and_gradients()
    {
        var dense = new Dense(2, 3, seed: 5);
        dense.Weights.Value.SetSubMatrix(0, 0, Matrix<float>.Build.DenseOfArray(new float[,] { { 1000, 0 }, { -1000, 0 }, { 0, 1000 } }));
        var model = new Mlp(dense, new Softmax());
        var x = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 0 }, { 0, -1 } }); // logits (1000, −1000, 0) and (0, 0, −1000)
        var y = Matrix<float>.Build.DenseOfArray(new float[,] { { 0, 1, 0 }, { 0, 0, 1 } });
        float loss = model.ComputeGradients(x, y, new CrossEntropyLoss());
        ((double)loss).Should().BeApproximately((2000 + 1000 + Math.Log(2)) / 2, 1e-2);
        model.Parameters.SelectMany(p => p.Gradient.Enumerate()).Should().AllSatisfy(g => float.IsFinite(g).Should().BeTrue());
    }

    [Fact]
    public void Predict_touches_no_training_state()
    {
        var model = new Mlp(new Dense(2, 3, seed: 1), new ReLU(), new Dense(3, 2, seed: 2), new Softmax());
        var x = TestData.Uniform(4, 2, seed: 3);
        var y = TestData.OneHot(4, 2, seed: 4);
        var output = model.Forward(x).Clone();
        model.Predict(TestData.Uniform(7, 2, seed: 5));
        model.Predict(x).Should().Be(output);
        // Backward still belongs to the Forward batch of 4 rows.
        model.Backward(Matrix<float>.Build.Dense(4, 2)).RowCount.Should().Be(4);
        model.ComputeGradients(x, y, new CrossEntropyLoss());
    }

    [Fact]
    public void Parameters_are_every_layers_weights_then_bias_in_layer_order()
    {
        var first = new Dense(2, 3, seed: 1);
        var second = new Dense(3, 1, seed: 2);
        var model = new Mlp(first, new Tanh(), second);
        model.Parameters.Should().Equal(first.Weights, first.Bias, second.Weights, second.Bias);
        model.Parameters.Select(p => p.IsWeight).Should().Equal(true, false, true, false);
        model.InputCount.Should().Be(2);
        model.OutputCount.Should().Be(1);
    }

    [Fact]
    public void The_readme_quick_start_compiles_and_learns_xor()
    {
        // Keep in step with README.md's quick start.
        var x = Matrix<float>.Build.DenseOfArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var y = Matrix<float>.Build.DenseOfArray(new float[,] { { 0 }, { 1 }, { 1 }, { 0 } });
        var model = new Mlp(new Dense(2, 8, seed: 1), new Tanh(), new Dense(8, 1, seed: 2), new Sigmoid());
        var optimizer = new Sgd(learningRate: 0.5f, momentum: 0.9f);
        for (int step = 0; step < 500; step++)
        {
            model.ComputeGradients(x, y, new BinaryCrossEntropyLoss()); // forward, fused loss, backward
            optimizer.Step(model.Parameters);
        }
        Matrix<float> probabilities = model.Predict(x);                 // ≈ 0, 1, 1, 0

        probabilities.Column(0).Select(p => p > 0.5f ? 1f : 0f).Should().Equal(0f, 1f, 1f, 0f);
    }
}
