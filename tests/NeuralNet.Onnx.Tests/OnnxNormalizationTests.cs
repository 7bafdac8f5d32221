using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML.OnnxRuntime;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Onnx.Protobuf;
using NeuralNet.Optimizers;
using static NeuralNet.Onnx.Tests.OnnxRuntimeHarness;

namespace NeuralNet.Onnx.Tests;

public class OnnxNormalizationTests
{
    private const int Inputs = 7, Hidden = 16, Outputs = 3;

    public static TheoryData<string, int> NetworksAndBatchSizes()
    {
        var data = new TheoryData<string, int>();
        foreach (string network in new[] { "BatchNorm", "LayerNorm", "Dropout" })
            foreach (int batch in new[] { 1, 5, 64 })
                data.Add(network, batch);
        return data;
    }

    /// <summary>Dense → BatchNorm → ReLU → Dense, Dense → LayerNorm → Dense or Dense → Dropout → Dense, trained a few steps.</summary>
    private static Mlp Trained(string network)
    {
        ILayer middle = network switch
        {
            "BatchNorm" => new BatchNorm(Hidden, momentum: 0.3f),
            "LayerNorm" => new LayerNorm(Hidden),
            "Dropout" => new Dropout(0.3f, seed: 5),
            _ => throw new ArgumentOutOfRangeException(nameof(network), network, null),
        };
        Mlp model = network == "BatchNorm"
            // Glorot named: the statistics these tests expect to move come from this draw.
            ? new(new Dense(Inputs, Hidden, WeightInitialization.Glorot, seed: 1), middle, new ReLU(), new Dense(Hidden, Outputs, seed: 2))
            : new(new Dense(Inputs, Hidden, seed: 1), middle, new Dense(Hidden, Outputs, seed: 2));
        // Inputs with an offset, so that the running mean moves far from 0 and γ, β from 1, 0.
        var optimizer = new Sgd(0.02f);
        for (int step = 0; step < 10; step++)
        {
            Matrix<float> x = Uniform(32, Inputs, seed: step, scale: 2f) + 1.5f;
            Matrix<float> y = Uniform(32, Outputs, seed: 100 + step, scale: 1f);
            model.ComputeGradients(x, y, new MeanSquaredErrorLoss());
            optimizer.Step(model.Parameters);
        }
        model.Parameters.SelectMany(p => p.Value.Enumerate()).Should().OnlyContain(v => float.IsFinite(v), "training stayed finite");
        return model;
    }

    [Theory]
    [MemberData(nameof(NetworksAndBatchSizes))]
    public void A_trained_network_answers_as_Predict_for_any_batch_size(string network, int batch)
    {
        Mlp model = Trained(network);
        using InferenceSession session = Session(model);

        ShouldAnswerAsPredict(session, model, Uniform(batch, Inputs, seed: 200 + batch, scale: 3f) + 1f);
    }

    [Fact]
    public void Training_moved_the_statistics_and_parameters_that_are_exported()
    {
        var batchNorm = (BatchNorm)Trained("BatchNorm").Layers[1];
        batchNorm.RunningMean.Enumerate().Should().OnlyContain(v => Math.Abs(v) > 1e-3f);
        batchNorm.RunningVariance.Enumerate().Should().OnlyContain(v => Math.Abs(v - 1f) > 1e-3f);
        batchNorm.Weight.Value.Enumerate().Should().Contain(v => v != 1f);
        batchNorm.Bias.Value.Enumerate().Should().Contain(v => v != 0f);
        var layerNorm = (LayerNorm)Trained("LayerNorm").Layers[1];
        layerNorm.Weight.Value.Enumerate().Should().Contain(v => v != 1f);
        layerNorm.Bias.Value.Enumerate().Should().Contain(v => v != 0f);
    }

    [Fact]
    public void BatchNorm_becomes_BatchNormalization_with_its_running_statistics()
    {
        Mlp model = Trained("BatchNorm");
        var norm = (BatchNorm)model.Layers[1];
        ModelProto proto = ModelProto.Parser.ParseFrom(ExportToBytes(model));

        proto.Graph.Node.Select(n => n.OpType).Should().Equal("Gemm", "BatchNormalization", "Relu", "Gemm");
        NodeProto node = proto.Graph.Node[1];
        node.Input.Should().Equal("layer0", "layer1.weight", "layer1.bias", "layer1.running_mean", "layer1.running_var");
        node.Output.Should().HaveCount(1, "the inference form has one output");
        node.Attribute.Single(a => a.Name == "epsilon").F.Should().Be(norm.Epsilon);
        Floats(proto, "layer1.running_mean").Should().Equal(norm.RunningMean.ToColumnMajorArray());
        Floats(proto, "layer1.running_var").Should().Equal(norm.RunningVariance.ToColumnMajorArray());
    }

    private static float[] Floats(ModelProto proto, string name)
    {
        byte[] raw = proto.Graph.Initializer.Single(t => t.Name == name).RawData.ToByteArray();
        return Enumerable.Range(0, raw.Length / 4).Select(k => BitConverter.ToSingle(raw, 4 * k)).ToArray();
    }

    [Fact]
    public void LayerNorm_is_written_decomposed_at_opset_13_and_Dropout_not_at_all()
    {
        ModelProto layerNorm = ModelProto.Parser.ParseFrom(ExportToBytes(Trained("LayerNorm")));
        layerNorm.OpsetImport.Single().Version.Should().Be(13);
        layerNorm.Graph.Node.Select(n => n.OpType).Should().Equal(
            "Gemm", "ReduceMean", "Sub", "Mul", "ReduceMean", "Add", "Sqrt", "Div", "Mul", "Add", "Gemm");
        layerNorm.Graph.Node.Select(n => n.Name).Should().OnlyHaveUniqueItems();
        layerNorm.Graph.Node.Where(n => n.OpType == "ReduceMean")
            .Should().AllSatisfy(n => n.Attribute.Single(a => a.Name == "axes").Ints.Should().Equal(-1));

        ModelProto dropout = ModelProto.Parser.ParseFrom(ExportToBytes(Trained("Dropout")));
        dropout.Graph.Node.Select(n => n.OpType).Should().Equal("Gemm", "Gemm");
    }

    [Fact]
    public void A_LayerNorm_last_writes_the_graph_output()
    {
        var norm = new LayerNorm(Inputs);
        TestValues(norm.Weight.Value, 1);
        TestValues(norm.Bias.Value, 2);
        Mlp model = new(norm);
        using InferenceSession session = Session(model);
        ShouldAnswerAsPredict(session, model, Uniform(9, Inputs, seed: 3, scale: 4f));

        static void TestValues(Matrix<float> m, int seed) => Uniform(m.RowCount, 1, seed, scale: 1f).CopyTo(m);
    }
}
