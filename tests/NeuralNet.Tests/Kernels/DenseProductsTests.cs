using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using static NeuralNet.Tests.Kernels.Accuracy;

namespace NeuralNet.Tests.Kernels;

/// <summary>
/// The GEMM behind the Dense layer's three products, on every vector path, against Math.NET's multiply in double.
/// The shapes put each awkward size (1, 2, 7, 31, 63, 64, 65, 127, 257, 784) in each of the three dimensions once,
/// so every tile, panel and K-block remainder runs without the full cartesian product.
/// </summary>
public class DenseProductsTests
{
    private static readonly int[] Sizes = [1, 2, 7, 31, 63, 64, 65, 127, 257, 784];

    // Widths as ints: SimdWidth is internal and a public test method cannot take it.
    public static TheoryData<int, int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (SimdWidth width in Enum.GetValues<SimdWidth>())
        {
            for (int i = 0; i < Sizes.Length; i++)
                data.Add((int)width, Sizes[i], Sizes[(i + 3) % Sizes.Length], Sizes[(i + 6) % Sizes.Length]);
            data.Add((int)width, 40, 1030, 40);   // wider than one NC column block in ∇W and ∇x
            // C's last rows exactly one vector (48 on Vector512, 40 on Vector256, 44 on Vector128, 45 on scalar) or fewer:
            // the one-vector kernel, on C itself or through the scratch tile.
            data.Add((int)width, 48, 100, 45);
            data.Add((int)width, 40, 44, 48);
            data.Add((int)width, 44, 45, 40);
            data.Add((int)width, 45, 48, 44);
        }
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Forward_matches_MathNet(int width, int batch, int inputs, int outputs)
    {
        var (x, w, b) = (TestData.Uniform(batch, inputs, 1), TestData.Uniform(outputs, inputs, 2), TestData.Uniform(outputs, 1, 3));
        var z = TestData.Uniform(batch, outputs, 4); // garbage that must be overwritten
        using (Simd.Force((SimdWidth)width)) DenseProducts.Forward(x, w, b, z);

        var bias = Matrix<double>.Build.Dense(batch, outputs, (_, j) => b[j, 0]);
        Accuracy.ShouldMatch(z, D(x) * D(w).Transpose() + bias, Abs(x) * Abs(w).Transpose() + bias.PointwiseAbs());
    }

    [Theory, MemberData(nameof(Cases))]
    public void WeightGradient_matches_MathNet(int width, int batch, int inputs, int outputs)
    {
        var (g, h) = (TestData.Uniform(batch, outputs, 5), TestData.Uniform(batch, inputs, 6));
        var dw = TestData.Uniform(outputs, inputs, 7);
        using (Simd.Force((SimdWidth)width)) DenseProducts.WeightGradient(g, h, dw);
        Accuracy.ShouldMatch(dw, D(g).Transpose() * D(h), Abs(g).Transpose() * Abs(h));
    }

    [Theory, MemberData(nameof(Cases))]
    public void InputGradient_matches_MathNet(int width, int batch, int inputs, int outputs)
    {
        var (g, w) = (TestData.Uniform(batch, outputs, 8), TestData.Uniform(outputs, inputs, 9));
        var dx = TestData.Uniform(batch, inputs, 10);
        using (Simd.Force((SimdWidth)width)) DenseProducts.InputGradient(g, w, dx);
        Accuracy.ShouldMatch(dx, D(g) * D(w), Abs(g) * Abs(w));
    }

