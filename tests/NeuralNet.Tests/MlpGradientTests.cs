using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;

namespace NeuralNet.Tests;

public class MlpGradientTests
{
    public static TheoryData<string, int, string> Networks()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var activation in new[] { "ReLU", "Sigmoid", "Tanh", "Softplus", "HardTanh", "Identity" })
            foreach (int depth in new[] { 2, 3, 4 })
                foreach (var output in new[] { "Softmax+CrossEntropy", "Sigmoid+BinaryCrossEntropy", "Identity+MeanSquaredError" })
                    data.Add(activation, depth, output);
        return data;
    }

    private static ILayer Activation(string name) => name switch
    {
        "ReLU" => new ReLU(),
        "Sigmoid" => new Sigmoid(),
        "Tanh" => new Tanh(),
        "Softplus" => new Softplus(),
        "HardTanh" => new HardTanh(),
        _ => new Identity(),
    };

    /// <summary>depth Dense layers (5 → 4 → … → 3) with the activation between them and the given output unit.</summary>
    private static Mlp Network(string activation, int depth, ILayer output)
    {
        var layers = new List<ILayer>();
        int width = 5;
        for (int k = 0; k < depth; k++)
        {
            int next = k == depth - 1 ? 3 : 4 + k;
            layers.Add(new Dense(width, next, seed: 10 + k));
            layers.Add(k == depth - 1 ? output : Activation(activation));
            width = next;
        }
        var model = new Mlp([.. layers]);
        // Non-zero biases, so that a bias gradient of the wrong sign or scale shows.
        foreach (var p in model.Parameters.Where(p => !p.IsWeight))
            p.Value.MapInplace(_ => 0.1f);
        return model;
    }

    [Theory, MemberData(nameof(Networks))]
    public void Every_parameter_gradient_matches_finite_differences(string activation, int depth, string output)
    {
        const int batch = 3;
        var (outputUnit, loss, target) = output switch
        {
            "Softmax+CrossEntropy" => ((ILayer)new Softmax(), (ILoss)new CrossEntropyLoss(), TestData.OneHot(batch, 3, seed: 2)),
            "Sigmoid+BinaryCrossEntropy" => (new Sigmoid(), new BinaryCrossEntropyLoss(), TestData.Uniform(batch, 3, seed: 2, low: 0, high: 1)),
            _ => (new Identity(), new MeanSquaredErrorLoss(), TestData.Uniform(batch, 3, seed: 2)),
        };
        var model = Network(activation, depth, outputUnit);
        var x = TestData.Uniform(batch, 5, seed: 1);
        model.ComputeGradients(x, target, loss);

        // The oracle: the unfused loss of Predict, which shares no code with the fused gradient.
        var analytic = model.Parameters.Select(p => p.Gradient.Clone()).ToArray();
        for (int k = 0; k < analytic.Length; k++)
        {
            var parameter = model.Parameters[k];
            var numerical = GradientCheck.Numerical(parameter.Value, () => loss.Loss(model.Predict(x), target), step: 2e-3f);
            GradientCheck.ShouldMatch(analytic[k], numerical, $"{activation} × {depth}, {output}: parameter {k} ({parameter.Name})", tolerance: 3e-2);
        }
    }

    [Fact]
    public void Backward_returns_the_input_gradient_of_the_network()
    {
        var model = Network("Tanh", 3, new Identity());
        var x = TestData.Uniform(3, 5, seed: 7);
        var r = TestData.Uniform(3, 3, seed: 8);
        model.Forward(x);
        var inputGradient = model.Backward(r).Clone();
        GradientCheck.ShouldMatch(inputGradient,
            GradientCheck.Numerical(x, () => GradientCheck.Weighted(model.Predict(x), r), step: 1e-3f), "∂J/∂x");
    }

    [Fact]
    public void Gradients_are_overwritten_not_accumulated()
    {
        var model = Network("Tanh", 2, new Softmax());
        var x = TestData.Uniform(3, 5, seed: 9);
        var y = TestData.OneHot(3, 3, seed: 10);
        model.ComputeGradients(x, y, new CrossEntropyLoss());
        var first = model.Parameters.Select(p => p.Gradient.Clone()).ToArray();
        model.ComputeGradients(x, y, new CrossEntropyLoss());
        for (int k = 0; k < first.Length; k++) model.Parameters[k].Gradient.Should().Be(first[k]);
    }
}
