using System.Reflection;
using Google.Protobuf;
using NeuralNet.Layers;
using NeuralNet.Serialization;
using NeuralNet.Onnx.Protobuf;

namespace NeuralNet.Onnx;

/// <summary>
/// Writes an <see cref="Mlp"/> as an ONNX model (opset 13), so that ONNX Runtime — or anything else that runs
/// ONNX — gives the same answers as <see cref="Mlp.Predict(MathNet.Numerics.LinearAlgebra.Matrix{float})"/>.
/// </summary>
/// <remarks>
/// <para>
/// The graph has one input, <c>input</c> (float32, [batch, inputs]), and one output, <c>output</c> (float32,
/// [batch, outputs]); the batch dimension is the symbol <c>batch</c>, so any batch size runs. A network without
/// a <see cref="Dense"/> layer has no fixed width: its feature dimension is the symbol <c>features</c>.
/// </para>
/// <para>
/// Layers map one to one, all but LayerNorm (below): <see cref="Dense"/> → <c>Gemm</c> (transB = 1, so W keeps the lecture's
/// outputs × inputs layout, and b is C of shape [outputs]); <see cref="ReLU"/> → <c>Relu</c>;
/// <see cref="LeakyReLU"/> → <c>LeakyRelu</c>(alpha = negative slope); <see cref="ELU"/> → <c>Elu</c>(alpha);
/// <see cref="GELU"/> → its formula in <c>Div</c>, <c>Erf</c>, <c>Add</c> and <c>Mul</c> (exact) or <c>Mul</c>, <c>Add</c>
/// and <c>Tanh</c> (tanh approximation), as torch writes it at opset 13, which has no Gelu operator;
/// <see cref="SiLU"/> → <c>Mul</c>(x, <c>Sigmoid</c>(x));
/// <see cref="Sigmoid"/> → <c>Sigmoid</c>; <see cref="Tanh"/> → <c>Tanh</c>; <see cref="Softplus"/> →
/// <c>Softplus</c>; <see cref="HardTanh"/> → <c>Clip</c>(−1, 1); <see cref="Softmax"/> → <c>Softmax</c>(axis = −1);
/// <see cref="Identity"/> → nothing (a network of nothing but identities becomes one <c>Identity</c> node);
/// <see cref="Dropout"/> → nothing (it is the identity at inference); <see cref="BatchNorm"/> → <c>BatchNormalization</c>
/// in its inference form (scale γ, B β, mean and var the running statistics, as [features] initializers, and the
/// <c>epsilon</c> attribute; [batch, features] is its N × C).
/// </para>
/// <para>
/// <see cref="LayerNorm"/> is written decomposed, because <c>LayerNormalization</c> is an ONNX operator only from opset 17
/// and the graph is opset 13: μ = <c>ReduceMean</c>(x, axes = [−1]), d = <c>Sub</c>(x, μ),
/// σ² = <c>ReduceMean</c>(<c>Mul</c>(d, d), axes = [−1]), h = <c>Add</c>(<c>Mul</c>(<c>Div</c>(d, <c>Sqrt</c>(<c>Add</c>(σ², ε))), γ), β).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// OnnxExporter.Export(model, "model.onnx");
/// using var session = new InferenceSession("model.onnx");   // Microsoft.ML.OnnxRuntime
/// </code>
/// </example>
public static class OnnxExporter
{
    /// <summary>The name of the graph's input, float32 [batch, inputs].</summary>
    public const string InputName = "input";

    /// <summary>The name of the graph's output, float32 [batch, outputs].</summary>
    public const string OutputName = "output";

    /// <summary>The producer name written into every exported model.</summary>
    public const string ProducerName = "NeuralNet";

    /// <summary>The ONNX operator set the exported graph uses.</summary>
    public const int OpsetVersion = 13;

    // IR version 7 is the one that introduced opset 13: the oldest runtime that runs the graph can read the file.
    private const long IrVersion = 7;

