using Google.Protobuf;
using NeuralNet.Layers;
using NeuralNet.Onnx.Protobuf;

namespace NeuralNet.Onnx.Tests;

/// <summary>The structure of the exported file, read back with the ONNX message types.</summary>
public class OnnxGraphTests
{
    private static ModelProto Read(Mlp model) => ModelProto.Parser.ParseFrom(OnnxRuntimeHarness.ExportToBytes(model));

    [Fact]
    public void Layers_map_to_the_documented_operators_and_identity_to_nothing()
    {
        var model = new Mlp(new Dense(3, 4, seed: 1), new ReLU(), new Identity(), new Dense(4, 4, seed: 2), new HardTanh(),
            new Sigmoid(), new Tanh(), new Softplus(), new Dense(4, 2, seed: 3), new Softmax());

        GraphProto graph = Read(model).Graph;

        graph.Node.Select(node => node.OpType).Should().Equal(
            "Gemm", "Relu", "Gemm", "Clip", "Sigmoid", "Tanh", "Softplus", "Gemm", "Softmax");
        graph.Node[0].Input.Should().Equal("input", "layer0.weights", "layer0.bias");
        graph.Node[^1].Output.Should().Equal("output");
        for (int k = 1; k < graph.Node.Count; k++)
            graph.Node[k].Input[0].Should().Be(graph.Node[k - 1].Output[0], "each node reads the previous node's output");
        graph.Node.Where(node => node.OpType == "Gemm")
            .Should().OnlyContain(node => node.Attribute.Single(a => a.Name == "transB").I == 1);
        graph.Node.Single(node => node.OpType == "Softmax").Attribute.Single(a => a.Name == "axis").I.Should().Be(-1);
        graph.Node.Single(node => node.OpType == "Clip").Attribute.Should().BeEmpty("opset 13 takes Clip's bounds as inputs");
    }

    [Fact]
    public void Weights_are_stored_row_major_as_outputs_by_inputs_and_bias_as_a_vector()
    {
        var dense = new Dense(3, 2, seed: 1);
        dense.Bias.Value[0, 0] = 0.25f;
        dense.Bias.Value[1, 0] = -0.5f;
        GraphProto graph = Read(new Mlp(dense)).Graph;

        TensorProto weights = graph.Initializer.Single(t => t.Name == "layer0.weights");
        weights.Dims.Should().Equal(2, 3);
        weights.DataType.Should().Be((int)TensorProto.Types.DataType.Float);
        float[] stored = Floats(weights.RawData);
        float[] expected = [.. Enumerable.Range(0, 6).Select(k => dense.Weights.Value[k / 3, k % 3])];
        stored.Should().Equal(expected);

        TensorProto bias = graph.Initializer.Single(t => t.Name == "layer0.bias");
        bias.Dims.Should().Equal(2);
        Floats(bias.RawData).Should().Equal(0.25f, -0.5f);
    }

    [Fact]
    public void Model_declares_opset_13_the_producer_and_its_version()
    {
        ModelProto model = Read(new Mlp(new Dense(2, 2, seed: 1)));

        model.OpsetImport.Should().ContainSingle().Which.Version.Should().Be(13);
        model.IrVersion.Should().Be(7);
        model.ProducerName.Should().Be("NeuralNet");
        model.ProducerVersion.Should().Be(typeof(Mlp).Assembly.GetName().Version!.ToString(3));
    }

    private static float[] Floats(ByteString bytes)
    {
        byte[] raw = bytes.ToByteArray();
        return [.. Enumerable.Range(0, raw.Length / 4).Select(k => BitConverter.ToSingle(raw, 4 * k))];
    }
}