    [Theory]
    [InlineData((int)SimdWidth.Scalar)]
    [InlineData((int)SimdWidth.Vector128)]
    [InlineData((int)SimdWidth.Vector256)]
    [InlineData((int)SimdWidth.Vector512)]
    public void One_sample_through_a_large_layer_matches_MathNet(int width)
    {
        // 784 × 256 multiply-adds for one column: the GEMV sums k in two halves and adds them at the end.
        ((long)784 * 256).Should().BeGreaterThanOrEqualTo(Gemv.SplitThreshold);
        var (x, w, b) = (TestData.Uniform(1, 784, 30), TestData.Uniform(256, 784, 31), TestData.Uniform(256, 1, 32));
        var z = TestData.Uniform(1, 256, 33); // garbage that must be overwritten
        using (Simd.Force((SimdWidth)width)) DenseProducts.Forward(x, w, b, z);

        var bias = Matrix<double>.Build.Dense(1, 256, (_, j) => b[j, 0]);
        Accuracy.ShouldMatch(z, D(x) * D(w).Transpose() + bias, Abs(x) * Abs(w).Transpose() + bias.PointwiseAbs());
    }

    [Theory]
    [InlineData(512, 63, 257, 65)]
    [InlineData(256, 7, 31, 127)]
    [InlineData(128, 65, 300, 2)]
    [InlineData(0, 1, 64, 31)]
    [InlineData(512, 1, 2, 9)]   // ∇W of one sample with two inputs: C column by column, added to what is there
    [InlineData(256, 1, 3, 300)]
    public void Accumulate_adds_the_product_to_what_is_there(int width, int batch, int inputs, int outputs)
    {
        var (g, h, w) = (TestData.Uniform(batch, outputs, 11), TestData.Uniform(batch, inputs, 12), TestData.Uniform(outputs, inputs, 13));
        var dw0 = TestData.Uniform(outputs, inputs, 14);
        var dx0 = TestData.Uniform(batch, inputs, 15);
        var (dw, dx) = (dw0.Clone(), dx0.Clone());
        using (Simd.Force((SimdWidth)width))
        {
            DenseProducts.WeightGradient(g, h, dw, accumulate: true);
            DenseProducts.InputGradient(g, w, dx, accumulate: true);
        }
        Accuracy.ShouldMatch(dw, D(dw0) + D(g).Transpose() * D(h), Abs(dw0) + Abs(g).Transpose() * Abs(h));
        Accuracy.ShouldMatch(dx, D(dx0) + D(g) * D(w), Abs(dx0) + Abs(g) * Abs(w));
    }

    [Theory]
    [InlineData(64, 784, 256)]
    [InlineData(256, 784, 256)]
    [InlineData(64, 256, 128)]
    [InlineData(3, 1100, 700)]
    [InlineData(1, 784, 256)]   // one sample: the GEMV, k summed in two halves
    public void One_and_two_threads_give_identical_bits(int batch, int inputs, int outputs)
    {
        var (x, w, b) = (TestData.Uniform(batch, inputs, 16), TestData.Uniform(outputs, inputs, 17), TestData.Uniform(outputs, 1, 18));
        var g = TestData.Uniform(batch, outputs, 19);
        float[][] Products(int threads)
        {
            var (z, dw, dx) = (Matrix<float>.Build.Dense(batch, outputs), Matrix<float>.Build.Dense(outputs, inputs), Matrix<float>.Build.Dense(batch, inputs));
            using (KernelThreads.Force(threads))
            {
                DenseProducts.Forward(x, w, b, z);
                DenseProducts.WeightGradient(g, x, dw);
                DenseProducts.InputGradient(g, w, dx);
            }
            return [z.AsColumnMajorArray(), dw.AsColumnMajorArray(), dx.AsColumnMajorArray()];
        }

        float[][] one = Products(1), two = Products(2);
        for (int product = 0; product < 3; product++)
            two[product].Should().Equal(one[product], $"product {product} must not depend on the thread count");
    }

