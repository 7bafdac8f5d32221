using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML.OnnxRuntime;
using NeuralNet.Layers;
using NeuralNet.Onnx.Protobuf;
using static NeuralNet.Onnx.Tests.OnnxGraphBuilder;
using static NeuralNet.Onnx.Tests.OnnxRuntimeHarness;

namespace NeuralNet.Onnx.Tests;

public class OnnxImporterTests
{
    private const int Inputs = 5, Hidden = 8, Outputs = 3;

    // ---- Round trip: Import(Export(model)) predicts bit-identically ----

    public static TheoryData<string> LayerKinds() =>
    [
        "ReLU", "Sigmoid", "Tanh", "Softplus", "HardTanh", "Softmax", "Identity", "LeakyReLU", "ELU",
        "GELU", "GELU(tanh)", "SiLU", "Dropout", "LayerNorm", "BatchNorm",
    ];

    private static ILayer Middle(string kind) => kind switch
    {
        "ReLU" => new ReLU(),
        "Sigmoid" => new Sigmoid(),
        "Tanh" => new Tanh(),
        "Softplus" => new Softplus(),
        "HardTanh" => new HardTanh(),
        "Softmax" => new Softmax(),
        "Identity" => new Identity(),
        "LeakyReLU" => new LeakyReLU(0.07f),
        "ELU" => new ELU(0.6f),
        "GELU" => new GELU(),
        "GELU(tanh)" => new GELU(tanhApproximation: true),
        "SiLU" => new SiLU(),
        "Dropout" => new Dropout(0.4f, seed: 3),
        "LayerNorm" => WithState(new LayerNorm(Hidden, 1e-3f), 11),
        "BatchNorm" => WithState(new BatchNorm(Hidden, momentum: 0.2f, epsilon: 1e-4f), 12),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Trained-looking values: γ around 1, β, means and variances away from 0 and 1.</summary>
    private static ILayer WithState(ISerializableLayer layer, int seed)
    {
        var random = new Random(seed);
        foreach (NamedTensor tensor in layer.State)
            tensor.Value.MapInplace(_ => tensor.Name switch
            {
                "weight" => 0.5f + (float)random.NextDouble(),
                "running_var" => 0.2f + 2f * (float)random.NextDouble(),
                _ => 2f * (float)random.NextDouble() - 1f,
            });
        layer.OnStateLoaded();
        return layer;
    }

    private static Mlp Network(string kind) =>
        new(new Dense(Inputs, Hidden, seed: 1), Middle(kind), new Dense(Hidden, Outputs, seed: 2), kind == "Softmax" ? new Softmax() : new Tanh());

    private static void ShouldBeBitIdentical(Matrix<float> actual, Matrix<float> expected)
    {
        actual.RowCount.Should().Be(expected.RowCount);
        actual.ColumnCount.Should().Be(expected.ColumnCount);
        for (int i = 0; i < expected.RowCount; i++)
            for (int j = 0; j < expected.ColumnCount; j++)
                BitConverter.SingleToInt32Bits(actual[i, j]).Should().Be(BitConverter.SingleToInt32Bits(expected[i, j]), $"element ({i}, {j}) has the same bits");
    }

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void A_round_trip_through_a_file_and_a_stream_predicts_bit_identically(string kind)
    {
        Mlp model = Network(kind);
        Matrix<float> x = Uniform(17, Inputs, seed: 4, scale: 3f);
        Matrix<float> expected = model.Predict(x);
        using var directory = new TemporaryDirectory();
        string path = directory.File("model.onnx");
        OnnxExporter.Export(model, path);

        Mlp fromPath = OnnxImporter.Import(path);
        using var stream = new MemoryStream(ExportToBytes(model));
        Mlp fromStream = OnnxImporter.Import(stream);

        ShouldBeBitIdentical(fromPath.Predict(x), expected);
        ShouldBeBitIdentical(fromStream.Predict(x), expected);
        fromPath.InputCount.Should().Be(Inputs);
        fromPath.OutputCount.Should().Be(Outputs);
    }

    [Fact]
    public void A_round_trip_keeps_the_layer_kinds_and_their_values()
    {
        var model = new Mlp(new Dense(Inputs, Hidden, seed: 1), Middle("BatchNorm"), new LeakyReLU(0.07f), Middle("LayerNorm"), new GELU(true), new Dense(Hidden, Outputs, seed: 2));
        Mlp imported = OnnxImporter.Import(new MemoryStream(ExportToBytes(model)));

        imported.Layers.Select(l => l.ToString()).Should().Equal(model.Layers.Select(l => l.ToString()));
        for (int k = 0; k < model.Layers.Count; k++)
            if (model.Layers[k] is ISerializableLayer original)
            {
                var copy = (ISerializableLayer)imported.Layers[k];
                copy.State.Select(t => t.Name).Should().Equal(original.State.Select(t => t.Name));
                for (int t = 0; t < original.State.Count; t++)
                    copy.State[t].Value.ToColumnMajorArray().Should().Equal(original.State[t].Value.ToColumnMajorArray());
            }
        ((BatchNorm)imported.Layers[1]).Momentum.Should().Be(0.2f, "NeuralNet's exporter writes its own momentum");
    }

    [Fact]
    public void A_network_of_identities_imports_as_an_identity()
    {
        var model = new Mlp(new Identity(), new Dropout(0.5f));
        Mlp imported = OnnxImporter.Import(new MemoryStream(ExportToBytes(model)));
        Matrix<float> x = Uniform(3, 4, seed: 1, scale: 2f);
        ShouldBeBitIdentical(imported.Predict(x), x);
    }

    // ---- Hand-built graphs, against ONNX Runtime on the same bytes ----

    private static readonly float[] W = Values(Inputs * Outputs, 21), B = Values(Outputs, 22);

    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => 2f * (float)random.NextDouble() - 1f).ToArray();
    }

    private static float[] Transposed(float[] rowMajor, int rows, int columns)
    {
        var t = new float[rowMajor.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                t[j * rows + i] = rowMajor[i * columns + j];
        return t;
    }

    private static Matrix<float> RunOrt(byte[] model, Matrix<float> x)
    {
        using var session = new InferenceSession(model);
        using var input = OrtValue.CreateTensorValueFromMemory(x.ToRowMajorArray(), [x.RowCount, x.ColumnCount]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["x"], [input], ["y"]);
        long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
        return Matrix<float>.Build.DenseOfRowMajor((int)shape[0], (int)shape[1], outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    private static void ShouldMatchOnnxRuntime(byte[] model, int inputs = Inputs)
    {
        Mlp imported = OnnxImporter.Import(new MemoryStream(model));
        Matrix<float> x = Uniform(9, inputs, seed: 30, scale: 2.5f);
        Matrix<float> expected = RunOrt(model, x);
        WorstMismatch(imported.Predict(x), expected).Should().BeLessThanOrEqualTo(1.0, "the import computes what ONNX Runtime computes");
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void MatMul_with_and_without_Add_becomes_Dense(bool biasFirst, bool withAdd)
    {
        var graph = new OnnxGraphBuilder(Inputs).Raw("W", Transposed(W, Outputs, Inputs), Inputs, Outputs).Raw("b", B, 1, Outputs);
        if (withAdd)
            graph.Node("MatMul", ["x", "W"], "m").Node("Add", biasFirst ? ["b", "m"] : ["m", "b"], "z");
        else
            graph.Node("MatMul", ["x", "W"], "z");
        graph.Node("Tanh", ["z"], "y");
        byte[] bytes = graph.Bytes(Outputs);

        ShouldMatchOnnxRuntime(bytes);
        var dense = (Dense)OnnxImporter.Import(new MemoryStream(bytes)).Layers[0];
        dense.Weights.Value.ToRowMajorArray().Should().Equal(W, "MatMul's B is Wᵀ");
        dense.Bias.Value.ToColumnMajorArray().Should().Equal(withAdd ? B : new float[Outputs]);
    }

    [Theory]
    [InlineData(0, 0.5f, 2f, false)]
    [InlineData(1, 1.5f, -0.5f, true)]
    [InlineData(0, 1f, 1f, true)]
    public void Gemm_with_either_transB_alpha_beta_and_float_or_raw_data_becomes_Dense(int transB, float alpha, float beta, bool raw)
    {
        var graph = new OnnxGraphBuilder(Inputs);
        float[] bValues = transB == 1 ? W : Transposed(W, Outputs, Inputs);
        long[] bDims = transB == 1 ? [Outputs, Inputs] : [Inputs, Outputs];
        if (raw) graph.Raw("B", bValues, bDims).Raw("C", B, Outputs);
        else graph.Floats("B", bValues, bDims).Floats("C", B, 1, Outputs);
        graph.Node("Gemm", ["x", "B", "C"], "y", Float("alpha", alpha), Float("beta", beta), Int("transB", transB));

        byte[] bytes = graph.Bytes(Outputs);
        ShouldMatchOnnxRuntime(bytes);
        // Independent closed form in double: y = alpha·x·Wᵀ + beta·b.
        Matrix<float> x = Uniform(4, Inputs, seed: 8, scale: 2f);
        Matrix<float> y = OnnxImporter.Import(new MemoryStream(bytes)).Predict(x);
        for (int n = 0; n < 4; n++)
            for (int o = 0; o < Outputs; o++)
            {
                double z = beta * (double)B[o];
                for (int i = 0; i < Inputs; i++) z += alpha * (double)W[o * Inputs + i] * x[n, i];
                ((double)y[n, o]).Should().BeApproximately(z, 1e-5 * Math.Abs(z) + 1e-6);
            }
    }

    [Fact]
    public void Weights_listed_as_graph_inputs_with_initializers_are_constants()
    {
        byte[] bytes = new OnnxGraphBuilder(Inputs)
            .Raw("W", W, Outputs, Inputs).Raw("b", B, Outputs).AlsoInput("W", Outputs, Inputs).AlsoInput("b", Outputs)
            .Node("Gemm", ["x", "W", "b"], "z", Int("transB", 1)).Node("Relu", ["z"], "y").Bytes(Outputs);
        ShouldMatchOnnxRuntime(bytes);
    }

    [Fact]
    public void Clip_with_bounds_as_attributes_opset_6_becomes_HardTanh()
    {
        byte[] bytes = new OnnxGraphBuilder(Inputs, opset: 6)
            .Node("Clip", ["x"], "y", Float("min", -1f), Float("max", 1f)).Bytes(Inputs);
        Mlp imported = OnnxImporter.Import(new MemoryStream(bytes));
        imported.Layers.Should().ContainSingle().Which.Should().BeOfType<HardTanh>();
        Matrix<float> x = Uniform(6, Inputs, seed: 2, scale: 3f);
        imported.Predict(x).ToColumnMajorArray().Should().Equal(x.ToColumnMajorArray().Select(v => Math.Clamp(v, -1f, 1f)));
    }

    [Fact]
    public void Clip_with_bounds_as_inputs_becomes_HardTanh()
    {
        byte[] bytes = new OnnxGraphBuilder(Inputs).Raw("lo", [-1f]).Raw("hi", [1f])
            .Node("Clip", ["x", "lo", "hi"], "y").Bytes(Inputs);
        ShouldMatchOnnxRuntime(bytes);
        OnnxImporter.Import(new MemoryStream(bytes)).Layers.Should().ContainSingle().Which.Should().BeOfType<HardTanh>();
    }

    [Fact]
    public void The_scikit_learn_binary_tail_becomes_two_softmax_units()
    {
        float[] w = Values(Inputs, 40);
        byte[] bytes = new OnnxGraphBuilder(Inputs).Raw("W", w, Inputs, 1).Raw("b", [0.3f], 1, 1).Floats("unity", [1f])
            .Node("MatMul", ["x", "W"], "m").Node("Add", ["m", "b"], "z").Node("Sigmoid", ["z"], "p")
            .Node("Sub", ["unity", "p"], "q").Node("Concat", ["q", "p"], "y", Int("axis", 1)).Bytes(2);
        ShouldMatchOnnxRuntime(bytes);

        Mlp imported = OnnxImporter.Import(new MemoryStream(bytes));
        imported.Layers.Select(l => l.GetType()).Should().Equal(typeof(Dense), typeof(Softmax));
        Matrix<float> x = Uniform(5, Inputs, seed: 41, scale: 2f);
        Matrix<float> y = imported.Predict(x);
        for (int n = 0; n < 5; n++)
        {
            double z = 0.3;
            for (int i = 0; i < Inputs; i++) z += (double)w[i] * x[n, i];
            double p = 1 / (1 + Math.Exp(-z));
            ((double)y[n, 0]).Should().BeApproximately(1 - p, 1e-6);
            ((double)y[n, 1]).Should().BeApproximately(p, 1e-6);
        }
    }

    // ---- What cannot be mapped ----

    public static TheoryData<string, string, string> UnsupportedGraphs() => new()
    {
        { "Conv", "Conv_0", "Conv" },
        { "unknown", "Frobnicate_0", "Frobnicate" },
        { "two branches", "Relu_0", "Relu" },
        { "Softmax axis 0", "Softmax_0", "Softmax" },
        { "Clip(0, 6)", "Clip_0", "Clip" },
        { "Gemm transA", "Gemm_0", "Gemm" },
        { "GELU constant", "Mul_4", "Mul" },
    };

    private static byte[] Unsupported(string what) => what switch
    {
        "Conv" => new OnnxGraphBuilder(Inputs).Raw("k", Values(3, 1), 1, 1, 3).Node("Conv", ["x", "k"], "y").Bytes(Inputs),
        "unknown" => new OnnxGraphBuilder(Inputs).Node("Frobnicate", ["x"], "y").Bytes(Inputs),
        "two branches" => new OnnxGraphBuilder(Inputs).Node("Relu", ["x"], "a").Node("Tanh", ["x"], "b").Node("Add", ["a", "b"], "y").Bytes(Inputs),
        "Softmax axis 0" => new OnnxGraphBuilder(Inputs).Node("Softmax", ["x"], "y", Int("axis", 0)).Bytes(Inputs),
        "Clip(0, 6)" => new OnnxGraphBuilder(Inputs).Raw("lo", [0f]).Raw("hi", [6f]).Node("Clip", ["x", "lo", "hi"], "y").Bytes(Inputs),
        "Gemm transA" => new OnnxGraphBuilder(Inputs).Raw("B", W, Inputs, Outputs).Node("Gemm", ["x", "B"], "y", Int("transA", 1)).Bytes(Outputs),
        "GELU constant" => new OnnxGraphBuilder(Inputs).Raw("s", [MathF.Sqrt(2f)]).Raw("one", [1f]).Raw("half", [0.6f])
            .Node("Div", ["x", "s"], "a").Node("Erf", ["a"], "e").Node("Add", ["e", "one"], "f").Node("Mul", ["x", "f"], "g")
            .Node("Mul", ["g", "half"], "y").Bytes(Inputs),
        _ => throw new ArgumentOutOfRangeException(nameof(what)),
    };

    [Theory]
    [MemberData(nameof(UnsupportedGraphs))]
    public void What_cannot_be_mapped_throws_NotSupported_naming_the_node_and_its_operator(string what, string node, string op)
    {
        Action import = () => OnnxImporter.Import(new MemoryStream(Unsupported(what)));
        import.Should().Throw<NotSupportedException>().Which.Message.Should().Contain($"'{node}'").And.Contain($"({op})");
    }

    [Fact]
    public void An_int64_input_throws_NotSupported_naming_the_input()
    {
        byte[] bytes = new OnnxGraphBuilder(Inputs, elemType: (int)TensorProto.Types.DataType.Int64).Node("Relu", ["x"], "y").Bytes(Inputs);
        Action import = () => OnnxImporter.Import(new MemoryStream(bytes));
        import.Should().Throw<NotSupportedException>().WithMessage("*'x'*int64*float32*");
    }

    [Fact]
    public void Raw_data_shorter_than_its_dims_is_invalid_data()
    {
        byte[] bytes = new OnnxGraphBuilder(Inputs).Raw("W", W[..^1], Outputs, Inputs).Node("Gemm", ["x", "W"], "y", Int("transB", 1)).Bytes(Outputs);
        Action import = () => OnnxImporter.Import(new MemoryStream(bytes));
        import.Should().Throw<InvalidDataException>().WithMessage("*'W'*raw_data*");
    }

    [Fact]
    public void External_data_is_not_supported()
    {
        ModelProto model = new OnnxGraphBuilder(Inputs).Raw("W", W, Outputs, Inputs).Node("Gemm", ["x", "W"], "y", Int("transB", 1)).Model(Outputs);
        model.Graph.Initializer[0].RawData = Google.Protobuf.ByteString.Empty;
        model.Graph.Initializer[0].DataLocation = TensorProto.Types.DataLocation.External;
        Action import = () => OnnxImporter.Import(new MemoryStream(Google.Protobuf.MessageExtensions.ToByteArray(model)));
        import.Should().Throw<NotSupportedException>().WithMessage("*'W'*external*");
    }

    [Fact]
    public void A_protobuf_that_is_not_an_ONNX_model_is_invalid_data()
    {
        Action empty = () => OnnxImporter.Import(new MemoryStream([]));
        empty.Should().Throw<InvalidDataException>().WithMessage("*no ONNX graph*");
        Action noNodes = () => OnnxImporter.Import(new MemoryStream(Google.Protobuf.MessageExtensions.ToByteArray(new ModelProto { Graph = new GraphProto() })));
        noNodes.Should().Throw<InvalidDataException>().WithMessage("*no nodes*");
    }
}
