using System.Text;

namespace NeuralNet.Graph;

// Graphviz output: the lecture's figure of the graph, with each node's forward value and gradient.
public sealed partial class Node
{
    /// <summary>
    /// The graph of this node in Graphviz DOT: one vertex per node (variables as ellipses, operations as boxes)
    /// labelled with its name or operation, its value and its gradient, and an edge from each input to its output
    /// (labelled <c>x</c> and <c>y</c> on two-input operations). Render it with <c>dot -Tpng graph.dot -o graph.png</c>.
    /// </summary>
    /// <returns>The DOT text.</returns>
    public string ToDot()
    {
        IReadOnlyList<Node> order = TopologicalOrder();
        var ids = new Dictionary<Node, int>(order.Count, ReferenceEqualityComparer.Instance);
        var dot = new StringBuilder();
        dot.AppendLine("digraph ComputationalGraph {");
        dot.AppendLine("  rankdir=LR;");
        foreach (Node node in order)
        {
            int id = ids[node] = ids.Count;
            string title = node.IsVariable ? node.Name ?? VariableOperation
                : node.Name is null ? node.Operation : $"{node.Name} = {node.Operation}";
            string shape = node.IsVariable ? "ellipse" : "box";
            dot.AppendLine($"  n{id} [shape={shape}, label=\"{Escape(title)}\\nvalue {Format(node.Value)}\\ngradient {Format(node.Gradient)}\"];");
            for (int k = 0; k < node._edges.Length; k++)
            {
                string port = node._edges.Length == 2 ? (k == 0 ? " [label=\"x\"]" : " [label=\"y\"]") : "";
                dot.AppendLine($"  n{ids[node._edges[k].Input]} -> n{id}{port};");
            }
        }
        dot.AppendLine("}");
        return dot.ToString();
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
