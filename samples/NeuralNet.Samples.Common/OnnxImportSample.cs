using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Data;
using NeuralNet.Losses;
using NeuralNet.Onnx;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Samples;

/// <summary>
/// A model trained in PyTorch, brought to .NET: import its ONNX file, predict what PyTorch predicted, fine-tune it on
/// more digits with <see cref="Mlp.Fit"/>, and export it again. The PyTorch side is
/// <c>samples/OnnxImport/pytorch/train_digits.py</c>, which wrote the committed file and its outputs.
/// </summary>
public static class OnnxImportSample
{
    /// <summary>The sample's budget and where it writes.</summary>
    public sealed record Options
    {
        /// <summary>Fine-tuning epochs.</summary>
        public int Epochs { get; init; } = 20;
        /// <summary>Seed of the fine-tuning's shuffle.</summary>
        public int Seed { get; init; } = 1;
        /// <summary>Where the re-exported model goes; null for <see cref="SamplePaths.Output"/>.</summary>
        public string? OutputDirectory { get; init; }
    }

    /// <summary>One test row as PyTorch and the imported model see it.</summary>
    public sealed record Row(int Index, int Label, int PyTorchClass, float PyTorchProbability, int ImportedClass, float ImportedProbability);

    /// <summary>What the run found.</summary>
    /// <param name="Model">The imported model, as NeuralNet describes it.</param>
    /// <param name="Shown">The test rows whose probabilities PyTorch wrote beside the model.</param>
    /// <param name="LargestDifference">The largest |p − p_PyTorch| over those rows' probabilities.</param>
    /// <param name="PyTorchAccuracy">PyTorch's accuracy on the test rows, as it reported it.</param>
    /// <param name="ImportedAccuracy">The imported model's accuracy on the same rows.</param>
    /// <param name="FineTunedAccuracy">The accuracy after fine-tuning on rows PyTorch never saw.</param>
    /// <param name="FineTuneCount">The number of fine-tuning rows.</param>
    /// <param name="TestCount">The number of test rows.</param>
    /// <param name="History">The fine-tuning's epochs.</param>
    /// <param name="ExportPath">Where the fine-tuned model went as ONNX.</param>
    /// <param name="ReimportIsBitIdentical">Whether importing that file again predicts the test rows bit for bit.</param>
    public sealed record Result(string Model, IReadOnlyList<Row> Shown, float LargestDifference, float PyTorchAccuracy,
                                float ImportedAccuracy, float FineTunedAccuracy, int FineTuneCount, int TestCount,
                                TrainingHistory History, string ExportPath, bool ReimportIsBitIdentical);

    /// <summary>The committed PyTorch model.</summary>
    public static string ModelPath => Path.Combine(SamplePaths.Root, "samples", "OnnxImport", "pytorch", "digits_mlp.onnx");

    /// <summary>Imports, compares with PyTorch, fine-tunes, evaluates and exports again.</summary>
    public static Result Run(Options options, IProgress<EpochResult>? progress = null)
    {
        using JsonDocument meta = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(ModelPath, ".json")));
        JsonElement root = meta.RootElement;
        int[] fineTuneRows = Range(root.GetProperty("fine_tune_rows")), testRows = Range(root.GetProperty("test_rows"));
        float scale = root.GetProperty("pixel_scale").GetSingle();

        // The split is by position (the script's docstring): rows PyTorch trained on, rows to fine-tune on, test rows.
        LabeledData all = Digits.Load(SamplePaths.Digits);
        LabeledData fineTune = all.Take(fineTuneRows), test = all.Take(testRows);
        Matrix<float> fineTuneInputs = fineTune.Inputs / scale, testInputs = test.Inputs / scale;

        Mlp model = OnnxImporter.Import(ModelPath);
        Matrix<float> imported = model.Predict(testInputs);
        var shown = new List<Row>();
        float largest = 0f;
        int r = 0;
        foreach (JsonElement row in root.GetProperty("shown_probabilities").EnumerateArray())
        {
            float[] pytorch = row.EnumerateArray().Select(v => v.GetSingle()).ToArray();
            for (int j = 0; j < pytorch.Length; j++) largest = MathF.Max(largest, MathF.Abs(imported[r, j] - pytorch[j]));
            int pytorchClass = Array.IndexOf(pytorch, pytorch.Max()), importedClass = imported.Row(r).MaximumIndex();
            shown.Add(new Row(testRows[r], test.Labels[r], pytorchClass, pytorch[pytorchClass], importedClass, imported[r, importedClass]));
            r++;
        }
        float importedAccuracy = Accuracy(imported, test);

        TrainingHistory history = model.Fit(fineTuneInputs, fineTune.OneHotTargets(), new CrossEntropyLoss(),
            new Adam(learningRate: 1e-2f), new TrainingOptions
            {
                Epochs = options.Epochs,
                BatchSize = 32,
                Seed = options.Seed,
                ValidationInputs = testInputs,
                ValidationTargets = test.OneHotTargets(),
            }, progress);
        Matrix<float> fineTuned = model.Predict(testInputs);

        string exportPath = Path.Combine(SamplePaths.EnsureDirectory(options.OutputDirectory), "digits-finetuned.onnx");
        OnnxExporter.Export(model, exportPath);
        bool bitIdentical = OnnxImporter.Import(exportPath).Predict(testInputs).Equals(fineTuned);

        return new Result(model.ToString(), shown, largest, root.GetProperty("pytorch_test_accuracy").GetSingle(), importedAccuracy,
                          Accuracy(fineTuned, test), fineTune.Count, test.Count, history, exportPath, bitIdentical);
    }

    private static float Accuracy(Matrix<float> probabilities, LabeledData data) =>
        Metrics.Accuracy(Metrics.ArgMax(probabilities), data.Labels);

    /// <summary>A JSON [start, end) pair as the row indices it spans.</summary>
    private static int[] Range(JsonElement pair) =>
        Enumerable.Range(pair[0].GetInt32(), pair[1].GetInt32() - pair[0].GetInt32()).ToArray();
}
