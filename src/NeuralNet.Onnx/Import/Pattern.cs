using System.Globalization;
using NeuralNet.Onnx.Protobuf;

namespace NeuralNet.Onnx.Import;

/// <summary>
/// A small tree pattern over a graph's tensors, to recognise the decompositions exporters write (GELU in Erf
/// arithmetic, LayerNorm in ReduceMean arithmetic, ...). A pattern is matched against the tensor a candidate node
/// writes, from that node back towards the current data tensor <see cref="X"/>.
/// </summary>
internal abstract record Pattern
{
    /// <summary>The current data tensor, the chain's value so far.</summary>
    internal static readonly Pattern X = new DataPattern();

    /// <summary>A scalar constant that must equal <paramref name="expected"/> (1e-6 relative).</summary>
    internal static Pattern Scalar(double expected, string role) => new ScalarPattern(expected, role);

    /// <summary>Any float constant, kept under <paramref name="capture"/> (γ, β, ε).</summary>
    internal static Pattern Constant(string capture) => new ConstantPattern(capture);

    /// <summary>A node of operator <paramref name="opType"/> whose inputs match, in this order.</summary>
    internal static OpPattern Op(string opType, params Pattern[] inputs) => new(opType, inputs, AnyOrder: false);

    /// <summary>A node of a commutative operator (Add, Mul) whose two inputs match in either order.</summary>
    internal static OpPattern Commutative(string opType, Pattern a, Pattern b) => new(opType, [a, b], AnyOrder: true);

    /// <summary>The tensor bound earlier by <see cref="OpPattern.As"/> under <paramref name="name"/>.</summary>
    internal static Pattern Ref(string name) => new RefPattern(name);

    /// <summary>The first of <paramref name="options"/> that matches.</summary>
    internal static Pattern AnyOf(params Pattern[] options) => new AnyOfPattern(options);
}

internal sealed record DataPattern : Pattern;

internal sealed record ScalarPattern(double Expected, string Role) : Pattern;

internal sealed record ConstantPattern(string Capture) : Pattern;

internal sealed record RefPattern(string Name) : Pattern;

internal sealed record AnyOfPattern(Pattern[] Options) : Pattern;

/// <summary>A node pattern. <see cref="Check"/> returns why the node's attributes are unsupported, or null.</summary>
internal sealed record OpPattern(string OpType, Pattern[] Inputs, bool AnyOrder) : Pattern
{
    internal string? Bind { get; init; }

    internal Func<NodeProto, GraphIndex, string?>? Check { get; init; }

    /// <summary>Whether the node may have inputs beyond <see cref="Inputs"/> (ReduceMean's axes from opset 18); <see cref="Check"/> reads them.</summary>
    internal bool ExtraInputs { get; init; }

    /// <summary>Binds the tensor this node writes to <paramref name="name"/>, for <see cref="Pattern.Ref"/>.</summary>
    internal OpPattern As(string name) => this with { Bind = name };

    internal OpPattern Where(Func<NodeProto, GraphIndex, string?> check, bool extraInputs = false) =>
        this with { Check = check, ExtraInputs = extraInputs };
}

/// <summary>The outcome of matching: the nodes, the captured constants, and what did not match in value.</summary>
internal sealed class PatternMatch
{
    private PatternMatch(List<NodeProto> nodes, Dictionary<string, string> bindings, Dictionary<string, ConstantTensor> constants, List<string> mismatches)
        => (Nodes, Bindings, Constants, Mismatches) = (nodes, bindings, constants, mismatches);

    internal PatternMatch() : this([], new(StringComparer.Ordinal), new(StringComparer.Ordinal), [])
    {
    }

    internal List<NodeProto> Nodes { get; }

    internal Dictionary<string, string> Bindings { get; }

    internal Dictionary<string, ConstantTensor> Constants { get; }

    /// <summary>Constants of the right structure but the wrong value, and attributes outside what is supported.</summary>
    internal List<string> Mismatches { get; }

    internal PatternMatch Clone() => new([.. Nodes], new(Bindings, StringComparer.Ordinal), new(Constants, StringComparer.Ordinal), [.. Mismatches]);

