using NeuralNet.Graph;

namespace NeuralNet.Tests.Graph;

/// <summary>
/// The lecture's example f(w, x) = 1/(1 + exp(−(w0 x0 + w1 x1 + w2))) at w0 = 2, x0 = −1, w1 = −3, x1 = −2, w2 = −3.
/// Every expected number is worked out by hand in the comments, to 4 decimals.
/// </summary>
public class LectureExampleTests
{
    /// <summary>The lecture's primitives f1 … f6, each a node of its own, named as in the lecture.</summary>
    internal sealed record StepByStep(Node W0, Node X0, Node W1, Node X1, Node W2,
        Node F1a, Node F1b, Node F2a, Node F2b, Node F4, Node F5, Node F3, Node F6)
    {
        public static StepByStep Build()
        {
            Node w0 = Node.Variable(2, "w0"), x0 = Node.Variable(-1, "x0");
            Node w1 = Node.Variable(-3, "w1"), x1 = Node.Variable(-2, "x1"), w2 = Node.Variable(-3, "w2");
            Node f1a = Named(w0 * x0, "f1");  // wx
            Node f1b = Named(w1 * x1, "f1");  // wx
            Node f2a = Named(f1a + f1b, "f2"); // x + y
            // The lecture writes f3 here, but adding w2 is f2 (x + y): a typo in its nested formula.
            Node f2b = Named(f2a + w2, "f2");
            Node f4 = Named(-f2b, "f4");            // −x
            Node f5 = Named(Node.Exp(f4), "f5");    // eˣ
            Node f3 = Named(f5 + 1, "f3");          // x + 1
            Node f6 = Named(1 / f3, "f6");          // 1/x
            return new StepByStep(w0, x0, w1, x1, w2, f1a, f1b, f2a, f2b, f4, f5, f3, f6);
        }

        private static Node Named(Node node, string name)
        {
            node.Name = name;
            return node;
        }
    }

    private static double Round4(double value) => Math.Round(value, 4);

    [Fact]
    public void One_expression_gives_the_lectures_value_and_gradients()
    {
        Node w0 = Node.Variable(2), x0 = Node.Variable(-1), w1 = Node.Variable(-3), x1 = Node.Variable(-2), w2 = Node.Variable(-3);

        Node f = 1 / (1 + Node.Exp(-(w0 * x0 + w1 * x1 + w2)));
        f.Backward();

        // w0 x0 + w1 x1 + w2 = −2 + 6 − 3 = 1, so f = σ(1) = 1/(1 + 0.36788) = 0.7311 and ∂f/∂s = σ(1)(1 − σ(1)) = 0.1966.
        Round4(f.Value).Should().Be(0.7311);
        Round4(w0.Gradient).Should().Be(-0.1966); // 0.1966 · x0
        Round4(x0.Gradient).Should().Be(0.3932);  // 0.1966 · w0
        Round4(w1.Gradient).Should().Be(-0.3932); // 0.1966 · x1
        Round4(x1.Gradient).Should().Be(-0.5898); // 0.1966 · w1
        Round4(w2.Gradient).Should().Be(0.1966);  // 0.1966 · 1
    }

    [Fact]
    public void Step_by_step_through_the_primitives_every_node_matches_the_hand_computation()
    {
        StepByStep g = StepByStep.Build();
        g.F6.Backward();

        // Forward, by hand.
        g.F1a.Value.Should().Be(-2);                 // 2 · −1
        g.F1b.Value.Should().Be(6);                  // −3 · −2
        g.F2a.Value.Should().Be(4);                  // −2 + 6
        g.F2b.Value.Should().Be(1);                  // 4 − 3
        g.F4.Value.Should().Be(-1);                  // −1
        Round4(g.F5.Value).Should().Be(0.3679);      // e⁻¹
        Round4(g.F3.Value).Should().Be(1.3679);      // 1 + e⁻¹
        Round4(g.F6.Value).Should().Be(0.7311);      // 1 / 1.3679

        // Backward, by hand: each gradient is the one above it times the local derivative of the lecture's table.
        g.F6.Gradient.Should().Be(1);                // ∂f/∂f = 1
        Round4(g.F3.Gradient).Should().Be(-0.5344);  // 1 · (−1/x²) = −1/1.3679² (the input of 1/x)
        Round4(g.F5.Gradient).Should().Be(-0.5344);  // −0.5344 · 1 (x + 1)
        Round4(g.F4.Gradient).Should().Be(-0.1966);  // −0.5344 · e⁻¹ (eˣ)
        Round4(g.F2b.Gradient).Should().Be(0.1966);  // −0.1966 · −1 (−x)
        Round4(g.F2a.Gradient).Should().Be(0.1966);  // 0.1966 · 1 (x + y)
        Round4(g.W2.Gradient).Should().Be(0.1966);   // 0.1966 · 1 (x + y)
        Round4(g.F1a.Gradient).Should().Be(0.1966);  // 0.1966 · 1 (x + y)
        Round4(g.F1b.Gradient).Should().Be(0.1966);  // 0.1966 · 1 (x + y)
        Round4(g.W0.Gradient).Should().Be(-0.1966);  // 0.1966 · x0 (wx)
        Round4(g.X0.Gradient).Should().Be(0.3932);   // 0.1966 · w0 (wx)
        Round4(g.W1.Gradient).Should().Be(-0.3932);  // 0.1966 · x1 (wx)
        Round4(g.X1.Gradient).Should().Be(-0.5898);  // 0.1966 · w1 (wx)
    }

    [Fact]
    public void The_primitives_are_the_lectures_table()
    {
        StepByStep g = StepByStep.Build();

        new[] { g.F1a.Operation, g.F2a.Operation, g.F3.Operation, g.F4.Operation, g.F5.Operation, g.F6.Operation }
            .Should().Equal("x × y", "x + y", "x + 1", "−x", "exp(x)", "1 / x");
        g.F1a.Inputs.Should().Equal(g.W0, g.X0);
        g.F1a.LocalDerivatives.Should().Equal(-1, 2);           // ∂(wx)/∂w = x, ∂(wx)/∂x = w
        g.F6.LocalDerivatives.Single().Should().BeApproximately(-1 / (g.F3.Value * g.F3.Value), 1e-15); // −1/x²
        g.F6.TopologicalOrder().Should().HaveCount(13);         // 5 variables and 8 operations
        g.F6.TopologicalOrder()[^1].Should().BeSameAs(g.F6);
    }
}
