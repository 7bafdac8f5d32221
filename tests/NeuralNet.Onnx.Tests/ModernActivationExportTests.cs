using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using NeuralNet.Layers;
using NeuralNet.Onnx.Protobuf;
using static NeuralNet.Onnx.Tests.OnnxRuntimeHarness;

namespace NeuralNet.Onnx.Tests;

/// <summary>LeakyReLU, ELU, GELU (both forms) and SiLU through ONNX Runtime, against <see cref="Mlp.Predict"/>.</summary>
public class ModernActivationExportTests
{
    private const int Inputs = 7, Hidden = 16, Outputs = 3;

    private static ILayer Make(string name) => name switch
    {
        "LeakyReLU" => new LeakyReLU(),
        "LeakyReLU(0.2)" => new LeakyReLU(0.2f),
        "ELU" => new ELU(),
        "ELU(0.5)" => new ELU(0.5f),
        "GELU" => new GELU(),
        "GELU(tanh)" => new GELU(tanhApproximation: true),
        "SiLU" => new SiLU(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public static TheoryData<string, int> ActivationsAndBatchSizes()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in new[] { "LeakyReLU", "LeakyReLU(0.2)", "ELU", "ELU(0.5)", "GELU", "GELU(tanh)", "SiLU" })
            foreach (int batch in new[] { 1, 5, 64 })
                data.Add(name, batch);
        return data;
    }

    [Theory, MemberData(nameof(ActivationsAndBatchSizes))]
    public void Dense_activation_Dense_answers_as_Predict(string name, int batch)
    {
        Mlp model = new(new Dense(Inputs, Hidden, seed: 11), Make(name), new Dense(Hidden, Outputs, seed: 12));
        using InferenceSession session = Session(model);

        // Scale 3 puts pre-activations on both sides of 0 and into the tails.
        ShouldAnswerAsPredict(session, model, Uniform(batch, Inputs, seed: batch, scale: 3f));
    }

    [Theory, MemberData(nameof(ActivationsAndBatchSizes))]
    public void As_hidden_and_output_unit_the_activation_answers_as_Predict(string name, int batch)
    {
        Mlp model = new(new Dense(Inputs, Hidden, seed: 21), Make(name), new Dense(Hidden, Outputs, seed: 22), Make(name));
        using InferenceSession session = Session(model);

        ShouldAnswerAsPredict(session, model, Uniform(batch, Inputs, seed: 50 + batch, scale: 3f));
    }

    [Fact]
    public void The_comparison_detects_the_wrong_GELU_form()
    {
        // The two GELU forms differ by up to about 5e-4: the harness must tell them apart, or it proves nothing.
        Mlp exact = new(new Dense(Inputs, Hidden, seed: 31), new GELU(), new Dense(Hidden, Outputs, seed: 32));
        Mlp tanh = new(new Dense(Inputs, Hidden, seed: 31), new GELU(tanhApproximation: true), new Dense(Hidden, Outputs, seed: 32));
        using InferenceSession session = Session(exact);
        var input = Uniform(64, Inputs, seed: 7, scale: 3f);

        WorstMismatch(Run(session, input), exact.Predict(input)).Should().BeLessThanOrEqualTo(1.0);
        WorstMismatch(Run(session, input), tanh.Predict(input)).Should().BeGreaterThan(1.0);
    }

    [Fact]
    public void Operators_and_attributes_are_the_documented_ones()
    {
        var model = new Mlp(new Dense(3, 4, seed: 1), new LeakyReLU(0.2f), new ELU(0.5f), new GELU(), new GELU(true), new SiLU());
        GraphProto graph = ModelProto.Parser.ParseFrom(ExportToBytes(model)).Graph;

        graph.Node.Select(node => node.OpType).Should().Equal(
            "Gemm", "LeakyRelu", "Elu",
            "Div", "Erf", "Add", "Mul", "Mul",
            "Mul", "Mul", "Mul", "Add", "Mul", "Tanh", "Add", "Mul", "Mul",
            "Sigmoid", "Mul");
        graph.Node[1].Attribute.Single(a => a.Name == "alpha").F.Should().Be(0.2f);
        graph.Node[2].Attribute.Single(a => a.Name == "alpha").F.Should().Be(0.5f);
        graph.Node.Select(node => node.Name).Should().OnlyHaveUniqueItems();
        graph.Initializer.Select(tensor => tensor.Name).Should().OnlyHaveUniqueItems("the GELUs share their constants");
        graph.Node[^1].Output.Should().Equal("output");
        graph.Node[^1].Input.Should().Equal(new[] { graph.Node[^2].Input[0], graph.Node[^2].Output[0] }, "SiLU is x·σ(x)");
    }

    [Fact]
    public void The_unsupported_message_lists_the_new_activations()
    {
        var model = new Mlp(new Dense(2, 2, seed: 1), new Unknown());
        FluentActions.Invoking(() => OnnxExporter.Export(model, new MemoryStream())).Should().Throw<ArgumentException>()
            .WithMessage("*LeakyReLU, ELU, GELU, SiLU*");
    }

    private sealed class Unknown : ILayer
    {
        public IReadOnlyList<Parameter> Parameters => [];
        public MathNet.Numerics.LinearAlgebra.Matrix<float> Forward(MathNet.Numerics.LinearAlgebra.Matrix<float> input) => input;
        public MathNet.Numerics.LinearAlgebra.Matrix<float> Backward(MathNet.Numerics.LinearAlgebra.Matrix<float> outputGradient) => outputGradient;
        public MathNet.Numerics.LinearAlgebra.Matrix<float> Predict(MathNet.Numerics.LinearAlgebra.Matrix<float> input) => input;
    }
}
