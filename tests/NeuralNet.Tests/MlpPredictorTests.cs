using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests;

/// <summary>
/// <see cref="MlpPredictor"/>: the model's own <see cref="Mlp.Predict(Matrix{float})"/> bits from weights packed ahead, at
/// every batch size the kernel treats differently, vector width and thread count; and a snapshot that nothing done to the
/// model afterwards changes. The kernel-level oracle (each element's FMA chain, packed or not) is in DenseProductsTests.
/// </summary>
public class MlpPredictorTests
{
    // One sample, a GEMV per sample, thin batches computed transposed, a tile and its one-vector tail, row blocks on two
    // cores, more rows than one MC block: every path the forward product takes.
    private static readonly int[] Batches = [1, 2, 3, 8, 16, 31, 32, 33, 40, 48, 64, 65, 100, 129, 200];

    [Fact]
    public void It_predicts_the_models_bits_at_every_batch_size_width_and_thread_count()
    {
        // 300 → 100 sums k in halves (packed in two); 100 → 13 is one chain with a partial panel (packed whole).
        Mlp model = Model();
        MlpPredictor predictor = model.CreatePredictor();
        foreach (SimdWidth width in Enum.GetValues<SimdWidth>())
            foreach (int threads in new[] { 1, 2 })
                foreach (int rows in Batches)
                {
                    using var forcedWidth = Simd.Force(width);
                    using var forcedThreads = KernelThreads.Force(threads);
                    Matrix<float> x = TestData.Uniform(rows, 300, rows);
                    float[] expected = model.Predict(x).AsColumnMajorArray();
                    string because = $"{width}, {threads} thread(s), batch {rows}";
                    predictor.Predict(x).AsColumnMajorArray().Should().Equal(expected, because);
                    var output = Matrix<float>.Build.Dense(rows, 13);
                    predictor.Predict(x, output);
                    output.AsColumnMajorArray().Should().Equal(expected, because);
                    var span = new float[rows * 13];
                    predictor.Predict(x.ToRowMajorArray(), span);
                    span.Should().Equal(Matrix<float>.Build.DenseOfColumnMajor(rows, 13, expected).ToRowMajorArray(), because);
                }
    }

    [Fact]
    public void Its_dense_layers_read_weights_packed_ahead_and_the_models_do_not()
    {
        Mlp model = Model();
        MlpPredictor predictor = model.CreatePredictor();
        predictor.Layers.OfType<Dense>().Should().HaveCount(2).And.OnlyContain(dense => dense.IsPacked);
        model.Layers.OfType<Dense>().Should().OnlyContain(dense => !dense.IsPacked, "the model's W may change at any time");
        predictor.Layers.Should().NotIntersectWith(model.Layers, "the predictor's layers are its own copies");
        predictor.ToString().Should().Be("MlpPredictor(Mlp(Dense(300 → 100), ReLU, Dense(100 → 13), Softmax))");
    }

    [Fact]
    public void It_agrees_with_the_network_written_out_in_double()
    {
        Mlp model = Model();
        MlpPredictor predictor = model.CreatePredictor();
        Matrix<float> x = TestData.Uniform(70, 300, 7);
        Matrix<double> expected = DoubleReference.DenseReluDenseSoftmax(model, x);
        Matrix<float> actual = predictor.Predict(x);
        for (int i = 0; i < x.RowCount; i++)
            for (int j = 0; j < 13; j++)
                actual[i, j].Should().BeApproximately((float)expected[i, j], 1e-5f, $"[{i}, {j}]");
    }

    [Fact]
    public void Training_the_model_afterwards_does_not_reach_the_predictor()
    {
        Mlp model = Model();
        MlpPredictor predictor = model.CreatePredictor();
        Matrix<float> x = TestData.Uniform(64, 300, 11);
        float[] before = model.Predict(x).AsColumnMajorArray();

        model.ComputeGradients(x, TestData.OneHot(64, 13, 12), new CrossEntropyLoss());
        new Sgd(0.5f).Step(model.Parameters);
        model.Fit(x, TestData.OneHot(64, 13, 13), new CrossEntropyLoss(), new Adam(0.05f), new TrainingOptions { Epochs = 1, BatchSize = 16, Seed = 1 });

        ShouldBeASnapshot(model, predictor, x, before, "after an optimizer step and Fit");
    }

