using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Onnx.Protobuf;

namespace NeuralNet.Onnx.Import;

/// <summary>
/// Walks a graph from its data input to its output and turns each step — one node, MatMul + Add, or a recognised
/// decomposition — into layers.
/// </summary>
internal sealed class ChainBuilder
{
    private const int FloatType = (int)TensorProto.Types.DataType.Float;
    private const string ProbabilitiesOutput = "probabilities";

    private readonly GraphIndex _graph;
    private readonly string _output;
    private readonly List<ILayer> _layers = [];
    private string _current;
    private int? _width;
    // The layer the last step added when it was a Dense, for scikit-learn's binary tail that rewrites it.
    private Dense? _lastStepDense;

    private ChainBuilder(GraphIndex graph, string input, int? width, string output)
        => (_graph, _current, _width, _output) = (graph, input, width, output);

    internal static Mlp Build(ModelProto model)
    {
        var graph = new GraphIndex(model);
        (string input, int? width) = FindInput(graph);
        string output = FindOutput(graph);
        graph.SelectPath(input, output);
        var builder = new ChainBuilder(graph, input, width, output);
        builder.Walk();
        if (builder._layers.Count == 0) builder._layers.Add(new Identity());
        try
        {
            return new Mlp([.. builder._layers]);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The graph's layers do not chain: {e.Message}", e);
        }
    }

