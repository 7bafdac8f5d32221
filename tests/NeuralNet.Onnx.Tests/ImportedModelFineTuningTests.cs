using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML.OnnxRuntime;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;
using static NeuralNet.Onnx.Tests.OnnxRuntimeHarness;

namespace NeuralNet.Onnx.Tests;

/// <summary>
/// The whole interop loop on models PyTorch wrote: import, train further with <see cref="Mlp.Fit"/>, save, load, export
/// again; ONNX Runtime (the oracle for the re-export) answers with the loaded model's <see cref="Mlp.Predict(Matrix{float})"/>.
/// </summary>
public class ImportedModelFineTuningTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "fixtures", "onnx", "pytorch");

    [Theory]
    [InlineData("deep_mlp_dynamic_op17.onnx")]      // BatchNorm, Dropout (gone on import), Softmax: cross-entropy
    [InlineData("deep_mlp_initializers_as_inputs_op11.onnx")]
    [InlineData("layernorm_op11.onnx")]             // LayerNorm from its decomposition: squared error
    [InlineData("batchnorm_op13.onnx")]
    [InlineData("act_gelu_op13.onnx")]
    [InlineData("act_silu_op13.onnx")]
    public void An_imported_PyTorch_model_fine_tunes_saves_loads_and_exports_with_Predicts_answers(string file)
    {
        Mlp model = OnnxImporter.Import(Path.Combine(Root, file));
        bool classifier = model.Layers[^1] is Softmax;
        var (x, y) = Task(rows: 96, classifier);
        ILoss loss = classifier ? new CrossEntropyLoss() : new MeanSquaredErrorLoss();
        Matrix<float>[] before = model.Parameters.Select(p => p.Value.Clone()).ToArray();
        float initialLoss = loss.Loss(model.Predict(x), y);

        TrainingHistory history = model.Fit(x, y, loss, new Adam(learningRate: 0.01f),
            new TrainingOptions { Epochs = 40, BatchSize = 16, Seed = 3 });

        float finalLoss = loss.Loss(model.Predict(x), y);
        finalLoss.Should().BeLessThan(0.7f * initialLoss, $"{file}: fine-tuning fits the new task (history {string.Join(", ", history.Epochs.Select(e => e.TrainingLoss))})");
        model.Parameters.Select((p, k) => (p.Value - before[k]).InfinityNorm()).Should().OnlyContain(change => change > 1e-4,
            "every imported parameter takes part in training");

        using var saved = new MemoryStream();
        model.Save(saved);
        saved.Position = 0;
        Mlp loaded = Mlp.Load(saved);
        Matrix<float> probe = Uniform(33, 6, seed: 9, scale: 2f);
        loaded.Predict(probe).Should().Be(model.Predict(probe), "a saved and loaded model predicts bit for bit");

        using var session = new InferenceSession(ExportToBytes(loaded));
        ShouldAnswerAsPredict(session, loaded, probe);
        ShouldAnswerAsPredict(session, loaded, x);
    }

    /// <summary>Six features; three classes by the largest of three fixed linear scores, or those scores as targets.</summary>
    private static (Matrix<float> X, Matrix<float> Y) Task(int rows, bool classifier)
    {
        Matrix<float> x = Uniform(rows, 6, seed: 5, scale: 2f);
        var mix = Matrix<float>.Build.DenseOfArray(new float[,]
        {
            { 1f, -0.5f, 0f }, { 0f, 1f, -1f }, { 0.5f, 0f, 1f }, { -1f, 0.5f, 0f }, { 0f, -1f, 0.5f }, { 0.5f, 0.5f, -0.5f },
        });
        Matrix<float> scores = x * mix;
        if (!classifier) return (x, scores);
        var y = Matrix<float>.Build.Dense(rows, 3);
        for (int i = 0; i < rows; i++) y[i, scores.Row(i).MaximumIndex()] = 1f;
        return (x, y);
    }
}