    [Fact]
    public void A_write_to_the_models_parameters_afterwards_does_not_reach_the_predictor()
    {
        Mlp model = Model();
        MlpPredictor predictor = model.CreatePredictor();
        Matrix<float> x = TestData.Uniform(64, 300, 21);
        float[] before = model.Predict(x).AsColumnMajorArray();

        var first = (Dense)model.Layers[0];
        first.Weights.Value.AsColumnMajorArray().AsSpan().Fill(0.01f);   // through the array, as the kernels see it
        ((Dense)model.Layers[2]).Bias.Value[4, 0] += 3f;

        ShouldBeASnapshot(model, predictor, x, before, "after writes to Parameter.Value");
    }

    [Fact]
    public void It_copies_every_layer_kind_the_model_format_stores()
    {
        var model = new Mlp(new Dense(40, 36, seed: 1), new BatchNorm(36), new GELU(), new Dropout(0.3f), new Dense(36, 5, seed: 2), new LayerNorm(5));
        model.Fit(TestData.Uniform(64, 40, 1), TestData.Uniform(64, 5, 2), new MeanSquaredErrorLoss(), new Adam(0.01f),
            new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 3 });   // running statistics and weights away from their start
        Matrix<float> x = TestData.Uniform(48, 40, 4);
        model.CreatePredictor().Predict(x).AsColumnMajorArray().Should().Equal(model.Predict(x).AsColumnMajorArray());
    }

    [Fact]
    public void It_checks_its_inputs_as_the_model_does()
    {
        MlpPredictor predictor = Model().CreatePredictor();
        predictor.InputCount.Should().Be(300);
        predictor.OutputCount.Should().Be(13);
        predictor.Invoking(p => p.Predict(TestData.Uniform(4, 299, 1))).Should().Throw<ArgumentException>().WithParameterName("input");
        Matrix<float> bad = TestData.Uniform(4, 300, 1);
        bad[2, 7] = float.NaN;
        predictor.Invoking(p => p.Predict(bad)).Should().Throw<ArgumentException>().WithParameterName("input");
        predictor.Invoking(p => p.Predict(TestData.Uniform(4, 300, 1), Matrix<float>.Build.Dense(4, 12))).Should().Throw<ArgumentException>();
        predictor.Invoking(p => p.Predict(new float[301], new float[13])).Should().Throw<ArgumentException>().WithParameterName("input");
    }

    [Fact]
    public void A_layer_the_model_format_cannot_store_is_refused_by_name()
    {
        var model = new Mlp(new Dense(4, 3, seed: 1), new Unregistered());
        model.Invoking(m => m.CreatePredictor()).Should().Throw<NotSupportedException>().WithMessage("*Unregistered*");
    }

    private static void ShouldBeASnapshot(Mlp model, MlpPredictor predictor, Matrix<float> x, float[] before, string because)
    {
        float[] now = model.Predict(x).AsColumnMajorArray();
        now.Should().NotEqual(before, $"{because} the model must predict differently, or the test shows nothing");
        predictor.Predict(x).AsColumnMajorArray().Should().Equal(before, $"{because} the old predictor keeps its snapshot");
        model.CreatePredictor().Predict(x).AsColumnMajorArray().Should().Equal(now, $"{because} a new predictor has the new weights");
    }

    private static Mlp Model() =>
        new(new Dense(300, 100, seed: 1), new ReLU(), new Dense(100, 13, seed: 2), new Softmax());

    private sealed class Unregistered : ILayer
    {
        public IReadOnlyList<Parameter> Parameters => [];
        public Matrix<float> Forward(Matrix<float> input) => input;
        public Matrix<float> Backward(Matrix<float> outputGradient) => outputGradient;
        public Matrix<float> Predict(Matrix<float> input) => input.Clone();
    }
}
