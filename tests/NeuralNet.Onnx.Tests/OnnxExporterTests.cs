using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML.OnnxRuntime;
using NeuralNet.Layers;
using static NeuralNet.Onnx.Tests.OnnxRuntimeHarness;

namespace NeuralNet.Onnx.Tests;

public class OnnxExporterTests
{
    private const int Inputs = 7, Hidden = 16, Outputs = 3;

    public static TheoryData<string, int> LayerTypesAndBatchSizes()
    {
        var data = new TheoryData<string, int>();
        foreach (string layer in new[] { "Dense", "ReLU", "Sigmoid", "Tanh", "Softplus", "HardTanh", "Softmax", "Identity" })
            foreach (int batch in new[] { 1, 5, 64 })
                data.Add(layer, batch);
        return data;
    }

    /// <summary>Dense → g → Dense → g: the activation both as a hidden and as an output unit.</summary>
    private static Mlp NetworkWith(string layer)
    {
        if (layer == "Dense") return new Mlp(new Dense(Inputs, Outputs, seed: 11));
        ILayer Make() => layer switch
        {
            "ReLU" => new ReLU(),
            "Sigmoid" => new Sigmoid(),
            "Tanh" => new Tanh(),
            "Softplus" => new Softplus(),
            "HardTanh" => new HardTanh(),
            "Softmax" => new Softmax(),
            "Identity" => new Identity(),
            _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, null),
        };
        return new Mlp(new Dense(Inputs, Hidden, seed: 11), Make(), new Dense(Hidden, Outputs, seed: 12), Make());
    }

    [Theory]
    [MemberData(nameof(LayerTypesAndBatchSizes))]
    public void Every_layer_type_answers_as_Predict_for_any_batch_size(string layer, int batch)
    {
        Mlp model = NetworkWith(layer);
        using InferenceSession session = Session(model);

        // Scale 3 drives units past ReLU's kink and HardTanh's bounds on both sides.
        ShouldAnswerAsPredict(session, model, Uniform(batch, Inputs, seed: batch, scale: 3f));
    }

    [Fact]
    public void One_session_serves_batches_of_different_sizes()
    {
        Mlp model = new(new Dense(Inputs, Hidden, seed: 1), new ReLU(), new Dense(Hidden, Hidden, seed: 2), new Tanh(),
            new Dense(Hidden, Hidden, seed: 3), new Softplus(), new Identity(), new Dense(Hidden, Hidden, seed: 4), new HardTanh(),
            new Dense(Hidden, Hidden, seed: 5), new Sigmoid(), new Dense(Hidden, Outputs, seed: 6), new Softmax());
        using InferenceSession session = Session(model);

        foreach (int batch in new[] { 1, 5, 64, 3 })
            ShouldAnswerAsPredict(session, model, Uniform(batch, Inputs, seed: 100 + batch, scale: 2f));
    }

    [Theory]
    [InlineData("Identity")]
    [InlineData("Identity Identity")]
    [InlineData("ReLU")]
    [InlineData("Softmax")]
    [InlineData("Identity HardTanh Identity")]
    public void A_network_without_dense_layers_takes_any_width(string layers)
    {
        ILayer[] chain = layers.Split(' ').Select(name => name switch
        {
            "Identity" => (ILayer)new Identity(),
            "ReLU" => new ReLU(),
            "Softmax" => new Softmax(),
            "HardTanh" => new HardTanh(),
            _ => throw new ArgumentOutOfRangeException(nameof(layers), name, null),
        }).ToArray();
        var model = new Mlp(chain);
        using InferenceSession session = Session(model);

        session.InputMetadata["input"].SymbolicDimensions.Should().Equal("batch", "features");
        ShouldAnswerAsPredict(session, model, Uniform(4, 6, seed: 1, scale: 3f));
        ShouldAnswerAsPredict(session, model, Uniform(9, 2, seed: 2, scale: 3f));
    }

    [Fact]
    public void Large_logits_and_saturated_units_agree()
    {
        // Inputs of ±30 through a wide layer: logits in the hundreds, sigmoid and tanh saturated, softplus linear.
        Mlp model = new(new Dense(Inputs, Hidden, seed: 21), new Softplus(), new Dense(Hidden, Outputs, seed: 22), new Softmax());
        using InferenceSession session = Session(model);

        ShouldAnswerAsPredict(session, model, Uniform(16, Inputs, seed: 3, scale: 30f));
    }

    [Fact]
    public void The_comparison_detects_a_model_changed_after_export()
    {
        // The oracle is Predict, not the exporter: a weight changed after export must show up as a mismatch.
        var first = new Dense(Inputs, Hidden, seed: 31);
        Mlp model = new(first, new Tanh(), new Dense(Hidden, Outputs, seed: 32));
        using InferenceSession session = Session(model);
        Matrix<float> input = Uniform(8, Inputs, seed: 4, scale: 1f);
        WorstMismatch(Run(session, input), model.Predict(input)).Should().BeLessThanOrEqualTo(1.0);

        first.Weights.Value[2, 5] += 1e-3f;

        WorstMismatch(Run(session, input), model.Predict(input)).Should().BeGreaterThan(1.0);
    }

    [Fact]
    public void Session_metadata_names_input_and_output_with_a_dynamic_batch()
    {
        using InferenceSession session = Session(NetworkWith("Tanh"));

        session.InputMetadata.Keys.Should().Equal("input");
        NodeMetadata input = session.InputMetadata["input"];
        input.ElementType.Should().Be(typeof(float));
        input.Dimensions.Should().Equal(-1, Inputs);
        input.SymbolicDimensions[0].Should().Be("batch");

        session.OutputMetadata.Keys.Should().Equal("output");
        NodeMetadata output = session.OutputMetadata["output"];
        output.ElementType.Should().Be(typeof(float));
        output.Dimensions.Should().Equal(-1, Outputs);
        output.SymbolicDimensions[0].Should().Be("batch");

        session.ModelMetadata.ProducerName.Should().Be("NeuralNet");
    }

    [Fact]
    public void Unsupported_layer_names_the_layer_and_its_index_and_writes_nothing()
    {
        var model = new Mlp(new Dense(Inputs, Hidden, seed: 1), new Doubling(), new Dense(Hidden, Outputs, seed: 2));
        using var stream = new MemoryStream();

        Action export = () => OnnxExporter.Export(model, stream);

        export.Should().Throw<ArgumentException>()
            .WithMessage("*Layer 1*Doubling*no ONNX equivalent*")
            .Which.ParamName.Should().Be("model");
        stream.Length.Should().Be(0);
    }

    [Fact]
    public void Unsupported_layer_leaves_an_existing_file_untouched()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("model.onnx");
        File.WriteAllText(path, "previous");
        var model = new Mlp(new Doubling());

        Action export = () => OnnxExporter.Export(model, path);

        export.Should().Throw<ArgumentException>().WithMessage("*Layer 0*Doubling*");
        File.ReadAllText(path).Should().Be("previous");
        Directory.GetFiles(directory.Path).Should().ContainSingle();
    }

    [Fact]
    public void Export_to_a_path_writes_a_file_that_loads_and_replaces_an_old_one()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("model.onnx");
        File.WriteAllText(path, "an older, unrelated file");
        Mlp model = NetworkWith("Sigmoid");

        OnnxExporter.Export(model, path);

        Directory.GetFiles(directory.Path).Should().Equal(path);
        using var session = new InferenceSession(path);
        ShouldAnswerAsPredict(session, model, Uniform(5, Inputs, seed: 5, scale: 2f));
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        Mlp model = NetworkWith("Dense");
        FluentActions.Invoking(() => OnnxExporter.Export(null!, new MemoryStream())).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => OnnxExporter.Export(model, (Stream)null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => OnnxExporter.Export(model, (string)null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => OnnxExporter.Export(model, " ")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => OnnxExporter.Export(model, new MemoryStream([], writable: false)))
            .Should().Throw<ArgumentException>().WithMessage("*not writable*");
    }

    /// <summary>A user-defined layer the exporter cannot know: y = 2x.</summary>
    private sealed class Doubling : ILayer
    {
        public IReadOnlyList<Parameter> Parameters => [];
        public Matrix<float> Forward(Matrix<float> input) => input * 2f;
        public Matrix<float> Backward(Matrix<float> outputGradient) => outputGradient * 2f;
        public Matrix<float> Predict(Matrix<float> input) => input * 2f;
    }
}