    /// <summary>Writes <paramref name="model"/> to <paramref name="destination"/> as an ONNX model.</summary>
    /// <param name="model">The network to export.</param>
    /// <param name="destination">A writable stream; the model is written at its current position, and it is left open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="destination"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The stream is not writable, or a layer has no ONNX equivalent (the message names the layer and its index);
    /// nothing is written then.
    /// </exception>
    public static void Export(Mlp model, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite) throw new ArgumentException("The destination stream is not writable.", nameof(destination));
        ModelProto proto = ToOnnx(model);
        proto.WriteTo(destination);
        destination.Flush();
    }

    /// <summary>Writes <paramref name="model"/> to the file <paramref name="path"/> as an ONNX model, replacing any file there.</summary>
    /// <param name="model">The network to export.</param>
    /// <param name="path">The file to write, conventionally ending in <c>.onnx</c>.</param>
    /// <remarks>The model is written to a temporary file beside the target and then renamed over it, so a failure
    /// part-way never leaves a truncated model behind.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty, or a layer has no ONNX equivalent (the message names the layer and its index).
    /// </exception>
    public static void Export(Mlp model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ModelProto proto = ToOnnx(model); // Fails before the file is touched.
        AtomicFile.Write(path, proto.WriteTo);
    }

    /// <summary>Builds the ONNX model of <paramref name="model"/>: the graph, its weights and its metadata.</summary>
    internal static ModelProto ToOnnx(Mlp model)
    {
        var graph = new GraphProto { Name = "NeuralNet.Mlp", DocString = model.ToString() };
        string current = InputName;
        for (int k = 0; k < model.Layers.Count; k++)
        {
            ILayer layer = model.Layers[k];
            string output = $"layer{k}";
            NodeProto[] nodes = layer switch
            {
                Dense dense => [Gemm(graph, dense, k, current, output)],
                ReLU => [Node("Relu", current, output)],
                LeakyReLU leaky => [Node("LeakyRelu", current, output, FloatAttribute("alpha", leaky.NegativeSlope))],
                ELU elu => [Node("Elu", current, output, FloatAttribute("alpha", elu.Alpha))],
                GELU { TanhApproximation: false } => ExactGelu(graph, k, current, output),
                GELU { TanhApproximation: true } => TanhGelu(graph, k, current, output),
                SiLU => [Node("Sigmoid", current, $"layer{k}.sigmoid"), Node("Mul", [current, $"layer{k}.sigmoid"], output)],
                Sigmoid => [Node("Sigmoid", current, output)],
                Tanh => [Node("Tanh", current, output)],
                Softplus => [Node("Softplus", current, output)],
                HardTanh => [Clip(graph, current, output)],
                Softmax => [Node("Softmax", current, output, IntAttribute("axis", -1))],
                BatchNorm batchNorm => [BatchNormalization(graph, batchNorm, k, current, output)],
                LayerNorm layerNorm => LayerNormalization(graph, layerNorm, k, current, output),
                Identity or Dropout => [],
                _ => throw Unsupported(layer, k),
            };
            if (nodes.Length == 0) continue;
            for (int j = 0; j < nodes.Length; j++)
            {
                if (nodes[j].Name.Length == 0)
                    nodes[j].Name = nodes.Length == 1 ? $"layer{k}_{nodes[j].OpType}" : $"layer{k}_{j}_{nodes[j].OpType}";
                graph.Node.Add(nodes[j]);
            }
            current = output;
        }

        // The last node writes the graph's output; with no node at all (only identities), an Identity node does.
        if (graph.Node.Count == 0) graph.Node.Add(Node("Identity", InputName, OutputName));
        else graph.Node[^1].Output[0] = OutputName;

        graph.Input.Add(FloatMatrix(InputName, model.InputCount));
        graph.Output.Add(FloatMatrix(OutputName, model.OutputCount));

        return new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = LibraryVersion(),
            DocString = $"{model} exported by NeuralNet. Input '{InputName}' [batch, inputs], output '{OutputName}' [batch, outputs].",
            Graph = graph,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = OpsetVersion } },
        };
    }

    /// <summary>Z = X Wᵀ + b: Gemm with transB = 1 takes W as the lecture writes it, outputs × inputs.</summary>
    private static NodeProto Gemm(GraphProto graph, Dense dense, int index, string input, string output)
    {
        string weights = $"layer{index}.weights", bias = $"layer{index}.bias";
        graph.Initializer.Add(OnnxTensors.RowMajor(weights, dense.Weights.Value));
        graph.Initializer.Add(OnnxTensors.Vector(bias, dense.Bias.Value.AsColumnMajorArray()));
        return Node("Gemm", [input, weights, bias], output,
            FloatAttribute("alpha", 1f), FloatAttribute("beta", 1f), IntAttribute("transA", 0), IntAttribute("transB", 1));
    }

    /// <summary>
    /// BatchNorm at inference: BatchNormalization (opset 9's form, one output) with γ, β, the running mean and the running
    /// variance as [features] initializers. It takes [batch, features] as N × C.
    /// </summary>
    private static NodeProto BatchNormalization(GraphProto graph, BatchNorm batchNorm, int index, string input, string output)
    {
        string scale = $"layer{index}.weight", bias = $"layer{index}.bias", mean = $"layer{index}.running_mean", variance = $"layer{index}.running_var";
        graph.Initializer.Add(OnnxTensors.Vector(scale, batchNorm.Weight.Value.AsColumnMajorArray()));
        graph.Initializer.Add(OnnxTensors.Vector(bias, batchNorm.Bias.Value.AsColumnMajorArray()));
        graph.Initializer.Add(OnnxTensors.Vector(mean, batchNorm.RunningMean.ToColumnMajorArray()));
        graph.Initializer.Add(OnnxTensors.Vector(variance, batchNorm.RunningVariance.ToColumnMajorArray()));
        return Node("BatchNormalization", [input, scale, bias, mean, variance], output,
            FloatAttribute("epsilon", batchNorm.Epsilon), FloatAttribute("momentum", batchNorm.Momentum));
    }

    /// <summary>
    /// LayerNorm, decomposed (LayerNormalization is an operator only from opset 17): μ = ReduceMean(x), d = x − μ,
    /// σ² = ReduceMean(d·d), h = d / √(σ² + ε) · γ + β, the reductions over the last axis.
    /// </summary>
    private static NodeProto[] LayerNormalization(GraphProto graph, LayerNorm layerNorm, int index, string input, string output)
    {
        string p = $"layer{index}";
        string gamma = $"{p}.weight", beta = $"{p}.bias", epsilon = $"{p}.epsilon";
        graph.Initializer.Add(OnnxTensors.Vector(gamma, layerNorm.Weight.Value.AsColumnMajorArray()));
        graph.Initializer.Add(OnnxTensors.Vector(beta, layerNorm.Bias.Value.AsColumnMajorArray()));
        graph.Initializer.Add(OnnxTensors.Scalar(epsilon, layerNorm.Epsilon));
        NodeProto Step(string name, NodeProto node)
        {
            node.Name = $"{p}_{name}";
            return node;
        }
        return
        [
            Step("mean", Node("ReduceMean", input, $"{p}.mean", IntsAttribute("axes", -1), IntAttribute("keepdims", 1))),
            Step("deviation", Node("Sub", [input, $"{p}.mean"], $"{p}.deviation")),
            Step("square", Node("Mul", [$"{p}.deviation", $"{p}.deviation"], $"{p}.square")),
            Step("variance", Node("ReduceMean", $"{p}.square", $"{p}.variance", IntsAttribute("axes", -1), IntAttribute("keepdims", 1))),
            Step("variance_epsilon", Node("Add", [$"{p}.variance", epsilon], $"{p}.variance_epsilon")),
            Step("std", Node("Sqrt", $"{p}.variance_epsilon", $"{p}.std")),
            Step("normalized", Node("Div", [$"{p}.deviation", $"{p}.std"], $"{p}.normalized")),
            Step("scaled", Node("Mul", [$"{p}.normalized", gamma], $"{p}.scaled")),
            Step("shifted", Node("Add", [$"{p}.scaled", beta], output)),
        ];
    }

    /// <summary>HardTanh = Clip(z, −1, 1). Since opset 11 Clip takes its bounds as scalar inputs, not attributes.</summary>
    private static NodeProto Clip(GraphProto graph, string input, string output)
    {
        const string min = "hardtanh.min", max = "hardtanh.max";
        if (!graph.Initializer.Any(tensor => tensor.Name == min))
        {
            graph.Initializer.Add(OnnxTensors.Scalar(min, -1f));
            graph.Initializer.Add(OnnxTensors.Scalar(max, 1f));
        }
        return Node("Clip", [input, min, max], output);
    }

    /// <summary>
    /// Exact GELU = x·½(1 + erf(x/√2)), decomposed as torch writes it at opset 13 (ONNX has a Gelu operator only from
    /// opset 20): Div, Erf, Add, Mul, Mul.
    /// </summary>
    private static NodeProto[] ExactGelu(GraphProto graph, int index, string input, string output)
    {
        string p = $"layer{index}.";
        return
        [
            Node("Div", [input, Constant(graph, "gelu.sqrt2", MathF.Sqrt(2f))], p + "scaled"),
            Node("Erf", p + "scaled", p + "erf"),
            Node("Add", [p + "erf", Constant(graph, "gelu.one", 1f)], p + "onePlusErf"),
            Node("Mul", [input, p + "onePlusErf"], p + "product"),
            Node("Mul", [p + "product", Constant(graph, "gelu.half", 0.5f)], output),
        ];
    }

    /// <summary>Tanh GELU = ½x(1 + tanh(√(2/π)(x + 0.044715x³))), decomposed as torch writes it at opset 13.</summary>
    private static NodeProto[] TanhGelu(GraphProto graph, int index, string input, string output)
    {
        string p = $"layer{index}.";
        return
        [
            Node("Mul", [input, input], p + "square"),
            Node("Mul", [p + "square", input], p + "cube"),
            Node("Mul", [p + "cube", Constant(graph, "gelu.kappa", 0.044715f)], p + "cubeTerm"),
            Node("Add", [input, p + "cubeTerm"], p + "inner"),
            Node("Mul", [p + "inner", Constant(graph, "gelu.sqrt2OverPi", MathF.Sqrt(2f / MathF.PI))], p + "u"),
            Node("Tanh", p + "u", p + "tanh"),
            Node("Add", [p + "tanh", Constant(graph, "gelu.one", 1f)], p + "onePlusTanh"),
            Node("Mul", [input, p + "onePlusTanh"], p + "product"),
            Node("Mul", [p + "product", Constant(graph, "gelu.half", 0.5f)], output),
        ];
    }

    /// <summary>The name of a float scalar initializer, added to the graph the first time a layer needs it.</summary>
    private static string Constant(GraphProto graph, string name, float value)
    {
        if (!graph.Initializer.Any(tensor => tensor.Name == name)) graph.Initializer.Add(OnnxTensors.Scalar(name, value));
        return name;
    }

    private static NodeProto Node(string opType, string input, string output, params AttributeProto[] attributes)
        => Node(opType, [input], output, attributes);

    private static NodeProto Node(string opType, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Output = { output } };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A float32 [batch, width] value; a width the network does not fix is the symbol "features".</summary>
    private static ValueInfoProto FloatMatrix(string name, int? width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(width is { } w
            ? new TensorShapeProto.Types.Dimension { DimValue = w }
            : new TensorShapeProto.Types.Dimension { DimParam = "features" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    private static ArgumentException Unsupported(ILayer layer, int index) => new(
        $"Layer {index} ({layer.GetType().FullName}: {layer}) has no ONNX equivalent. The exporter supports Dense, ReLU, " +
        "LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softplus, HardTanh, Softmax, Identity, Dropout, BatchNorm and LayerNorm.", "model");

    /// <summary>The NeuralNet version, without the source-revision suffix the SDK may append after '+'.</summary>
    private static string LibraryVersion()
    {
        Assembly assembly = typeof(Mlp).Assembly;
        string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString();
        if (version is null) return "unknown";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