    [Theory]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(16)]
    [InlineData(31)]
    public void A_small_batch_reads_the_weights_in_place_with_the_bits_of_every_width(int batch)
    {
        // Fewer rows than a tile: C is computed transposed and W, its A, is read where it lies (up to 32 columns of C),
        // 100 outputs leaving a partial sliver at every width. Each width must give the scalar path's bits and Math.NET's values.
        var (x, w, b) = (TestData.Uniform(batch, 300, 30), TestData.Uniform(100, 300, 31), TestData.Uniform(100, 1, 32));
        Matrix<double> expected = x.Map(v => (double)v) * w.Map(v => (double)v).Transpose()
                                  + Matrix<double>.Build.Dense(batch, 100, (_, j) => b[j, 0]);
        float[] Forward(SimdWidth width)
        {
            var z = Matrix<float>.Build.Dense(batch, 100);
            using (Simd.Force(width)) DenseProducts.Forward(x, w, b, z);
            for (int i = 0; i < batch; i++)
                for (int j = 0; j < 100; j++)
                    Math.Abs(z[i, j] - expected[i, j]).Should().BeLessThan(1e-4 * (1 + Math.Abs(expected[i, j])), $"{width}, z[{i}, {j}]");
            return z.AsColumnMajorArray();
        }
        float[] scalar = Forward(SimdWidth.Scalar);
        foreach (SimdWidth width in new[] { SimdWidth.Vector128, SimdWidth.Vector256, SimdWidth.Vector512 })
            Forward(width).Should().Equal(scalar, $"{width} must agree with the scalar path at batch {batch}");
    }

    [Theory]
    [InlineData(64, 784, 256)]   // the first layer of the MNIST network: W read in place in whole panels of six
    [InlineData(33, 100, 13)]    // two whole panels and a partial one, packed; a partial tile of rows
    [InlineData(256, 300, 6)]    // exactly one panel
    [InlineData(40, 7, 5)]       // no whole panel: all of W packed
    [InlineData(16, 300, 100)]   // fewer rows than a tile: computed transposed, W read where it lies as A
    [InlineData(16, 784, 64)]    // the same, k in two halves
    [InlineData(300, 257, 130)]  // k in two halves of 128 and 129, many tiles
    [InlineData(8, 3000, 10)]    // just below the threshold: one chain
    [InlineData(8, 512, 64)]     // exactly at it: two halves
    [InlineData(4, 784, 64)]     // the fewest rows that sum in halves (three are GEMVs)
    [InlineData(48, 300, 13)]    // a last block of one vector of rows (Vector512), on C and, in the partial panel, in the scratch tile
    [InlineData(112, 784, 256)]  // the same, k in two halves, each in slices that accumulate
    [InlineData(40, 257, 64)]    // fewer rows than a vector past the last tile (Vector512), one vector (Vector256)
    [InlineData(40, 20, 1030)]   // wider than one NC block of columns (the packed B's second block), split by columns on two threads
    [InlineData(200, 600, 100)]  // more rows than an MC block, k in halves of 300 (two slices each), a partial panel
    [InlineData(64, 1000, 20)]   // one chain over four slices of k, packed whole
    [InlineData(16, 100, 256)]   // transposed and split by rows at 128 on two threads: the second part from a packed block boundary
    public void Forward_is_the_fma_chain_of_its_definition_at_every_width(int batch, int inputs, int outputs)
    {
        // The definition, element by element: z[i, j] = b[j], then z[i, j] = fma(x[i, p], w[j, p], z[i, j]) for p in order;
        // from Gemv.SplitThreshold multiply-adds per row two such chains, the first over p < inputs / 2 from b[j], the
        // second over the rest from 0, then their sum. Blocking, packing or reading W in place, the transposition, the
        // vector width and the thread count may change none of it.
        var (x, w, b) = (TestData.Uniform(batch, inputs, 40), TestData.Uniform(outputs, inputs, 41), TestData.Uniform(outputs, 1, 42));
        bool halves = (long)outputs * inputs >= Gemv.SplitThreshold && batch > 3 && outputs > 3;
        DenseProducts.SumsInHalves(batch, outputs, inputs).Should().Be(halves);
        int half = halves ? inputs / 2 : inputs;
        var expected = new float[batch * outputs];
        for (int i = 0; i < batch; i++)
            for (int j = 0; j < outputs; j++)
            {
                float z = b[j, 0], second = 0f;
                for (int p = 0; p < half; p++) z = MathF.FusedMultiplyAdd(x[i, p], w[j, p], z);
                for (int p = half; p < inputs; p++) second = MathF.FusedMultiplyAdd(x[i, p], w[j, p], second);
                expected[j * batch + i] = halves ? z + second : z;
            }
        // W packed ahead (a predictor's) is read in a different order from memory, never in a different order of sums.
        var packed = new PackedWeights(w);
        foreach (SimdWidth width in Enum.GetValues<SimdWidth>())
            foreach (int threads in new[] { 1, 2 })
                foreach (PackedWeights? ahead in new[] { null, packed })
                {
                    var z = TestData.Uniform(batch, outputs, 43);
                    using (Simd.Force(width))
                    using (KernelThreads.Force(threads))
                        DenseProducts.Forward(x, w, b, z, ahead);
                    z.AsColumnMajorArray().Should().Equal(expected, $"{width}, {threads} thread(s), W {(ahead is null ? "where it lies" : "packed ahead")}");
                }
    }

    [Theory]
    [InlineData(64, 784, 256)]   // k in two halves, each packed
    [InlineData(64, 20, 1030)]   // packed whole, two NC blocks of columns, split by columns on two threads
    [InlineData(256, 600, 100)]  // more rows than an MC block, a partial panel
    public void Forward_with_weights_packed_ahead_reads_the_packed_copy(int batch, int inputs, int outputs) =>
        // Whole tiles of rows at every width (no thin tail, no transposition): the blocked GEMM, which reads B packed
        // ahead when it is given.
        ShouldReadThePackedCopy(batch, inputs, outputs, Enum.GetValues<SimdWidth>());

    [Theory]
    [InlineData(16, 784, 256)]   // computed transposed, k in halves: the thin product, W packed in its blocks
    [InlineData(16, 100, 256)]   // the same, packed whole, split by rows at 128 on two threads (a block boundary)
    [InlineData(4, 300, 10)]     // one block of one vector, six rows of padding
    [InlineData(40, 784, 256)]   // a whole tile, then 8 rows past it through the thin product (the thin tail)
    [InlineData(37, 50, 80)]     // a tail of 5 rows; 80 rows of W packed as blocks of 3 and 2 vectors (too small to split)
    public void The_thin_product_given_weights_packed_ahead_reads_the_packed_copy(int batch, int inputs, int outputs) =>
        // On the Vector512 path (emulated where the hardware has no AVX-512), where the thin product runs. (A part of C
        // that starts inside a packed block reads W where it lies instead, the same bits for a predictor, whose W never
        // changes; these shapes split at block boundaries or not at all.)
        ShouldReadThePackedCopy(batch, inputs, outputs, [SimdWidth.Vector512]);

    /// <summary>W changed after packing must not show in a forward product given the packed copy, at each width and thread count.</summary>
    private static void ShouldReadThePackedCopy(int batch, int inputs, int outputs, SimdWidth[] widths)
    {
        var (x, w, b) = (TestData.Uniform(batch, inputs, 60), TestData.Uniform(outputs, inputs, 61), TestData.Uniform(outputs, 1, 62));
        var expected = Matrix<float>.Build.Dense(batch, outputs);
        DenseProducts.Forward(x, w, b, expected);
        var packed = new PackedWeights(w);
        w.MapInplace(v => 0.5f - v);
        foreach (SimdWidth width in widths)
            foreach (int threads in new[] { 1, 2 })
            {
                var z = TestData.Uniform(batch, outputs, 63);
                using (Simd.Force(width))
                using (KernelThreads.Force(threads))
                    DenseProducts.Forward(x, w, b, z, packed);
                z.AsColumnMajorArray().Should().Equal(expected.AsColumnMajorArray(), $"{width}, {threads} thread(s)");
            }
    }

    [Theory]
    [InlineData(2, 784, 256)]   // k summed in two halves, as for one sample
    [InlineData(3, 784, 256)]
    [InlineData(2, 20, 7)]      // one chain
    [InlineData(3, 300, 100)]
    public void A_batch_of_two_or_three_gives_each_samples_bits_alone(int batch, int inputs, int outputs)
    {
        // Two or three samples are computed one column of Zᵀ at a time, each the one-sample product (GemvTests has its
        // definition): every row must have the bits of that row predicted alone, at every width and thread count.
        var (x, w, b) = (TestData.Uniform(batch, inputs, 50), TestData.Uniform(outputs, inputs, 51), TestData.Uniform(outputs, 1, 52));
        foreach (SimdWidth width in Enum.GetValues<SimdWidth>())
            foreach (int threads in new[] { 1, 2 })
            {
                using var forcedWidth = Simd.Force(width);
                using var forcedThreads = KernelThreads.Force(threads);
                var z = TestData.Uniform(batch, outputs, 53);
                DenseProducts.Forward(x, w, b, z);
                for (int i = 0; i < batch; i++)
                {
                    var alone = Matrix<float>.Build.Dense(1, outputs);
                    DenseProducts.Forward(x.SubMatrix(i, 1, 0, inputs), w, b, alone);
                    z.Row(i).ToArray().Should().Equal(alone.Row(0).ToArray(), $"{width}, {threads} thread(s), row {i}");
                }
                var bias = Matrix<double>.Build.Dense(batch, outputs, (_, j) => b[j, 0]);
                Accuracy.ShouldMatch(z, D(x) * D(w).Transpose() + bias, Abs(x) * Abs(w).Transpose() + bias.PointwiseAbs());
            }
    }

    [Fact]
    public void Every_width_gives_identical_bits()
    {
        // Each element is the same FMA chain over k on every path, so the widths agree exactly, not just closely.
        var (x, w, b) = (TestData.Uniform(65, 300, 20), TestData.Uniform(31, 300, 21), TestData.Uniform(31, 1, 22));
        float[] Forward(SimdWidth width)
        {
            var z = Matrix<float>.Build.Dense(65, 31);
            using (Simd.Force(width)) DenseProducts.Forward(x, w, b, z);
            return z.AsColumnMajorArray();
        }
        float[] scalar = Forward(SimdWidth.Scalar);
        foreach (SimdWidth width in new[] { SimdWidth.Vector128, SimdWidth.Vector256, SimdWidth.Vector512 })
            Forward(width).Should().Equal(scalar, $"{width} must agree with the scalar path");
    }

    [Fact]
    public void Shapes_that_do_not_agree_are_rejected_before_the_kernel_runs()
    {
        var (x, w, b) = (TestData.Uniform(4, 3, 1), TestData.Uniform(2, 3, 2), TestData.Uniform(2, 1, 3));
        ((Action)(() => DenseProducts.Forward(x, w, b, Matrix<float>.Build.Dense(4, 3)))).Should().Throw<ArgumentException>().WithMessage("*4 × 3*");
        ((Action)(() => DenseProducts.Forward(x, TestData.Uniform(2, 5, 4), b, Matrix<float>.Build.Dense(4, 2)))).Should().Throw<ArgumentException>();
        ((Action)(() => DenseProducts.WeightGradient(TestData.Uniform(5, 2, 5), x, Matrix<float>.Build.Dense(2, 3)))).Should().Throw<ArgumentException>();
        ((Action)(() => DenseProducts.InputGradient(TestData.Uniform(4, 2, 6), w, Matrix<float>.Build.Dense(4, 2)))).Should().Throw<ArgumentException>();
        ((Action)(() => DenseProducts.InputGradient(TestData.Uniform(4, 2, 6), w, Matrix<float>.Build.Sparse(4, 3)))).Should().Throw<ArgumentException>();
    }

}
