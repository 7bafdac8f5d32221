using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;

namespace NeuralNet.Tests.Kernels;

/// <summary>
/// The row softmax at every width against its definition in double and against the scalar path; every vector width
/// giving the same bits, and a row the same bits alone as at any position in a batch (whole vectors, narrower vectors and
/// single lanes all compute it), which row blocks and the one-to-three-sample paths rely on.
/// </summary>
public class RowSoftmaxTests
{
    private static readonly SimdWidth[] VectorWidths = [SimdWidth.Vector512, SimdWidth.Vector256, SimdWidth.Vector128];

    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        // Rows: single lanes only, one Vector128, a Vector256 and lanes, 16 + 8 + 4 + 3, several Vector512s.
        foreach (int n in new[] { 1, 3, 4, 7, 8, 13, 16, 31, 64, 300 })
            foreach (int classes in new[] { 1, 2, 10, 16, 37 })   // 16: whole vectors only, at every width
                data.Add(n, classes);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_width_matches_the_definition_in_double(int n, int classes)
    {
        var z = TestData.Uniform(n, classes, seed: 7 * n + classes, low: -30, high: 30);
        foreach (SimdWidth width in (SimdWidth[])[.. VectorWidths, SimdWidth.Scalar])
        {
            var (h, lse) = Run(width, z);
            for (int i = 0; i < n; i++)
            {
                double max = Enumerable.Range(0, classes).Max(j => (double)z[i, j]);
                double sum = Enumerable.Range(0, classes).Sum(j => Math.Exp(z[i, j] - max));
                ((double)lse[i]).Should().BeApproximately(max + Math.Log(sum), 1e-5 * Math.Max(1, Math.Abs(max)), $"{width}, row {i}");
                for (int j = 0; j < classes; j++)
                    ((double)h[i, j]).Should().BeApproximately(Math.Exp(z[i, j] - max) / sum, 1e-6, $"{width}, [{i}, {j}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_vector_width_gives_the_bits_of_the_widest_and_the_scalar_path_to_within_rounding(int n, int classes)
    {
        foreach (float range in new[] { 3f, 80f })
        {
            var z = TestData.Uniform(n, classes, seed: 11 * n + classes, low: -range, high: range);
            var (widest, widestLse) = Run(SimdWidth.Vector512, z);
            foreach (SimdWidth width in VectorWidths[1..])
            {
                var (h, lse) = Run(width, z);
                h.AsColumnMajorArray().Should().Equal(widest.AsColumnMajorArray(), $"{width}, range {range}");
                lse.Should().Equal(widestLse, $"{width}, range {range}");
            }

            var (scalar, scalarLse) = Run(SimdWidth.Scalar, z);
            float[] hv = widest.AsColumnMajorArray(), hs = scalar.AsColumnMajorArray();
            for (int k = 0; k < hv.Length; k++)
                hv[k].Should().BeApproximately(hs[k], 1e-6f * hs[k] + 1e-37f, $"element {k}, range {range}");
            for (int i = 0; i < n; i++)
                widestLse[i].Should().BeApproximately(scalarLse[i], 1e-6f * Math.Max(1f, Math.Abs(scalarLse[i])), $"row {i}");
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(16)] // alone, whole vectors only
    [InlineData(37)] // alone, a row's classes go through whole vectors and one padded vector
    public void A_row_has_the_same_bits_alone_as_at_any_position_in_a_batch(int classes)
    {
        const int n = 45; // 2 × 16 + 8 + 4 + 1 rows on the Vector512 path
        var z = TestData.Uniform(n, classes, seed: 5, low: -20, high: 20);
        foreach (SimdWidth width in VectorWidths)
        {
            var (batch, batchLse) = Run(width, z);
            for (int i = 0; i < n; i++)
            {
                var (alone, aloneLse) = Run(width, z.SubMatrix(i, 1, 0, classes));
                alone.Row(0).ToArray().Should().Equal(batch.Row(i).ToArray(), $"{width}, row {i}");
                aloneLse[0].Should().Be(batchLse[i], $"{width}, row {i}");
            }
        }
    }

    [Theory]
    [InlineData(4, 10)]
    [InlineData(7, 3)]
    [InlineData(17, 10)]
    [InlineData(300, 37)]
    public void From_four_rows_it_gives_the_bits_of_0_1_s_form_a_TensorPrimitives_pass_per_class(int n, int classes)
    {
        // 0.1 computed the softmax a column (one class over the batch) at a time with TensorPrimitives, which from four
        // values on exponentiates in vectors: saved models keep their predictions bit for bit.
        var z = TestData.Uniform(n, classes, seed: n + classes, low: -40, high: 40);
        float[] zs = z.AsColumnMajorArray(), expected = new float[n * classes], max = new float[n], sum = new float[n];
        zs.AsSpan(0, n).CopyTo(max);
        for (int j = 1; j < classes; j++) TensorPrimitives.Max(max, zs.AsSpan(j * n, n), max);
        for (int j = 0; j < classes; j++)
        {
            Span<float> column = expected.AsSpan(j * n, n);
            TensorPrimitives.Subtract(zs.AsSpan(j * n, n), max, column);
            TensorPrimitives.Exp(column, column);
            TensorPrimitives.Add(sum, column, sum);
        }
        for (int j = 0; j < classes; j++) TensorPrimitives.Divide(expected.AsSpan(j * n, n), sum, expected.AsSpan(j * n, n));

        var (h, _) = Run(SimdWidth.Vector512, z);
        h.AsColumnMajorArray().Should().Equal(expected);
    }

    [Fact]
    public void Logits_far_beyond_exp_s_range_give_finite_probabilities()
    {
        var z = Matrix<float>.Build.DenseOfArray(new float[,] { { 1000f, 999f, -1000f }, { -500f, -501f, -500f } });
        foreach (SimdWidth width in (SimdWidth[])[.. VectorWidths, SimdWidth.Scalar])
        {
            var (h, lse) = Run(width, z);
            double e1 = Math.Exp(-1);
            h[0, 0].Should().BeApproximately((float)(1 / (1 + e1)), 1e-6f, $"{width}");
            h[0, 1].Should().BeApproximately((float)(e1 / (1 + e1)), 1e-6f, $"{width}");
            h[0, 2].Should().Be(0f, $"{width}");
            h[1, 1].Should().BeApproximately((float)(e1 / (2 + e1)), 1e-6f, $"{width}");
            lse[0].Should().BeApproximately((float)(1000 + Math.Log(1 + e1)), 1e-3f, $"{width}");
            lse[1].Should().BeApproximately((float)(-500 + Math.Log(2 + e1)), 1e-3f, $"{width}");
        }
    }

    [Fact]
    public void Without_a_log_sum_exp_span_the_probabilities_are_the_same_and_in_place_too()
    {
        var z = TestData.Uniform(21, 10, seed: 3, low: -9, high: 9);
        var (expected, _) = Run(SimdWidth.Vector512, z);
        var h = Matrix<float>.Build.Dense(21, 10);
        RowSoftmax.Apply(z, h);
        h.AsColumnMajorArray().Should().Equal(expected.AsColumnMajorArray());
        var inPlace = z.Clone();
        RowSoftmax.Apply(inPlace, inPlace);
        inPlace.AsColumnMajorArray().Should().Equal(expected.AsColumnMajorArray());
    }

    [Theory]
    [InlineData(10)]
    [InlineData(37)]
    public void A_batch_of_one_gives_the_same_bits_over_any_old_output_and_in_place(int classes)
    {
        // The one-row path reads back what it wrote: nothing the output held before may leak into the sum.
        var z = TestData.Uniform(1, classes, seed: classes, low: -9, high: 9);
        foreach (SimdWidth width in VectorWidths)
        {
            var (expected, _) = Run(width, z);
            var stale = Matrix<float>.Build.Dense(1, classes, 7f);
            var inPlace = z.Clone();
            using (Simd.Force(width))
            {
                RowSoftmax.Apply(z, stale);
                RowSoftmax.Apply(inPlace, inPlace);
            }
            stale.AsColumnMajorArray().Should().Equal(expected.AsColumnMajorArray(), $"{width}, over 7s");
            inPlace.AsColumnMajorArray().Should().Equal(expected.AsColumnMajorArray(), $"{width}, in place");
        }
    }

    [Fact]
    public void A_short_log_sum_exp_span_or_a_misshapen_output_is_refused()
    {
        var z = TestData.Uniform(5, 3, seed: 1, low: -1, high: 1);
        var shortSpan = () => RowSoftmax.Apply(z, Matrix<float>.Build.Dense(5, 3), new float[4]);
        shortSpan.Should().Throw<ArgumentException>().WithMessage("*4 values*5 rows*");
        var misshapen = () => RowSoftmax.Apply(z, Matrix<float>.Build.Dense(5, 2));
        misshapen.Should().Throw<ArgumentException>();
    }

    private static (Matrix<float> H, float[] LogSumExp) Run(SimdWidth width, Matrix<float> z)
    {
        var h = Matrix<float>.Build.Dense(z.RowCount, z.ColumnCount);
        var logSumExp = new float[z.RowCount];
        using (Simd.Force(width)) RowSoftmax.Apply(z, h, logSumExp);
        return (h, logSumExp);
    }
}