    internal void CopyFrom(PatternMatch other)
    {
        Nodes.Clear(); Nodes.AddRange(other.Nodes);
        Bindings.Clear(); foreach (var pair in other.Bindings) Bindings[pair.Key] = pair.Value;
        Constants.Clear(); foreach (var pair in other.Constants) Constants[pair.Key] = pair.Value;
        Mismatches.Clear(); Mismatches.AddRange(other.Mismatches);
    }
}

/// <summary>Matches <see cref="Pattern"/>s against a <see cref="GraphIndex"/>.</summary>
internal sealed class PatternMatcher(GraphIndex graph, string current)
{
    /// <summary>1e-6 relative: float32 roundings of √2, 0.044715 or √(2/π) pass, other constants do not.</summary>
    internal const double Tolerance = 1e-6;

    /// <summary>Whether <paramref name="tensor"/> is what <paramref name="pattern"/> describes; fills <paramref name="match"/>.</summary>
    internal bool Match(Pattern pattern, string tensor, PatternMatch match)
    {
        switch (pattern)
        {
            case DataPattern:
                return tensor == current;
            case ScalarPattern scalar:
            {
                if (!graph.IsConstant(tensor) || graph.IsData(tensor)) return false;
                ConstantTensor? value = TryRead(tensor, allowDouble: true);
                if (value is null || value.Values.Length != 1) return false;
                double actual = value.Values[0];
                if (!(Math.Abs(actual - scalar.Expected) <= Tolerance * Math.Abs(scalar.Expected)))
                    match.Mismatches.Add(string.Create(CultureInfo.InvariantCulture,
                        $"its {scalar.Role} is {actual:R} ('{tensor}'), not {scalar.Expected:R}"));
                return true;
            }
            case ConstantPattern constant:
            {
                if (!graph.IsConstant(tensor) || graph.IsData(tensor)) return false;
                if (match.Constants.TryGetValue(constant.Capture, out ConstantTensor? seen)) return seen.Name == tensor;
                if (TryRead(tensor, allowDouble: false) is not { } read) return false;
                match.Constants[constant.Capture] = read;
                return true;
            }
            case RefPattern reference:
                return match.Bindings.TryGetValue(reference.Name, out string? bound) && bound == tensor;
            case AnyOfPattern any:
                foreach (Pattern option in any.Options)
                {
                    PatternMatch attempt = match.Clone();
                    if (Match(option, tensor, attempt))
                    {
                        match.CopyFrom(attempt);
                        return true;
                    }
                }
                return false;
            case OpPattern op:
                return MatchNode(op, tensor, match);
            default:
                throw new InvalidOperationException($"Unknown pattern {pattern}.");
        }
    }

    /// <summary>A constant of another type (an int64 exponent, say) is simply not this pattern.</summary>
    private ConstantTensor? TryRead(string tensor, bool allowDouble)
    {
        try
        {
            return graph.FloatConstant(tensor, allowDouble);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private bool MatchNode(OpPattern op, string tensor, PatternMatch match)
    {
        NodeProto? node = graph.RelevantProducer(tensor);
        if (node is null || node.OpType != op.OpType || node.Domain is not ("" or "ai.onnx")) return false;
        if (node.Output.Count == 0 || node.Output[0] != tensor) return false;
        if (node.Input.Count < op.Inputs.Length || (!op.ExtraInputs && node.Input.Count != op.Inputs.Length)) return false;
        if (match.Nodes.Contains(node)) return false;
        if (op.Bind is { } name)
        {
            if (match.Bindings.TryGetValue(name, out string? bound)) return bound == tensor;
            match.Bindings[name] = tensor;
        }
        match.Nodes.Add(node);
        int[][] orders = op.AnyOrder && op.Inputs.Length == 2 ? [[0, 1], [1, 0]] : [[.. Enumerable.Range(0, op.Inputs.Length)]];
        foreach (int[] order in orders)
        {
            PatternMatch attempt = match.Clone();
            bool all = true;
            for (int k = 0; all && k < op.Inputs.Length; k++) all = Match(op.Inputs[k], node.Input[order[k]], attempt);
            if (!all) continue;
            if (op.Check?.Invoke(node, graph) is { } reason) attempt.Mismatches.Add($"{graph.Describe(node)} {reason}");
            match.CopyFrom(attempt);
            return true;
        }
        return false;
    }
}
