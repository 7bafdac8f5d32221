using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Onnx.Tests;

/// <summary>
/// Files written by the real exporters (torch.onnx.export of PyTorch 1.13, skl2onnx), with the producer's own outputs:
/// every accepted one imports, from a path and from a stream, and predicts them within 1e-5 relative (+ 1e-6 absolute);
/// every rejected one throws NotSupportedException.
/// </summary>
public class RealExporterFixtureTests
{
    private const double Relative = 1e-5, Absolute = 1e-6;

    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "fixtures", "onnx");

    private static JsonElement[] Index()
    {
        using JsonDocument index = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "index.json")));
        return index.RootElement.GetProperty("fixtures").EnumerateArray().Select(f => f.Clone()).ToArray();
    }

    public static TheoryData<string> Accepted() => [.. Index().Where(f => f.GetProperty("importer").GetString() == "accept").Select(f => f.GetProperty("file").GetString()!)];

    public static TheoryData<string> Rejected() => [.. Index().Where(f => f.GetProperty("importer").GetString() == "reject").Select(f => f.GetProperty("file").GetString()!)];

    [Fact]
    public void The_fixtures_are_there_for_both_producers()
    {
        Accepted().Count.Should().BeGreaterThan(20);
        Rejected().Count.Should().BeGreaterThan(2);
        Index().Select(f => f.GetProperty("file").GetString()!).Should().Contain(f => f.StartsWith("sklearn/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void An_accepted_fixture_predicts_the_producers_outputs_from_a_path_and_a_stream(string file)
    {
        string path = Path.Combine(Root, file);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(path, ".json")));
        JsonElement root = json.RootElement;
        int[] inputShape = root.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        float[] input = root.GetProperty("input").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        double[] expected = root.GetProperty("output").EnumerateArray().SelectMany(Flatten).ToArray();
        Matrix<float> x = Matrix<float>.Build.DenseOfRowMajor(inputShape[0], inputShape[1], input);

        Mlp fromPath = OnnxImporter.Import(path);
        using FileStream stream = File.OpenRead(path);
        Mlp fromStream = OnnxImporter.Import(stream);

        foreach (Mlp model in new[] { fromPath, fromStream })
        {
            Matrix<float> y = model.Predict(x);
            y.RowCount.Should().Be(inputShape[0]);
            float[] actual = y.ToRowMajorArray();
            actual.Should().HaveCount(expected.Length, $"{file}: {model} writes the producer's output shape");
            for (int k = 0; k < expected.Length; k++)
                Math.Abs(actual[k] - expected[k]).Should().BeLessThanOrEqualTo(Relative * Math.Abs(expected[k]) + Absolute,
                    $"{file}: output {k} of {model} is {actual[k]}, the producer's {expected[k]}");
        }
    }

    [Theory]
    [InlineData("pytorch/act_gelu_op13.onnx", "Dense(6 → 8)|GELU(exact)|Dense(8 → 3)")]
    [InlineData("pytorch/act_gelu_tanh_op13.onnx", "Dense(6 → 8)|GELU(tanh)|Dense(8 → 3)")]
    [InlineData("pytorch/act_silu_op13.onnx", "Dense(6 → 8)|SiLU|Dense(8 → 3)")]
    [InlineData("pytorch/layernorm_op11.onnx", "Dense(6 → 8)|LayerNorm|ReLU|Dense(8 → 3)")]
    [InlineData("pytorch/layernorm_op17.onnx", "Dense(6 → 8)|LayerNorm|ReLU|Dense(8 → 3)")]
    [InlineData("pytorch/act_hardtanh_op13.onnx", "Dense(6 → 8)|HardTanh|Dense(8 → 3)")]
    public void Decompositions_and_operators_become_the_layers_they_stand_for(string file, string layers)
    {
        Mlp model = OnnxImporter.Import(Path.Combine(Root, file));
        string[] expected = layers.Split('|');
        model.Layers.Should().HaveCount(expected.Length);
        for (int k = 0; k < expected.Length; k++)
            if (expected[k].StartsWith("GELU", StringComparison.Ordinal)) model.Layers[k].ToString().Should().Be(expected[k], "the form decides the layer");
            else (model.Layers[k].ToString() ?? "").Should().StartWith(expected[k].Split('(')[0], $"layer {k} of {model}");
    }

    [Fact]
    public void Torchs_BatchNorm_momentum_in_ONNX_convention_becomes_its_own()
    {
        Mlp model = OnnxImporter.Import(Path.Combine(Root, "pytorch/batchnorm_op13.onnx"));
        model.Layers.OfType<NeuralNet.Layers.BatchNorm>().Should().ContainSingle()
            .Which.Momentum.Should().Be(0.1f, "torch writes ONNX's 0.9 for its default 0.1");
    }

    private static IEnumerable<double> Flatten(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().SelectMany(Flatten) : [element.GetDouble()];

    [Theory]
    [MemberData(nameof(Rejected))]
    public void A_rejected_fixture_throws_NotSupported(string file)
    {
        Action import = () => OnnxImporter.Import(Path.Combine(Root, file));
        string message = import.Should().Throw<NotSupportedException>().Which.Message;
        message.Should().Match(m => m.Contains("node ", StringComparison.Ordinal) || m.Contains("input", StringComparison.Ordinal), "the message names the node or the input it cannot map");
    }
}
