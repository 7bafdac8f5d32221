namespace NeuralNet.Graph;

// Backpropagation: the chain rule applied in reverse topological order, summing over every path
// (the lecture's ∂z/∂x = Σⱼ ∂z/∂yⱼ · ∂yⱼ/∂x).
public sealed partial class Node
{
    /// <summary>
    /// Reverse-mode backpropagation from this node: adds ∂this/∂n to the <see cref="Gradient"/> of every node n
    /// of its graph, this node included (∂this/∂this = 1).
    /// </summary>
    /// <remarks>
    /// Gradients <b>accumulate</b>, as in PyTorch: a second call adds the same amounts again, and calling it on two
    /// roots that share variables leaves in each variable the gradient of their sum. Call <see cref="ZeroGradients"/>
    /// first for fresh gradients. Within one call, a node that feeds several others (or one operation twice, as in
    /// x × x) receives the sum over all paths. The walk is iterative, so a graph of any depth is fine.
    /// </remarks>
    public void Backward()
    {
        IReadOnlyList<Node> order = TopologicalOrder();
        foreach (Node node in order) node._pending = 0;
        _pending = 1;
        // Outputs come after their inputs, so walking backwards finishes a node's ∂this/∂node before it is used.
        for (int i = order.Count - 1; i >= 0; i--)
        {
            Node node = order[i];
            foreach (Edge edge in node._edges)
                edge.Input._pending += node._pending * edge.LocalDerivative;
            node.Gradient += node._pending;
        }
    }

    /// <summary>Sets the <see cref="Gradient"/> of every node of this node's graph (this one included) to zero.</summary>
    public void ZeroGradients()
    {
        foreach (Node node in TopologicalOrder()) node.Gradient = 0;
    }

    /// <summary>
    /// Every node this one depends on, and itself, each once, ordered so that every node comes after all of its
    /// inputs (this node is last). Found by an iterative depth-first search.
    /// </summary>
    public IReadOnlyList<Node> TopologicalOrder()
    {
        var order = new List<Node>();
        var visited = new HashSet<Node>(ReferenceEqualityComparer.Instance) { this };
        var stack = new Stack<(Node Node, int NextInput)>();
        stack.Push((this, 0));
        while (stack.Count > 0)
        {
            (Node node, int next) = stack.Pop();
            if (next == node._edges.Length)
            {
                order.Add(node); // all of its inputs are already in the order
                continue;
            }
            stack.Push((node, next + 1));
            Node input = node._edges[next].Input;
            if (visited.Add(input)) stack.Push((input, 0));
        }
        return order;
    }
}
