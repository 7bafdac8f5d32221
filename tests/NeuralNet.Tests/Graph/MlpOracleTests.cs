using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Graph;
using NeuralNet.Layers;
using NeuralNet.Losses;

namespace NeuralNet.Tests.Graph;

/// <summary>
/// The graph as an independent oracle for the network: the loss of a 2-3-2 tanh network with a softmax output,
/// over a batch of 3, written out scalar by scalar in Nodes, must have the gradients <see cref="Mlp.ComputeGradients"/>
/// gives (which run on float32 matrices, the fused (ŷ − y)/N and the SIMD kernel).
/// </summary>
public class MlpOracleTests
{
    private static readonly float[,] Inputs = { { 0.5f, -1.2f }, { 1.5f, 0.3f }, { -0.7f, 0.9f } };
    private static readonly float[,] Targets = { { 1, 0 }, { 0, 1 }, { 0, 1 } };

    /// <summary>A parameter matrix as a grid of graph variables.</summary>
    private static Node[,] Variables(Parameter parameter)
    {
        var nodes = new Node[parameter.Value.RowCount, parameter.Value.ColumnCount];
        for (int i = 0; i < nodes.GetLength(0); i++)
            for (int j = 0; j < nodes.GetLength(1); j++)
                nodes[i, j] = Node.Variable(parameter.Value[i, j], $"{parameter.Name}[{i},{j}]");
        return nodes;
    }

    /// <summary>The lecture's dense layer for one sample, z_i = Σ_j W_ij h_j + b_i, followed by g.</summary>
    private static Node[] Layer(Node[,] w, Node[,] b, Node[] h, Func<Node, Node> g) =>
        Enumerable.Range(0, w.GetLength(0))
            .Select(i => g(Enumerable.Range(0, h.Length).Aggregate(b[i, 0], (z, j) => z + w[i, j] * h[j])))
            .ToArray();

    /// <summary>Softmax ŷ_i = exp(z_i) / Σ_j exp(z_j), straight from the definition.</summary>
    private static Node[] Softmax(Node[] z)
    {
        Node[] e = z.Select(Node.Exp).ToArray();
        Node sum = e.Aggregate((a, b) => a + b);
        return e.Select(ei => ei / sum).ToArray();
    }

    /// <summary>Per-sample loss: cross-entropy −Σ y_i log ŷ_i, or the squared error ½ ||y − ŷ||².</summary>
    private static Node SampleLoss(string loss, Node[] prediction, float[] target) => loss switch
    {
        "cross-entropy" => -Enumerable.Range(0, target.Length).Where(i => target[i] != 0)
            .Select(i => target[i] * Node.Log(prediction[i])).Aggregate((a, b) => a + b),
        _ => Enumerable.Range(0, target.Length).Select(i => Node.Pow(target[i] - prediction[i], 2))
            .Aggregate((a, b) => a + b) * 0.5,
    };

    [Theory]
    [InlineData("cross-entropy")]  // the fused softmax + cross-entropy path
    [InlineData("mean squared error")] // the softmax layer's own backward
    public void ComputeGradients_matches_the_graph_of_the_same_loss(string lossName)
    {
        var first = new Dense(2, 3, seed: 11);
        var second = new Dense(3, 2, seed: 12);
        var model = new Mlp(first, new Tanh(), second, new Softmax());
        ILoss loss = lossName == "cross-entropy" ? new CrossEntropyLoss() : new MeanSquaredErrorLoss();

        float mlpLoss = model.ComputeGradients(
            Matrix<float>.Build.DenseOfArray(Inputs), Matrix<float>.Build.DenseOfArray(Targets), loss);

        Parameter[] parameters = [first.Weights, first.Bias, second.Weights, second.Bias];
        Node[][,] nodes = parameters.Select(Variables).ToArray();
        int n = Inputs.GetLength(0);
        Node total = Enumerable.Range(0, n).Select(row =>
        {
            Node[] x = [Node.Variable(Inputs[row, 0]), Node.Variable(Inputs[row, 1])];
            Node[] h = Layer(nodes[0], nodes[1], x, Node.Tanh);
            Node[] y = Softmax(Layer(nodes[2], nodes[3], h, z => z));
            return SampleLoss(lossName, y, [Targets[row, 0], Targets[row, 1]]);
        }).Aggregate((a, b) => a + b) / n;
        total.Backward();

        mlpLoss.Should().BeApproximately((float)total.Value, 1e-5f);
        double largest = 0;
        for (int p = 0; p < parameters.Length; p++)
            for (int i = 0; i < parameters[p].Value.RowCount; i++)
                for (int j = 0; j < parameters[p].Value.ColumnCount; j++)
                {
                    Node expected = nodes[p][i, j];
                    parameters[p].Gradient[i, j].Should().BeApproximately((float)expected.Gradient, 2e-5f, expected.Name);
                    largest = Math.Max(largest, Math.Abs(expected.Gradient));
                }
        largest.Should().BeGreaterThan(1e-2, "the comparison is only meaningful when the gradients are not all ~0");
    }
}
