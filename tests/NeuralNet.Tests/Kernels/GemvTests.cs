using NeuralNet.Kernels;

namespace NeuralNet.Tests.Kernels;

/// <summary>
/// The one-column product (one sample through a layer) against its exact definition: each output is an FMA chain
/// over k in order, from C (when accumulating) plus the bias; from <see cref="Gemv.SplitThreshold"/> multiply-adds on,
/// two chains (the first half of k from that start, the second half from 0) added at the end. The oracle is that
/// definition written out with <see cref="MathF.FusedMultiplyAdd"/>, so the kernel must match it bit for bit, at every
/// width and on one or two threads, and write nothing past its M outputs.
/// </summary>
public unsafe class GemvTests
{
    private const int Sentinels = 8;
    // Not NaN: a stray FMA into a NaN would leave it NaN and go unseen, while one into 0.5 changes it.
    private const float Sentinel = 0.5f;
    private const int BStride = 3;   // B read with a stride, as a row of a wider matrix would be

    public static TheoryData<int, int, int, bool> Cases()
    {
        var data = new TheoryData<int, int, int, bool>();
        // Every row path at every width: 16-vector blocks (AVX-512 only), 8-vector blocks, and the rest in one block of one
        // to eight vectors of the widest width no wider than the rows, the last overlapping the one before: at 16 floats
        // 400 = 256 + 128 + 16 (one vector), 300 = 256 + 44 (three, overlapping), 127 (eight, overlapping), 100 (seven),
        // 60 (four, overlapping), 32 (two, exact), 10 and 12 (two 8-float vectors), 7 (two 4-float vectors), 3 and
        // 257 = 256 + 1 (floats); 520 = 256 + 256 + 8 (a second 16-vector block).
        (int M, int K)[] shapes =
        [
            (1, 1), (3, 7), (7, 5), (9, 13), (10, 32), (12, 5), (32, 64), (60, 7), (100, 20), (127, 256), (128, 256), (257, 784),
            (300, 9), (400, 50), (520, 3),
        ];
        foreach (SimdWidth width in Enum.GetValues<SimdWidth>())
            foreach (var (m, k) in shapes)
                foreach (bool accumulate in new[] { false, true })
                    data.Add((int)width, m, k, accumulate);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Matches_its_definition_bit_for_bit_and_writes_only_its_outputs(int width, int m, int k, bool accumulate)
    {
        ((long)127 * 256).Should().BeLessThan(Gemv.SplitThreshold, "one shape must sit just below the split");
        ((long)128 * 256).Should().Be(Gemv.SplitThreshold, "and one exactly on it");

        var random = new Random(m * 1000 + k);
        // A is followed by m more values, so that a row read past the last one would find numbers, not zeros.
        float[] a = Values(m * k + m, random), b = Values(k * BStride, random), bias = Values(m, random), start = Values(m, random);
        float[] expected = Definition(a, b, bias, start, m, k, accumulate);

        foreach (int threads in new[] { 1, 2 })
        {
            float[] c = new float[m + Sentinels];
            start.CopyTo(c, 0);
            Array.Fill(c, Sentinel, m, Sentinels);
            fixed (float* pa = a, pb = b, pbias = bias, pc = c)
            {
                var problem = new GemmProblem
                {
                    A = StridedMatrix.ColumnMajor(pa, m), B = new StridedMatrix(pb, BStride, 1), C = StridedMatrix.ColumnMajor(pc, m),
                    M = m, N = 1, K = k, Accumulate = accumulate, RowBias = pbias, Width = (SimdWidth)width,
                };
                Gemv.Applies(problem).Should().BeTrue();
                Gemm.Multiply(problem, threads);
            }
            c[..m].Should().Equal(expected, $"{(SimdWidth)width}, {threads} thread(s)");
            c[m..].Should().OnlyContain(value => value == Sentinel, "nothing may be written past the M outputs");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Two_or_three_columns_accumulate_into_a_C_with_strided_columns(int columns)
    {
        // A batch of two or three, transposed: C's columns are a row-major block's, one value apart, read and written
        // column by column through a contiguous scratch column.
        const int m = 37, k = 5;
        var random = new Random(columns);
        float[] a = Values(m * k, random), b = Values(k * columns, random), start = Values(m * columns, random);
        foreach (SimdWidth width in Enum.GetValues<SimdWidth>())
        {
            float[] c = (float[])start.Clone();
            fixed (float* pa = a, pb = b, pc = c)
            {
                var problem = new GemmProblem
                {
                    A = StridedMatrix.ColumnMajor(pa, m), B = StridedMatrix.ColumnMajor(pb, k), C = new StridedMatrix(pc, columns, 1),
                    M = m, N = columns, K = k, Accumulate = true, Width = width,
                };
                Gemv.AppliesByColumns(problem).Should().BeTrue();
                Gemm.Multiply(problem, threads: 1);
            }
            for (int i = 0; i < m; i++)
                for (int j = 0; j < columns; j++)
                {
                    float expected = start[i * columns + j];
                    for (int p = 0; p < k; p++) expected = MathF.FusedMultiplyAdd(a[i + p * m], b[p + j * k], expected);
                    c[i * columns + j].Should().Be(expected, $"{width}, [{i}, {j}]");
                }
        }
    }

    /// <summary>The product as defined, in the order defined.</summary>
    private static float[] Definition(float[] a, float[] b, float[] bias, float[] start, int m, int k, bool accumulate)
    {
        bool split = (long)m * k >= Gemv.SplitThreshold;
        int half = split ? k / 2 : k;
        var result = new float[m];
        for (int i = 0; i < m; i++)
        {
            float first = (accumulate ? start[i] : 0f) + bias[i];
            for (int p = 0; p < half; p++) first = MathF.FusedMultiplyAdd(a[i + p * m], b[p * BStride], first);
            float second = 0f;
            for (int p = half; p < k; p++) second = MathF.FusedMultiplyAdd(a[i + p * m], b[p * BStride], second);
            result[i] = split ? first + second : first;
        }
        return result;
    }

    private static float[] Values(int count, Random random)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
