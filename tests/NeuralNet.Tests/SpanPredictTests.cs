using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Tests.Serialization;

namespace NeuralNet.Tests;

/// <summary>
/// <see cref="Mlp.Predict(ReadOnlySpan{float}, Span{float})"/>: row-major spans in and out, the same bits as the matrix path
/// (the oracle: <see cref="Mlp.Predict(Matrix{float})"/> on the matrix built from the same rows by Math.NET).
/// </summary>
public class SpanPredictTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(300)]
    public void Every_layer_kind_gives_the_matrix_paths_bits(int rows)
    {
        Mlp model = SampleModels.EveryLayerKind();
        Matrix<float> x = SampleModels.Inputs(rows, 5, seed: rows);
        float[] expected = model.Predict(x).ToRowMajorArray();

        var output = new float[rows * 3];
        model.Predict(x.ToRowMajorArray(), output);

        output.Should().Equal(expected);
    }

    [Fact]
    public void Rows_are_read_row_major_not_column_major()
    {
        // One Dense, weights written out: the output row r is W·x_r + b, so a transposed read would mix rows.
        var dense = new Dense(2, 3, seed: 1);
        dense.Weights.Value.SetRow(0, [1f, 10f]);
        dense.Weights.Value.SetRow(1, [100f, 1000f]);
        dense.Weights.Value.SetRow(2, [-1f, 0.5f]);
        dense.Bias.Value.Clear();
        var model = new Mlp(dense);
        float[] input = [1f, 2f, 3f, 4f, 5f, 6f];   // rows (1, 2), (3, 4), (5, 6)
        var output = new float[9];

        model.Predict(input, output);

        output.Should().Equal(21f, 2100f, 0f, 43f, 4300f, -1f, 65f, 6500f, -2f);
    }

    [Fact]
    public void The_batch_size_may_change_between_calls()
    {
        Mlp model = SampleModels.EveryLayerKind();
        foreach (int rows in new[] { 4, 1, 9, 4 })
        {
            Matrix<float> x = SampleModels.Inputs(rows, 5, seed: 100 + rows);
            var output = new float[rows * 3];
            model.Predict(x.ToRowMajorArray(), output);
            output.Should().Equal(model.Predict(x).ToRowMajorArray(), $"a batch of {rows} after other sizes");
        }
    }

    [Fact]
    public void Eight_threads_at_once_each_get_their_own_answer()
    {
        // On one core the threads interleave rather than overlap; the per-thread buffers are still exercised.
        Mlp model = SampleModels.EveryLayerKind();
        const int threads = 8;
        var inputs = Enumerable.Range(0, threads).Select(t => SampleModels.Inputs(3 + t, 5, seed: 200 + t)).ToArray();
        var expected = inputs.Select(x => model.Predict(x).ToRowMajorArray()).ToArray();
        var failures = new int[threads];
        using var start = new Barrier(threads);

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            float[] x = inputs[t].ToRowMajorArray();
            var output = new float[x.Length / 5 * 3];
            start.SignalAndWait();
            for (int i = 0; i < 200; i++)
            {
                Array.Clear(output);
                model.Predict(x, output);
                if (!output.AsSpan().SequenceEqual(expected[t])) failures[t]++;
            }
        });

        failures.Should().AllBeEquivalentTo(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(11)]
    public void An_input_that_is_not_whole_rows_names_its_length_and_the_width(int length)
    {
        Mlp model = SampleModels.EveryLayerKind();
        Action call = () => model.Predict(new float[length], new float[3]);
        call.Should().Throw<ArgumentException>().WithParameterName("input")
            .Which.Message.Should().Contain($"{length} values").And.Contain("5 inputs");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(0)]
    public void An_output_of_the_wrong_length_names_both_numbers(int length)
    {
        Mlp model = SampleModels.EveryLayerKind();
        Action call = () => model.Predict(new float[10], new float[length]);
        call.Should().Throw<ArgumentException>().WithParameterName("output")
            .Which.Message.Should().Contain($"holds {length} values").And.Contain("need 6");
    }

    [Fact]
    public void A_non_finite_input_is_refused()
    {
        Mlp model = SampleModels.EveryLayerKind();
        var input = new float[10];
        input[7] = float.NaN;
        Action call = () => model.Predict(input, new float[6]);
        call.Should().Throw<ArgumentException>().WithParameterName("input");
    }

    [Fact]
    public void A_network_without_widths_cannot_cut_a_span_into_rows()
    {
        var model = new Mlp(new ReLU(), new Tanh());
        Action call = () => model.Predict(new float[4], new float[4]);
        call.Should().Throw<InvalidOperationException>().WithMessage("*input width*");
    }

    [Fact]
    public void A_network_whose_last_width_is_unknown_cannot_size_the_output_span()
    {
        var model = new Mlp(new Dense(3, 2, seed: 1), new UnknownWidth());
        model.OutputCount.Should().BeNull();
        Action call = () => model.Predict(new float[3], new float[2]);
        call.Should().Throw<InvalidOperationException>().WithMessage("*output width*");
    }

    /// <summary>A user layer that says nothing about its output width.</summary>
    private sealed class UnknownWidth : ILayer
    {
        public IReadOnlyList<Parameter> Parameters => [];
        public int? OutputWidth(int? inputWidth) => null;
        public Matrix<float> Forward(Matrix<float> input) => input;
        public Matrix<float> Backward(Matrix<float> outputGradient) => outputGradient;
        public Matrix<float> Predict(Matrix<float> input) => input.Clone();
    }
}
