using Google.Protobuf;
using NeuralNet.Onnx.Protobuf;

namespace NeuralNet.Onnx.Tests;

/// <summary>Hand-built ONNX graphs for the importer's tests: input "x" float [batch, inputs], output "y".</summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph = new() { Name = "test" };

    internal OnnxGraphBuilder(int inputs, int opset = 13, int elemType = (int)TensorProto.Types.DataType.Float)
    {
        Opset = opset;
        _graph.Input.Add(Value("x", elemType, inputs));
    }

    internal int Opset { get; }

    internal OnnxGraphBuilder Raw(string name, float[] values, params long[] dims)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        var tensor = new TensorProto { Name = name, DataType = 1, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return this;
    }

    internal OnnxGraphBuilder Floats(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = 1 };
        tensor.FloatData.AddRange(values);
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>Lists an initializer as a graph input too, as torch does with export_params and keep_initializers_as_inputs.</summary>
    internal OnnxGraphBuilder AlsoInput(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        _graph.Input.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } });
        return this;
    }

    internal OnnxGraphBuilder Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{_graph.Node.Count}", Output = { output } };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return this;
    }

    internal static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    internal static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    internal ModelProto Model(int outputs)
    {
        var graph = _graph.Clone();
        graph.Output.Add(Value("y", 1, outputs));
        return new ModelProto { IrVersion = 7, ProducerName = "tests", Graph = graph, OpsetImport = { new OperatorSetIdProto { Version = Opset } } };
    }

    internal byte[] Bytes(int outputs) => Model(outputs).ToByteArray();

    private static ValueInfoProto Value(string name, int elemType, int width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } };
    }
}
