using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using static NeuralNet.Tests.Kernels.Accuracy;

namespace NeuralNet.Tests.Kernels;

/// <summary>
/// A thin C whose A has contiguous columns (what a small batch's forward product becomes, transposed) on every width:
/// on the Vector512 path <see cref="ThinProduct"/> computes its whole 64 × 4 blocks and the general path the rest. The
/// Dense layer never accumulates into such a product, so these tests reach the accumulate start (C read back) directly,
/// with and without a row bias, against Math.NET in double.
/// </summary>
public unsafe class ThinProductTests
{
    public static TheoryData<int, int, int, int, bool, bool> Cases()
    {
        var data = new TheoryData<int, int, int, int, bool, bool>();
        foreach (SimdWidth width in Enum.GetValues<SimdWidth>())
            foreach (var (m, k, n) in new[] { (64, 100, 4), (130, 300, 7), (256, 784, 32), (200, 129, 13) })
                foreach (bool accumulate in new[] { true, false })
                    data.Add((int)width, m, k, n, accumulate, !accumulate || m == 130);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Matches_MathNet(int width, int m, int k, int n, bool accumulate, bool rowBias)
    {
        Matrix<float> a = TestData.Uniform(m, k, 1), b = TestData.Uniform(k, n, 2), c = TestData.Uniform(m, n, 3);
        Matrix<float> bias = TestData.Uniform(m, 1, 4);
        Matrix<double> initial = accumulate ? D(c) : Matrix<double>.Build.Dense(m, n);
        Matrix<double> biasColumns = rowBias ? Matrix<double>.Build.Dense(m, n, (i, _) => bias[i, 0]) : Matrix<double>.Build.Dense(m, n);
        fixed (float* pa = a.AsColumnMajorArray(), pb = b.AsColumnMajorArray(), pc = c.AsColumnMajorArray(), pbias = bias.AsColumnMajorArray())
        {
            using (Simd.Force((SimdWidth)width))
            {
                // The width as forced, so a machine without AVX-512 runs its widest path instead.
                var problem = new GemmProblem
                {
                    A = StridedMatrix.ColumnMajor(pa, m), B = StridedMatrix.ColumnMajor(pb, k), C = StridedMatrix.ColumnMajor(pc, m),
                    M = m, N = n, K = k, Accumulate = accumulate, RowBias = rowBias ? pbias : null, Width = Simd.Width,
                };
                if ((SimdWidth)width == SimdWidth.Vector512 && Simd.Supported >= SimdWidth.Vector512)
                    ThinProduct.Applies(problem).Should().BeTrue("the shape is one ThinProduct takes");
                Gemm.RunSerial(problem);
            }
        }
        Matrix<double> expected = initial + D(a) * D(b) + biasColumns;
        Accuracy.ShouldMatch(c, expected, initial.PointwiseAbs() + Abs(a) * Abs(b) + biasColumns.PointwiseAbs());
    }

}
