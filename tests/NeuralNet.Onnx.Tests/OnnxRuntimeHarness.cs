using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML.OnnxRuntime;

namespace NeuralNet.Onnx.Tests;

/// <summary>Runs exported models in ONNX Runtime and compares them with <see cref="Mlp.Predict"/>, the oracle.</summary>
internal static class OnnxRuntimeHarness
{
    /// <summary>Relative tolerance of the comparison, as the issue asks: 1e-5.</summary>
    internal const double Relative = 1e-5;

    /// <summary>
    /// Absolute floor, for outputs near zero. Float32 sums of a few dozen products, added in another order by
    /// ONNX Runtime, differ by a few ulps of the terms' size, not of the (possibly cancelled) result; and ONNX
    /// Runtime's Sigmoid and Tanh are rational approximations whose error is absolute (Sigmoid's about 6e-8, one
    /// ulp of 0.5: at σ(z) ≈ 1e-4 that is 5e-4 relative, while NeuralNet's is within 1e-7 relative of double).
    /// Measured here: the worst case, Tanh on 64 samples, needs 3e-7, so 1e-6 leaves a margin of about 3.
    /// </summary>
    internal const double Absolute = 1e-6;

    internal static byte[] ExportToBytes(Mlp model)
    {
        using var stream = new MemoryStream();
        OnnxExporter.Export(model, stream);
        return stream.ToArray();
    }

    internal static InferenceSession Session(Mlp model) => new(ExportToBytes(model));

    /// <summary>Feeds <paramref name="input"/> (one sample per row) to the session's "input" and reads back "output".</summary>
    internal static Matrix<float> Run(InferenceSession session, Matrix<float> input)
    {
        int rows = input.RowCount, columns = input.ColumnCount;
        float[] rowMajor = input.ToRowMajorArray();
        using var inputValue = OrtValue.CreateTensorValueFromMemory(rowMajor, [rows, columns]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input"], [inputValue], ["output"]);
        OrtValue output = outputs[0];
        long[] shape = output.GetTensorTypeAndShape().Shape;
        shape.Should().HaveCount(2, "the output is [batch, outputs]");
        shape[0].Should().Be(rows, "the batch dimension is dynamic and follows the input");
        float[] values = output.GetTensorDataAsSpan<float>().ToArray();
        return Matrix<float>.Build.DenseOfRowMajor(rows, (int)shape[1], values);
    }

    /// <summary>The largest |actual − expected| / (Relative·|expected| + Absolute): at most 1 when they match.</summary>
    internal static double WorstMismatch(Matrix<float> actual, Matrix<float> expected)
    {
        actual.RowCount.Should().Be(expected.RowCount);
        actual.ColumnCount.Should().Be(expected.ColumnCount);
        double worst = 0;
        for (int i = 0; i < expected.RowCount; i++)
            for (int j = 0; j < expected.ColumnCount; j++)
            {
                double e = expected[i, j], a = actual[i, j];
                double ratio = Math.Abs(a - e) / (Relative * Math.Abs(e) + Absolute);
                if (double.IsNaN(ratio)) return double.PositiveInfinity;
                worst = Math.Max(worst, ratio);
            }
        return worst;
    }

    /// <summary>Asserts that ONNX Runtime gives <see cref="Mlp.Predict"/>'s answer on <paramref name="input"/>.</summary>
    internal static void ShouldAnswerAsPredict(InferenceSession session, Mlp model, Matrix<float> input)
    {
        Matrix<float> expected = model.Predict(input);
        Matrix<float> actual = Run(session, input);
        WorstMismatch(actual, expected).Should().BeLessThanOrEqualTo(1.0,
            $"ONNX Runtime must answer as Predict within {Relative} relative + {Absolute} absolute on a {input.RowCount} × {input.ColumnCount} batch");
    }

    internal static Matrix<float> Uniform(int rows, int columns, int seed, float scale)
    {
        var random = new Random(seed);
        return Matrix<float>.Build.Dense(rows, columns, (_, _) => scale * (2f * (float)random.NextDouble() - 1f));
    }
}
