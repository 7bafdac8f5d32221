using System.Globalization;
using NeuralNet.Onnx.Protobuf;

namespace NeuralNet.Onnx.Import;

/// <summary>
/// A graph's tensors by name: which node writes each, which nodes read it, which are constants (initializers and
/// <c>Constant</c> nodes), and which nodes lie on the path from the data input to the chosen output — only those count.
/// </summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);
    // Constant nodes, read only when a pattern asks for their value: one the importer cannot read may sit off the path.
    private readonly Dictionary<string, NodeProto> _constantNodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<NodeProto, int> _indices = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<NodeProto> _relevant = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _data = new(StringComparer.Ordinal);

    internal GraphIndex(ModelProto model)
    {
        Model = model;
        GraphProto graph = model.Graph ?? throw new InvalidDataException("The file parses as protobuf but holds no ONNX graph: it is not an ONNX model.");
        if (graph.Node.Count == 0) throw new InvalidDataException("The file's ONNX graph has no nodes: it is not an ONNX model of a network.");
        Graph = graph;
        Opset = model.OpsetImport.Where(set => set.Domain is "" or "ai.onnx").Select(set => set.Version).DefaultIfEmpty(1).Max();
        foreach (TensorProto initializer in graph.Initializer) _constants[initializer.Name] = initializer;
        for (int k = 0; k < graph.Node.Count; k++)
        {
            NodeProto node = graph.Node[k];
            _indices[node] = k;
            foreach (string output in node.Output)
            {
                if (output.Length == 0) continue;
                if (!_producers.TryAdd(output, node) || _constants.ContainsKey(output))
                    throw new InvalidDataException($"Tensor '{output}' is written twice (again by {Describe(node)}): the graph is corrupt.");
            }
            foreach (string input in node.Input.Distinct(StringComparer.Ordinal))
            {
                if (input.Length == 0) continue;
                if (!_consumers.TryGetValue(input, out List<NodeProto>? list)) _consumers[input] = list = [];
                list.Add(node);
            }
            if (node.OpType == "Constant" && node.Domain is "" or "ai.onnx" && node.Output.Count == 1)
                _constantNodes[node.Output[0]] = node;
        }
    }

    internal ModelProto Model { get; }

    internal GraphProto Graph { get; }

    /// <summary>The version of the default operator set the model imports.</summary>
    internal long Opset { get; }

    /// <summary>Marks the nodes that are on a path from <paramref name="input"/> to <paramref name="output"/>.</summary>
    /// <exception cref="NotSupportedException">The output does not depend on the input.</exception>
    internal void SelectPath(string input, string output)
    {
        var forward = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var pending = new Queue<string>([input]);
        _data.Add(input);
        while (pending.TryDequeue(out string? tensor))
            foreach (NodeProto node in Consumers(tensor))
                if (node.OpType != "Constant" && forward.Add(node))
                    foreach (string written in node.Output)
                        if (written.Length > 0 && _data.Add(written)) pending.Enqueue(written);

        var backward = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        pending.Enqueue(output);
        var seen = new HashSet<string>(StringComparer.Ordinal) { output };
        while (pending.TryDequeue(out string? tensor))
            if (_producers.TryGetValue(tensor, out NodeProto? node) && backward.Add(node))
                foreach (string read in node.Input)
                    if (read.Length > 0 && seen.Add(read)) pending.Enqueue(read);

        foreach (NodeProto node in forward)
            if (backward.Contains(node)) _relevant.Add(node);
        if (!_data.Contains(output))
            throw new NotSupportedException($"The graph output '{output}' does not depend on the input '{input}'.");
    }

    /// <summary>The nodes on the input-to-output path that read <paramref name="tensor"/>.</summary>
    internal IReadOnlyList<NodeProto> RelevantConsumers(string tensor) =>
        Consumers(tensor).Where(_relevant.Contains).ToArray();

    /// <summary>The node on the path that writes <paramref name="tensor"/>, if any.</summary>
    internal NodeProto? RelevantProducer(string tensor) =>
        _producers.TryGetValue(tensor, out NodeProto? node) && _relevant.Contains(node) ? node : null;

    /// <summary>Whether <paramref name="tensor"/> is computed from the input (as opposed to a constant).</summary>
    internal bool IsData(string tensor) => _data.Contains(tensor);

    internal bool IsConstant(string tensor) => _constants.ContainsKey(tensor) || _constantNodes.ContainsKey(tensor);

    /// <summary>The float values of a constant, or null when <paramref name="tensor"/> is not a constant.</summary>
    internal ConstantTensor? FloatConstant(string tensor, bool allowDouble = false) =>
        Constant(tensor) is { } proto ? TensorReader.ReadFloat(proto, allowDouble) : null;

    /// <summary>The integer values of a constant, or null when <paramref name="tensor"/> is not a constant.</summary>
    internal long[]? IntegerConstant(string tensor) =>
        Constant(tensor) is { } proto ? TensorReader.ReadIntegers(proto) : null;

    private TensorProto? Constant(string tensor)
    {
        if (_constants.TryGetValue(tensor, out TensorProto? proto)) return proto;
        if (!_constantNodes.TryGetValue(tensor, out NodeProto? node)) return null;
        proto = ConstantValue(node);
        if (proto.Name.Length == 0) proto.Name = tensor;
        _constants[tensor] = proto;
        return proto;
    }

    /// <summary>"node 'name' (Op)" or, for an unnamed node, "node #index (Op)": how every message names a node.</summary>
    internal string Describe(NodeProto node)
    {
        string op = node.Domain is "" or "ai.onnx" ? node.OpType : $"{node.Domain}:{node.OpType}";
        return node.Name.Length > 0
            ? $"node '{node.Name}' ({op})"
            : string.Create(CultureInfo.InvariantCulture, $"node #{_indices[node]} ({op})");
    }

    private IReadOnlyList<NodeProto> Consumers(string tensor) =>
        _consumers.TryGetValue(tensor, out List<NodeProto>? list) ? list : [];

    /// <summary>The tensor a Constant node writes, from whichever of its value attributes is set.</summary>
    private TensorProto ConstantValue(NodeProto node)
    {
        foreach (AttributeProto attribute in node.Attribute)
            switch (attribute.Name)
            {
                case "value" when attribute.T is not null:
                    return attribute.T;
                case "value_float":
                    return new TensorProto { Name = node.Output[0], DataType = (int)TensorProto.Types.DataType.Float, FloatData = { attribute.F } };
                case "value_floats":
                    return new TensorProto
                    {
                        Name = node.Output[0], DataType = (int)TensorProto.Types.DataType.Float,
                        Dims = { attribute.Floats.Count }, FloatData = { attribute.Floats },
                    };
                case "value_int":
                    return new TensorProto { Name = node.Output[0], DataType = (int)TensorProto.Types.DataType.Int64, Int64Data = { attribute.I } };
                case "value_ints":
                    return new TensorProto
                    {
                        Name = node.Output[0], DataType = (int)TensorProto.Types.DataType.Int64,
                        Dims = { attribute.Ints.Count }, Int64Data = { attribute.Ints },
                    };
            }
        throw new NotSupportedException($"{Describe(node)} has no value the importer reads (value, value_float(s) or value_int(s)).");
    }
}

/// <summary>Attribute look-ups with ONNX's defaults.</summary>
internal static class Attributes
{
    internal static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    internal static float Float(NodeProto node, string name, float defaultValue) => Find(node, name) is { } a ? a.F : defaultValue;

    internal static long Int(NodeProto node, string name, long defaultValue) => Find(node, name) is { } a ? a.I : defaultValue;

    internal static long[]? Ints(NodeProto node, string name) => Find(node, name) is { } a ? [.. a.Ints] : null;
}
