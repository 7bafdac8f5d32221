using System.Globalization;

namespace NeuralNet.Graph;

/// <summary>
/// A scalar variable of a computational graph (lecture §5), in double precision: its forward value, the
/// gradient that <see cref="Backward"/> gives it, and the nodes it was computed from.
/// </summary>
/// <remarks>
/// <para>
/// Every operation (the operators <c>+ − × ÷</c> and unary <c>−</c>, with a <see cref="Node"/> or a
/// <see cref="double"/> on either side, and <see cref="Exp"/>, <see cref="Log"/>, <see cref="Sigmoid"/>,
/// <see cref="Tanh"/>, <see cref="ReLU"/>, <see cref="Pow"/>) makes one new node whose value is computed at once
/// and which remembers, for each input, the local derivative ∂output/∂input at that value. An edge runs from
/// each input to the output, as in the lecture.
/// </para>
/// <para>
/// The graph holds finite numbers only. A variable or constant that is NaN or ±∞, and an operation whose value
/// or local derivative would not be finite (log of a non-positive value, division by zero, exp overflow, a
/// negative base to a fractional power, …) throw an <see cref="ArgumentException"/> naming the operation and
/// its operands, rather than letting NaN flow silently into every gradient.
/// </para>
/// <para>Nodes are not thread-safe: don't build on or run <see cref="Backward"/> over one graph from several threads.</para>
/// </remarks>
/// <example>
/// <code>
/// var w = Node.Variable(2, "w");
/// var x = Node.Variable(-1, "x");
/// var f = 1 / (1 + Node.Exp(-(w * x)));   // σ(w x)
/// f.Backward();                           // w.Gradient = σ'(w x)·x, x.Gradient = σ'(w x)·w
/// string dot = f.ToDot();                 // render with: dot -Tpng graph.dot -o graph.png
/// </code>
/// </example>
public sealed partial class Node
{
    /// <summary>An edge from an input to this node, with ∂this/∂input evaluated at the forward values.</summary>
    private readonly record struct Edge(Node Input, double LocalDerivative);

    private static readonly Edge[] NoEdges = [];

    private readonly Edge[] _edges;

    /// <summary>Scratch space of one <see cref="Backward"/> pass: ∂root/∂this along the paths seen so far.</summary>
    private double _pending;

    private Node(double value, string operation, string? name, Edge[] edges)
    {
        Value = value;
        Operation = operation;
        Name = name;
        _edges = edges;
    }

    /// <summary>Creates a leaf of the graph: an input or parameter whose gradient <see cref="Backward"/> computes.</summary>
    /// <param name="value">The value; finite.</param>
    /// <param name="name">A name shown by <see cref="ToString"/> and <see cref="ToDot"/>, such as <c>w0</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is NaN or ±∞.</exception>
    public static Node Variable(double value, string? name = null)
    {
        RequireFinite(value, nameof(value), name ?? "variable");
        return new Node(value, VariableOperation, name, NoEdges);
    }

    /// <summary>The <see cref="Operation"/> of a node made by <see cref="Variable"/>.</summary>
    public const string VariableOperation = "variable";

    /// <summary>The forward value.</summary>
    public double Value { get; }

    /// <summary>
    /// The gradient ∂root/∂this summed over every <see cref="Backward"/> call since the last
    /// <see cref="ZeroGradients"/> (zero on a new node).
    /// </summary>
    public double Gradient { get; private set; }

    /// <summary>
    /// The operation that made the node, written with <c>x</c> (and <c>y</c>) for its inputs, as in the lecture's
    /// table of primitives: <c>x × y</c>, <c>x + y</c>, <c>x + 1</c>, <c>−x</c>, <c>exp(x)</c>, <c>1 / x</c>, …;
    /// <see cref="VariableOperation"/> for a leaf.
    /// </summary>
    public string Operation { get; }

    /// <summary>An optional name, such as <c>w0</c> or <c>f3</c>; shown instead of the operation where there is one.</summary>
    public string? Name { get; set; }

    /// <summary>Whether the node is a leaf made by <see cref="Variable"/>.</summary>
    public bool IsVariable => _edges.Length == 0;

    /// <summary>The nodes this one was computed from, in operand order (a node used twice, as in x × x, appears twice).</summary>
    public IReadOnlyList<Node> Inputs => Array.ConvertAll(_edges, edge => edge.Input);

    /// <summary>∂this/∂input for each of <see cref="Inputs"/>, in the same order, at the forward values.</summary>
    public IReadOnlyList<double> LocalDerivatives => Array.ConvertAll(_edges, edge => edge.LocalDerivative);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name ?? Operation} = {Value:G6} (gradient {Gradient:G6})");

    private static void RequireFinite(double value, string parameterName, string what)
    {
        if (!double.IsFinite(value))
            throw new ArgumentException(
                $"The graph holds finite numbers only, but {what} is {Format(value)}.", parameterName);
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
