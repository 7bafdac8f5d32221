using NeuralNet.Graph;

namespace NeuralNet.Tests.Graph;

public class ToDotTests
{
    private static string[] Lines(string dot) => dot.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void The_lecture_graph_has_a_vertex_per_node_and_an_edge_per_operand()
    {
        var g = LectureExampleTests.StepByStep.Build();
        g.F6.Backward();

        string[] lines = Lines(g.F6.ToDot());

        lines[0].Should().Be("digraph ComputationalGraph {");
        lines[^1].Should().Be("}");
        lines.Count(line => line.Contains("label=\"") && !line.Contains("->")).Should().Be(13); // 5 variables + 8 operations
        lines.Count(line => line.Contains("->")).Should().Be(12);  // 4 two-input operations, 4 one-input
        lines.Should().Contain(line => line.Contains("shape=ellipse, label=\"w0\\nvalue 2\\ngradient -0.196612\""));
        lines.Should().Contain(line => line.Contains("shape=box, label=\"f6 = 1 / x\\nvalue 0.731059\\ngradient 1\""));
    }

    [Fact]
    public void A_node_used_twice_has_two_labelled_edges()
    {
        Node x = Node.Variable(3, "x");
        Node square = x * x;

        string[] lines = Lines(square.ToDot());

        lines.Should().Contain("n0 -> n1 [label=\"x\"];").And.Contain("n0 -> n1 [label=\"y\"];");
        lines.Should().Contain(line => line.StartsWith("n1 [shape=box, label=\"x × y\\nvalue 9\\ngradient 0\""));
    }

    [Fact]
    public void Quotes_and_backslashes_in_names_are_escaped()
    {
        Node x = Node.Variable(1, "say \"hi\" \\ bye");

        x.ToDot().Should().Contain("label=\"say \\\"hi\\\" \\\\ bye\\nvalue 1");
    }
}
