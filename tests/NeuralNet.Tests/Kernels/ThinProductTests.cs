using System.Runtime.InteropServices;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using static NeuralNet.Tests.Kernels.Accuracy;

namespace NeuralNet.Tests.Kernels;

/// <summary>
/// A thin C whose A has contiguous columns (what a small batch's forward product becomes, transposed) on every width:
/// on the Vector512 path <see cref="ThinProduct"/> computes all of it, in blocks of 64 × 4 (a last group of fewer columns
/// padded), elsewhere the general path. The
/// Dense layer never accumulates into such a product, so these tests reach the accumulate start (C read back) directly,
/// with and without a row bias (and a column bias), with B column-major and laid out as the forward product passes xᵀ,
/// against Math.NET in double.
/// </summary>
public unsafe class ThinProductTests
{
    public static TheoryData<int, int, int, int, bool, bool, bool> Cases()
    {
        // B column-major, or as the forward product passes xᵀ (B[k, j] = x[j, k]: k steps n values, j one), with a column
        // bias then when not accumulating. One group of columns (n = 4) runs k in one slice; the last three shapes have several
        // groups and k over several slices of 32, the last one partial (300 = 9 · 32 + 12, 784 = 24 · 32 + 16, 129 = 4 · 32 + 1).
        var data = new TheoryData<int, int, int, int, bool, bool, bool>();
        foreach (SimdWidth width in Enum.GetValues<SimdWidth>())
            foreach (var (m, k, n) in new[] { (64, 100, 4), (130, 300, 7), (256, 784, 32), (200, 129, 13) })
                foreach (bool accumulate in new[] { true, false })
                    foreach (bool bAsTransposedX in new[] { false, true })
                        data.Add((int)width, m, k, n, accumulate, !accumulate || m == 130, bAsTransposedX);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Matches_MathNet(int width, int m, int k, int n, bool accumulate, bool rowBias, bool bAsTransposedX)
    {
        Matrix<float> a = TestData.Uniform(m, k, 1), b = TestData.Uniform(k, n, 2), c = TestData.Uniform(m, n, 3);
        Matrix<float> bias = TestData.Uniform(m, 1, 4), columnBias = TestData.Uniform(1, n, 5);
        bool withColumnBias = bAsTransposedX && !accumulate;
        Matrix<double> initial = accumulate ? D(c) : Matrix<double>.Build.Dense(m, n);
        Matrix<double> biasColumns = Matrix<double>.Build.Dense(m, n,
            (i, j) => (rowBias ? bias[i, 0] : 0.0) + (withColumnBias ? columnBias[0, j] : 0.0));
        float[] bStorage = bAsTransposedX ? b.ToRowMajorArray() : b.AsColumnMajorArray();
        fixed (float* pa = a.AsColumnMajorArray(), pb = bStorage, pc = c.AsColumnMajorArray(), pbias = bias.AsColumnMajorArray(),
               pcolumn = columnBias.AsColumnMajorArray())
        {
            using (Simd.Force((SimdWidth)width))
            {
                // The width as forced, so a machine without AVX-512 runs its widest path instead.
                var problem = new GemmProblem
                {
                    A = StridedMatrix.ColumnMajor(pa, m), B = bAsTransposedX ? new StridedMatrix(pb, n, 1) : StridedMatrix.ColumnMajor(pb, k),
                    C = StridedMatrix.ColumnMajor(pc, m), M = m, N = n, K = k, Accumulate = accumulate,
                    RowBias = rowBias ? pbias : null, ColumnBias = withColumnBias ? pcolumn : null, Width = Simd.Width,
                };
                if ((SimdWidth)width == SimdWidth.Vector512 && Simd.Supported >= SimdWidth.Vector512)
                    ThinProduct.Applies(problem).Should().BeTrue("the shape is one ThinProduct takes");
                Gemm.RunSerial(problem);
            }
        }
        Matrix<double> expected = initial + D(a) * D(b) + biasColumns;
        Accuracy.ShouldMatch(c, expected, initial.PointwiseAbs() + Abs(a) * Abs(b) + biasColumns.PointwiseAbs());
    }

    public static TheoryData<int, int, int, int, int, string, bool> Placements()
    {
        // (rows, lda, k, columns): aligned columns (lda a multiple of 16: 256 rows = 16 or 17 vectors by the lead, 80 =
        // five vectors, cut 3 + 2; 32 and 10-in-16 below one block), unaligned ones with a tail (100, 10, 50, 20); a last,
        // partial group of columns (9, 31, 10: a batch of 16 or 20 through a 10-class layer, x as A).
        var data = new TheoryData<int, int, int, int, int, string, bool>();
        foreach (var (m, lda, k, n) in new[] { (256, 256, 150, 16), (80, 80, 70, 9), (32, 32, 64, 4), (10, 16, 40, 8), (100, 100, 50, 12), (10, 10, 128, 8), (50, 57, 33, 31), (16, 16, 128, 10), (20, 20, 33, 10) })
            foreach (int lead in new[] { 0, 1, 2, 7, 14, 15 })
                foreach (string layout in new[] { "column-major", "row-major", "strided" })
                    data.Add(m, lda, k, n, lead, layout, lead % 2 == 0);
        return data;
    }

    /// <summary>
    /// A placed at offsets 0–15 floats from a cache line (the blocks start above row 0 to align W's columns and drop the rows
    /// outside C), C in each layout the three ways of writing it out take, accumulating or not: the bits of the scalar
    /// path, and Math.NET in double.
    /// </summary>
    [Theory, MemberData(nameof(Placements))]
    public void Every_alignment_of_A_and_layout_of_C_gives_the_scalar_bits(int m, int lda, int k, int n, int lead, string layout, bool accumulate)
    {
        Matrix<float> a = TestData.Uniform(m, k, 1), b = TestData.Uniform(k, n, 2), c0 = TestData.Uniform(m, n, 3);
        Matrix<float> bias = TestData.Uniform(m, 1, 4), columnBias = TestData.Uniform(1, n, 5);
        // A's storage: an aligned block, A starting `lead` floats in, columns lda apart, NaN in every gap (a value the
        // kernel must never let into C).
        float* storage = (float*)NativeMemory.AlignedAlloc((nuint)((lead + lda * k + 64) * sizeof(float)), 64);
        int cLength = 2 * m * n + 2 * m + 2 * n;
        float* vector = (float*)NativeMemory.AlignedAlloc((nuint)(cLength * sizeof(float)), 64), scalar = (float*)NativeMemory.AlignedAlloc((nuint)(cLength * sizeof(float)), 64);
        try
        {
            new Span<float>(storage, lead + lda * k + 64).Fill(float.NaN);
            for (int p = 0; p < k; p++)
                for (int i = 0; i < m; i++) storage[lead + i + p * lda] = a[i, p];
            StridedMatrix Place(float* data) => layout switch
            {
                "column-major" => new StridedMatrix(data, 1, m),
                "row-major" => new StridedMatrix(data, n, 1),
                _ => new StridedMatrix(data, 2 * n, 2),  // neither stride 1
            };
            void Fill(float* target)
            {
                new Span<float>(target, cLength).Fill(float.NaN);
                StridedMatrix placed = Place(target);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) placed.Data[i * placed.RowStride + j * placed.ColumnStride] = c0[i, j];
            }
            Fill(vector);
            Fill(scalar);
            fixed (float* pb = b.AsColumnMajorArray(), pbias = bias.AsColumnMajorArray(), pcolumn = columnBias.AsColumnMajorArray())
            {
                GemmProblem problem = new()
                {
                    A = new StridedMatrix(storage + lead, 1, lda), B = StridedMatrix.ColumnMajor(pb, k), C = Place(vector),
                    M = m, N = n, K = k, Accumulate = accumulate, RowBias = accumulate ? null : pbias, ColumnBias = accumulate ? pcolumn : null,
                    Width = SimdWidth.Vector512,
                };
                if (Simd.Supported >= SimdWidth.Vector512) ThinProduct.Applies(problem).Should().BeTrue();
                using (Simd.Force(SimdWidth.Vector512)) Gemm.RunSerial(problem with { Width = Simd.Width });
                using (Simd.Force(SimdWidth.Scalar)) Gemm.RunSerial(problem with { C = Place(scalar), Width = Simd.Width });
            }
            Matrix<float> result = Matrix<float>.Build.Dense(m, n);
            StridedMatrix written = Place(vector), reference = Place(scalar);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    float value = written.Data[i * written.RowStride + j * written.ColumnStride];
                    value.Should().Be(reference.Data[i * reference.RowStride + j * reference.ColumnStride], $"C[{i}, {j}] has the scalar path's bits");
                    result[i, j] = value;
                }
            // Nothing outside C was written: every gap of the strided layout, and past its end, is still NaN.
            if (layout == "strided")
                for (int q = 0; q < cLength; q++)
                    if (q % 2 == 1 || q / (2 * n) >= m) float.IsNaN(vector[q]).Should().BeTrue($"float {q} lies outside C");
            Matrix<double> start = accumulate
                ? D(c0) + Matrix<double>.Build.Dense(m, n, (_, j) => columnBias[0, j])
                : Matrix<double>.Build.Dense(m, n, (i, _) => bias[i, 0]);
            Accuracy.ShouldMatch(result, start + D(a) * D(b), start.PointwiseAbs() + Abs(a) * Abs(b));
        }
        finally
        {
            NativeMemory.AlignedFree(storage);
            NativeMemory.AlignedFree(vector);
            NativeMemory.AlignedFree(scalar);
        }
    }
}