    /// <summary>The one graph input that is not an initializer: float32 [batch, features].</summary>
    private static (string Name, int? Width) FindInput(GraphIndex graph)
    {
        var initializers = new HashSet<string>(graph.Graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
        ValueInfoProto[] inputs = graph.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToArray();
        if (inputs.Length != 1)
            throw new NotSupportedException(inputs.Length == 0
                ? "The graph has no data input (every input is an initializer)."
                : $"The graph has {inputs.Length} data inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); a feed-forward network has one.");
        ValueInfoProto input = inputs[0];
        TypeProto.Types.Tensor? tensor = input.Type?.TensorType;
        if (tensor is null) throw new NotSupportedException($"The graph input '{input.Name}' is not a tensor.");
        if (tensor.ElemType != FloatType)
            throw new NotSupportedException(
                $"The graph input '{input.Name}' is of type {TensorReader.TypeName(tensor.ElemType)}; the importer takes float32 [batch, features].");
        if (tensor.Shape is null || tensor.Shape.Dim.Count != 2)
            throw new NotSupportedException(
                $"The graph input '{input.Name}' has {(tensor.Shape is null ? "no shape" : $"{tensor.Shape.Dim.Count} dimensions")}; a feed-forward network takes [batch, features].");
        TensorShapeProto.Types.Dimension features = tensor.Shape.Dim[1];
        int? width = null;
        if (features.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
        {
            if (features.DimValue is < 1 or > int.MaxValue)
                throw new InvalidDataException($"The graph input '{input.Name}' has {features.DimValue} features.");
            width = (int)features.DimValue;
        }
        return (input.Name, width);
    }

    /// <summary>A classifier's <c>probabilities</c>, else the one float output.</summary>
    private static string FindOutput(GraphIndex graph)
    {
        ValueInfoProto[] floats = graph.Graph.Output.Where(o => o.Type?.TensorType?.ElemType == FloatType).ToArray();
        if (floats.FirstOrDefault(o => o.Name == ProbabilitiesOutput) is { } probabilities) return probabilities.Name;
        if (floats.Length == 1) return floats[0].Name;
        string all = string.Join(", ", graph.Graph.Output.Select(o =>
            $"'{o.Name}' ({(o.Type?.TensorType is { } t ? TensorReader.TypeName(t.ElemType) : "not a tensor")})"));
        throw new NotSupportedException(floats.Length == 0
            ? $"The graph has no float32 output (outputs: {(all.Length == 0 ? "none" : all)})."
            : $"The graph has {floats.Length} float32 outputs and none is named '{ProbabilitiesOutput}': {all}. The importer maps one.");
    }

    private void Walk()
    {
        for (int steps = 0; _current != _output; steps++)
        {
            if (steps > _graph.Graph.Node.Count)
                throw new InvalidDataException($"The walk from the input does not reach the output '{_output}': the graph has a cycle.");
            IReadOnlyList<NodeProto> consumers = _graph.RelevantConsumers(_current);
            if (consumers.Count == 0)
                throw new InvalidDataException($"Tensor '{_current}' leads to the output '{_output}' but no node reads it.");
            if (TryDecomposition(consumers)) continue;
            if (consumers.Count > 1)
                throw new NotSupportedException(
                    $"Tensor '{_current}' feeds {consumers.Count} nodes ({string.Join(", ", consumers.Select(_graph.Describe))}) that form no pattern " +
                    "the importer knows: the graph is not a chain.");
            Step(consumers[0]);
        }
    }

    // ---- Decompositions ----

    private bool TryDecomposition(IReadOnlyList<NodeProto> consumers)
    {
        var matcher = new PatternMatcher(_graph, _current);
        (DecompositionKind Kind, PatternMatch Match, string Output)? best = null, mismatched = null;
        foreach (string candidate in Reachable(depth: 12))
            foreach ((DecompositionKind kind, Pattern pattern) in Decompositions.All)
            {
                var match = new PatternMatch();
                if (!matcher.Match(pattern, candidate, match) || !IsClosed(match, candidate, consumers)) continue;
                ref var slot = ref (match.Mismatches.Count == 0 ? ref best : ref mismatched);
                if (slot is null || match.Nodes.Count > slot.Value.Match.Nodes.Count) slot = (kind, match, candidate);
            }
        if (mismatched is { } wrong && (best is null || wrong.Match.Nodes.Count > best.Value.Match.Nodes.Count))
            throw new NotSupportedException(
                $"{_graph.Describe(Root(wrong.Match, wrong.Output))} ends what looks like {Describe(wrong.Kind)}, but " +
                $"{string.Join("; ", wrong.Match.Mismatches)}.");
        if (best is not { } found) return false;
        NodeProto root = Root(found.Match, found.Output);
        switch (found.Kind)
        {
            case DecompositionKind.LayerNorm:
                AddLayerNorm(root, found.Match);
                break;
            case DecompositionKind.ExactGelu:
                Add(root, () => new GELU());
                break;
            case DecompositionKind.TanhGelu:
                Add(root, () => new GELU(tanhApproximation: true));
                break;
            case DecompositionKind.SiLU:
                Add(root, () => new SiLU());
                break;
            case DecompositionKind.BinaryClassifierTail:
                AddBinaryTail(root);
                break;
        }
        _current = found.Output;
        return true;
    }

    private static NodeProto Root(PatternMatch match, string output) => match.Nodes.First(n => n.Output[0] == output);

    private static string Describe(DecompositionKind kind) => kind switch
    {
        DecompositionKind.LayerNorm => "a decomposed LayerNorm",
        DecompositionKind.ExactGelu => "a decomposed GELU (erf form)",
        DecompositionKind.TanhGelu => "a decomposed GELU (tanh form)",
        DecompositionKind.SiLU => "SiLU (x · sigmoid(x))",
        _ => "scikit-learn's binary classifier output [1 − p, p]",
    };

    /// <summary>Tensors written by path nodes within <paramref name="depth"/> steps of the current tensor.</summary>
    private List<string> Reachable(int depth)
    {
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { _current };
        var frontier = new List<string> { _current };
        for (int d = 0; d < depth && frontier.Count > 0; d++)
        {
            var next = new List<string>();
            foreach (string tensor in frontier)
                foreach (NodeProto node in _graph.RelevantConsumers(tensor))
                    if (node.Output.Count > 0 && node.Output[0].Length > 0 && seen.Add(node.Output[0]))
                    {
                        next.Add(node.Output[0]);
                        found.Add(node.Output[0]);
                    }
            frontier = next;
        }
        return found;
    }

    /// <summary>
    /// A match replaces its nodes only if nothing outside it reads the current tensor or its intermediate values,
    /// and none of its nodes' other outputs is used.
    /// </summary>
    private bool IsClosed(PatternMatch match, string output, IReadOnlyList<NodeProto> consumers)
    {
        var nodes = new HashSet<NodeProto>(match.Nodes, ReferenceEqualityComparer.Instance);
        if (!consumers.All(nodes.Contains)) return false;
        foreach (NodeProto node in match.Nodes)
            foreach (string written in node.Output)
            {
                if (written == output || written.Length == 0) continue;
                if (written == _output || !_graph.RelevantConsumers(written).All(nodes.Contains)) return false;
            }
        return true;
    }

    private void AddLayerNorm(NodeProto root, PatternMatch match)
    {
        ConstantTensor epsilon = match.Constants["epsilon"];
        if (epsilon.Values.Length != 1)
            throw Unsupported(root, $"its ε '{epsilon.Name}' has shape {epsilon.Shape}, not a scalar");
        match.Constants.TryGetValue("gamma", out ConstantTensor? gamma);
        match.Constants.TryGetValue("beta", out ConstantTensor? beta);
        AddLayerNorm(root, epsilon.Values[0], gamma, beta);
    }

    private void AddLayerNorm(NodeProto node, float epsilon, ConstantTensor? gamma, ConstantTensor? beta)
    {
        int? features = _width ?? (gamma ?? beta)?.Values.Length;
        if (features is not { } f)
            throw Unsupported(node, "normalises a tensor whose width is unknown (no Dense before it, no width in the input, no scale)");
        float[] weight = gamma is null ? Filled(f, 1f) : Vector(node, gamma, f, "scale γ");
        float[] bias = beta is null ? new float[f] : Vector(node, beta, f, "bias β");
        Add(node, () => new LayerNorm(f, epsilon), ("weight", f, 1, weight), ("bias", f, 1, bias));
    }

    /// <summary>
    /// Sigmoid(z) and Concat([1 − p, p]) after a Dense(h → 1) of weights w and bias b become Dense(h → 2) of rows (−w/2, w/2)
    /// and biases (−b/2, b/2), then Softmax: softmax(−z/2, z/2) = (σ(−z), σ(z)) = (1 − p, p).
    /// </summary>
    private void AddBinaryTail(NodeProto root)
    {
        if (_lastStepDense is not { Outputs: 1 } dense || _layers.Count == 0 || !ReferenceEquals(_layers[^1], dense))
            throw Unsupported(root, "writes [1 − p, p] from a sigmoid that does not follow a single-output MatMul or Gemm");
        float[] w = dense.Weights.Value.ToColumnMajorArray(), b = dense.Bias.Value.ToColumnMajorArray();
        int h = dense.Inputs;
        var weights = new float[2 * h];
        for (int i = 0; i < h; i++)
        {
            weights[i * 2] = -w[i] / 2f;
            weights[i * 2 + 1] = w[i] / 2f;
        }
        _layers.RemoveAt(_layers.Count - 1);
        _width = h;
        Add(root, () => new Dense(h, 2, seed: 0), ("weights", 2, h, weights), ("bias", 2, 1, [-b[0] / 2f, b[0] / 2f]));
        Add(root, () => new Softmax());
    }

    // ---- Single nodes ----

    private void Step(NodeProto node)
    {
        if (node.Domain is not ("" or "ai.onnx"))
            throw Unsupported(node, $"is an operator of the domain '{node.Domain}', which the importer does not map");
        if (node.Input.Count == 0 || node.Input[0] != _current)
            throw Unsupported(node, $"reads the data '{_current}' as an input other than its first");
        for (int k = 1; k < node.Output.Count; k++)
            if (node.Output[k].Length > 0 && (node.Output[k] == _output || _graph.RelevantConsumers(node.Output[k]).Count > 0))
                throw Unsupported(node, $"its output {k} ('{node.Output[k]}') is used; the importer maps the first output only");
        string next = node.Output.Count > 0 && node.Output[0].Length > 0
            ? node.Output[0]
            : throw new InvalidDataException($"{_graph.Describe(node)} writes nothing.");
        switch (node.OpType)
        {
            case "Gemm":
                Gemm(node);
                break;
            case "MatMul":
                next = MatMul(node);
                break;
            case "Relu":
                Unary(node);
                Add(node, () => new ReLU());
                break;
            case "LeakyRelu":
                Unary(node);
                float slope = Attributes.Float(node, "alpha", 0.01f);
                Add(node, () => new LeakyReLU(slope));
                break;
            case "Elu":
                Unary(node);
                float alpha = Attributes.Float(node, "alpha", 1f);
                Add(node, () => new ELU(alpha));
                break;
            case "Sigmoid":
                Unary(node);
                Add(node, () => new Sigmoid());
                break;
            case "Tanh":
                Unary(node);
                Add(node, () => new Tanh());
                break;
            case "Softplus":
                Unary(node);
                Add(node, () => new Softplus());
                break;
            case "Gelu":
                Unary(node);
                string approximate = Attributes.Find(node, "approximate") is { } a ? a.S.ToStringUtf8() : "none";
                if (approximate is not ("none" or "tanh")) throw Unsupported(node, $"has approximate = '{approximate}', not 'none' or 'tanh'");
                Add(node, () => new GELU(tanhApproximation: approximate == "tanh"));
                break;
            case "Softmax":
                Unary(node);
                long axis = Attributes.Int(node, "axis", _graph.Opset < 13 ? 1 : -1);
                if (axis is not (-1 or 1))
                    throw Unsupported(node, $"normalises over axis {axis}; on [batch, features] only axis −1 (or 1), the features, maps to Softmax");
                Add(node, () => new Softmax());
                break;
            case "Clip":
                Clip(node);
                break;
            case "Identity":
                Unary(node);
                break;
            case "Dropout":
                Dropout(node);
                break;
            case "Flatten":
                Unary(node);
                long flattenAxis = Attributes.Int(node, "axis", 1);
                if (flattenAxis is not (1 or -1))
                    throw Unsupported(node, $"flattens at axis {flattenAxis}; on [batch, features] only axis 1 keeps the batch, and is then the identity");
                break;
            case "Cast":
                Unary(node);
                long to = Attributes.Int(node, "to", 0);
                if (to != FloatType) throw Unsupported(node, $"casts the data to {TensorReader.TypeName((int)to)}; the importer computes in float32");
                break;
            case "Reshape":
                Reshape(node);
                break;
            case "BatchNormalization":
                BatchNormalization(node);
                break;
            case "LayerNormalization":
                LayerNormalization(node);
                break;
            default:
                throw Unsupported(node, node.OpType is "Add" or "Sub" or "Mul" or "Div"
                    ? "is arithmetic on the data that is part of no layer the importer recognises"
                    : "is an operator the importer does not map onto a layer");
        }
        if (node.OpType is not ("Gemm" or "MatMul")) _lastStepDense = null;
        _current = next;
    }

    /// <summary>An operator of one input: anything more is not what the importer maps.</summary>
    private void Unary(NodeProto node)
    {
        for (int k = 1; k < node.Input.Count; k++)
            if (node.Input[k].Length > 0) throw ExtraInput(node, k, "no further input");
    }

    private void Gemm(NodeProto node)
    {
        if (Attributes.Int(node, "transA", 0) != 0)
            throw Unsupported(node, "has transA = 1: it would multiply the transposed batch [features, batch], which is no layer of rows");
        if (node.Input.Count is < 2 or > 3) throw Unsupported(node, $"has {node.Input.Count} inputs, not 2 or 3");
        ConstantTensor b = RequireConstant(node, 1, "B (the weights)");
        bool transB = Attributes.Int(node, "transB", 0) != 0;
        float alpha = Attributes.Float(node, "alpha", 1f), beta = Attributes.Float(node, "beta", 1f);
        if (b.Dims.Length != 2) throw Unsupported(node, $"its B '{b.Name}' has shape {b.Shape}, not a matrix");
        int inputs = checked((int)(transB ? b.Dims[1] : b.Dims[0])), outputs = checked((int)(transB ? b.Dims[0] : b.Dims[1]));
        var weights = new float[inputs * outputs];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++)
                weights[i * outputs + o] = alpha * b.Values[transB ? o * inputs + i : i * outputs + o];
        var bias = new float[outputs];
        if (node.Input.Count == 3 && node.Input[2].Length > 0)
        {
            ConstantTensor c = RequireConstant(node, 2, "C (the bias)");
            float[] values = BiasVector(node, c, outputs, "C");
            for (int o = 0; o < outputs; o++) bias[o] = beta * values[o];
        }
        AddDense(node, inputs, outputs, weights, bias);
    }

    /// <summary>MatMul by a constant [inputs, outputs], and the Add of a constant [outputs] after it when there is one.</summary>
    private string MatMul(NodeProto node)
    {
        if (node.Input.Count != 2) throw Unsupported(node, $"has {node.Input.Count} inputs, not 2");
        ConstantTensor b = RequireConstant(node, 1, "B (the weights)");
        if (b.Dims.Length != 2) throw Unsupported(node, $"its B '{b.Name}' has shape {b.Shape}, not a matrix [inputs, outputs]");
        int inputs = checked((int)b.Dims[0]), outputs = checked((int)b.Dims[1]);
        // B is [inputs, outputs] row-major: exactly Wᵀ, so its row-major values are W's column-major storage.
        float[] weights = b.Values;
        var bias = new float[outputs];
        string output = node.Output[0];
        IReadOnlyList<NodeProto> readers = _graph.RelevantConsumers(output);
        if (output != _output && readers is [{ OpType: "Add", Domain: "" or "ai.onnx" } add] && add.Input.Count == 2)
        {
            int other = add.Input[0] == output ? 1 : 0;
            if (add.Input[other] != output && !_graph.IsData(add.Input[other]))
            {
                ConstantTensor c = RequireConstant(add, other, "bias");
                bias = BiasVector(add, c, outputs, "bias");
                for (int k = 1; k < add.Output.Count; k++)
                    if (add.Output[k].Length > 0) throw Unsupported(add, "has more than one output");
                output = add.Output[0];
            }
        }
        AddDense(node, inputs, outputs, weights, bias);
        return output;
    }

    private void AddDense(NodeProto node, int inputs, int outputs, float[] weights, float[] bias)
    {
        if (_width is { } w && w != inputs)
            throw new InvalidDataException($"{_graph.Describe(node)} multiplies by weights of {inputs} inputs, but its input has {w} features.");
        Dense dense = Add(node, () => new Dense(inputs, outputs, seed: 0), ("weights", outputs, inputs, weights), ("bias", outputs, 1, bias));
        _lastStepDense = dense;
    }

    /// <summary>A bias of [outputs] or [1, outputs] — or a single value, broadcast.</summary>
    private float[] BiasVector(NodeProto node, ConstantTensor c, int outputs, string role)
    {
        bool vector = c.Values.Length == outputs && (c.Dims.Length == 1 || (c.Dims.Length == 2 && c.Dims[0] == 1));
        if (vector) return c.Values;
        if (c.Values.Length == 1 && c.Dims.Length <= 2) return Filled(outputs, c.Values[0]);
        throw Unsupported(node, $"its {role} '{c.Name}' has shape {c.Shape}, which is not [{outputs}] or [1, {outputs}]");
    }

    private void Clip(NodeProto node)
    {
        float min = Attributes.Float(node, "min", float.NegativeInfinity), max = Attributes.Float(node, "max", float.PositiveInfinity);
        if (node.Input.Count > 3) throw Unsupported(node, $"has {node.Input.Count} inputs, not at most 3");
        if (node.Input.Count > 1 && node.Input[1].Length > 0) min = Scalar(node, RequireConstant(node, 1, "min"), "min");
        if (node.Input.Count > 2 && node.Input[2].Length > 0) max = Scalar(node, RequireConstant(node, 2, "max"), "max");
        if (!Near(min, -1) || !Near(max, 1))
            throw Unsupported(node, string.Create(CultureInfo.InvariantCulture,
                $"clips to [{min}, {max}]; only Clip(−1, 1), HardTanh, maps onto a layer"));
        Add(node, () => new HardTanh());
    }

    private void Dropout(NodeProto node)
    {
        if (node.Input.Count > 3) throw Unsupported(node, $"has {node.Input.Count} inputs, not at most 3");
        if (node.Input.Count > 1 && node.Input[1].Length > 0 && _graph.IsData(node.Input[1])) throw ExtraInput(node, 1, "a constant ratio");
        if (node.Input.Count > 2 && node.Input[2].Length > 0)
        {
            if (!_graph.IsConstant(node.Input[2]) || _graph.IsData(node.Input[2])) throw ExtraInput(node, 2, "a constant training_mode");
            if (_graph.IntegerConstant(node.Input[2]) is { } mode && mode.Any(v => v != 0))
                throw Unsupported(node, "runs in training mode (training_mode = true): its output is random");
        }
        // Dropout is the identity at inference, which is what the imported network computes; it is not kept as a layer.
    }

    private void Reshape(NodeProto node)
    {
        if (node.Input.Count != 2) throw Unsupported(node, $"has {node.Input.Count} inputs, not 2");
        if (!_graph.IsConstant(node.Input[1]) || _graph.IsData(node.Input[1])) throw ExtraInput(node, 1, "a constant shape");
        long[] shape = _graph.IntegerConstant(node.Input[1])!;
        // [batch, features] stays itself under [-1, features], [0, features] or [0, -1] (0 copies the dimension).
        bool identity = shape.Length == 2 && (shape[0] is -1 or 0)
            && (shape[1] == -1 && shape[0] == 0 || _width is { } w && shape[1] == w || shape[1] == 0);
        if (!identity)
            throw Unsupported(node, $"reshapes [batch, {(_width?.ToString(CultureInfo.InvariantCulture) ?? "features")}] to [{string.Join(", ", shape)}]; " +
                "only a reshape that keeps [batch, features] maps (onto nothing)");
    }

    private void BatchNormalization(NodeProto node)
    {
        if (node.Input.Count != 5) throw Unsupported(node, $"has {node.Input.Count} inputs, not 5 (X, scale, B, mean, var)");
        if (Attributes.Int(node, "training_mode", 0) != 0) throw Unsupported(node, "runs in training mode (training_mode = 1)");
        if (Attributes.Int(node, "spatial", 1) != 1) throw Unsupported(node, "has spatial = 0");
        ConstantTensor scale = RequireConstant(node, 1, "scale");
        int features = _width ?? scale.Values.Length;
        float[] weight = Vector(node, scale, features, "scale");
        float[] bias = Vector(node, RequireConstant(node, 2, "B"), features, "B");
        float[] mean = Vector(node, RequireConstant(node, 3, "mean"), features, "mean");
        float[] variance = Vector(node, RequireConstant(node, 4, "var"), features, "var");
        float epsilon = Attributes.Float(node, "epsilon", 1e-5f);
        // ONNX's momentum weighs the old statistic (running = running·m + batch·(1 − m)); NeuralNet's and torch's weigh the batch.
        // NeuralNet's own exporter writes its momentum as is.
        // 1 − m in decimal: float's 7 digits of 0.9f give torch's 0.1, not 0.100000024. Momentum only matters for training.
        float momentum = Attributes.Find(node, "momentum") is { } m && m.F >= 0f && m.F <= 1f
            ? _graph.Model.ProducerName == OnnxExporter.ProducerName ? m.F : (float)(1m - (decimal)m.F)
            : 0.1f;
        Add(node, () => new BatchNorm(features, momentum, epsilon),
            ("weight", features, 1, weight), ("bias", features, 1, bias), ("running_mean", features, 1, mean), ("running_var", features, 1, variance));
    }

    private void LayerNormalization(NodeProto node)
    {
        long axis = Attributes.Int(node, "axis", -1);
        if (axis is not (-1 or 1)) throw Unsupported(node, $"normalises from axis {axis}; on [batch, features] only the last axis maps to LayerNorm");
        if (node.Input.Count is < 2 or > 3) throw Unsupported(node, $"has {node.Input.Count} inputs, not 2 or 3 (X, scale, B)");
        ConstantTensor scale = RequireConstant(node, 1, "scale");
        ConstantTensor? bias = node.Input.Count == 3 && node.Input[2].Length > 0 ? RequireConstant(node, 2, "B") : null;
        AddLayerNorm(node, Attributes.Float(node, "epsilon", 1e-5f), scale, bias);
    }

    // ---- Helpers ----

    /// <summary>Builds a layer, sets its named tensors (column-major values) and tells it its state is loaded.</summary>
    private T Add<T>(NodeProto node, Func<T> create, params (string Name, int Rows, int Columns, float[] Values)[] tensors) where T : ILayer
    {
        T layer;
        try
        {
            layer = create();
        }
        catch (ArgumentException e)
        {
            throw Unsupported(node, $"has a value outside what {typeof(T).Name} supports: {e.Message}");
        }
        if (tensors.Length > 0)
        {
            var serializable = (ISerializableLayer)layer;
            IReadOnlyList<NamedTensor> state = serializable.State;
            foreach ((string name, int rows, int columns, float[] values) in tensors)
            {
                Matrix<float> target = state.Single(t => t.Name == name).Value;
                if (target.RowCount != rows || target.ColumnCount != columns || values.Length != rows * columns)
                    throw new InvalidOperationException($"{typeof(T).Name}'s '{name}' is {target.RowCount} × {target.ColumnCount}, not {rows} × {columns}.");
                Matrix<float>.Build.Dense(rows, columns, values).CopyTo(target);
            }
            serializable.OnStateLoaded();
        }
        _layers.Add(layer);
        _width = layer.OutputWidth(_width);
        return layer;
    }

    private void Add(NodeProto node, Func<ILayer> create) => Add<ILayer>(node, create);

    /// <summary>A constant input: an initializer or a Constant node's value; data there means the graph is not a chain.</summary>
    private ConstantTensor RequireConstant(NodeProto node, int index, string role)
    {
        string name = node.Input[index];
        if (_graph.IsData(name))
            throw Unsupported(node, $"consumes two data tensors ('{_current}' and its {role} '{name}'): the graph is not a chain");
        if (!_graph.IsConstant(name))
            throw Unsupported(node, $"its {role} '{name}' is neither an initializer nor a Constant; the importer needs it constant");
        try
        {
            return _graph.FloatConstant(name)!;
        }
        catch (NotSupportedException e)
        {
            throw Unsupported(node, $"its {role}: {e.Message}");
        }
    }

    private float[] Vector(NodeProto node, ConstantTensor tensor, int length, string role)
    {
        if (tensor.Values.Length != length || tensor.Dims.Length > 2 || (tensor.Dims.Length == 2 && tensor.Dims[0] != 1))
            throw Unsupported(node, $"its {role} '{tensor.Name}' has shape {tensor.Shape}, not [{length}]");
        return tensor.Values;
    }

    private float Scalar(NodeProto node, ConstantTensor tensor, string role) =>
        tensor.Values.Length == 1 ? tensor.Values[0] : throw Unsupported(node, $"its {role} '{tensor.Name}' has shape {tensor.Shape}, not a scalar");

    private static bool Near(float actual, double expected) => Math.Abs(actual - expected) <= PatternMatcher.Tolerance * Math.Abs(expected);

    private static float[] Filled(int length, float value)
    {
        var values = new float[length];
        Array.Fill(values, value);
        return values;
    }

    private NotSupportedException ExtraInput(NodeProto node, int index, string expected) =>
        _graph.IsData(node.Input[index])
            ? Unsupported(node, $"consumes two data tensors ('{_current}' and '{node.Input[index]}'): the graph is not a chain")
            : Unsupported(node, $"its input {index} ('{node.Input[index]}') is not {expected}");

    private NotSupportedException Unsupported(NodeProto node, string why) => new($"ONNX {_graph.Describe(node)}: {why}.");
}
