using NeuralNet.Kernels;

namespace NeuralNet.Tests.Kernels;

/// <summary>
/// The partition behind multi-threading, run part by part on one thread, so that the check does not depend on the
/// helper threads being free: the parts must cover C exactly and give the bits of the undivided product.
/// </summary>
public unsafe class GemmSplitTests
{
    [Theory]
    [InlineData(64, 784, 256, 2)]   // split by columns
    [InlineData(300, 70, 40, 2)]    // split by rows
    [InlineData(257, 31, 257, 3)]
    [InlineData(65, 100, 7, 5)]     // uneven: the last part is a single row
    [InlineData(257, 784, 1, 2)]    // one column: Multiply sums a large GEMV in halves of k instead, but Split stays general
    public void Parts_cover_C_and_give_the_bits_of_the_whole(int m, int k, int n, int parts)
    {
        float[] a = TestData.Uniform(m, k, 1).AsColumnMajorArray(), b = TestData.Uniform(k, n, 2).AsColumnMajorArray();
        float[] bias = TestData.Uniform(n, 1, 3).AsColumnMajorArray();
        float[] whole = new float[m * n], pieces = new float[m * n];
        Array.Fill(pieces, float.NaN);
        fixed (float* pa = a, pb = b, pbias = bias, pw = whole, pp = pieces)
        {
            float* sa = pa, sb = pb, sbias = pbias;   // fixed locals cannot be captured; copies of the pointers can
            GemmProblem Problem(float* c) => new()
            {
                A = StridedMatrix.ColumnMajor(sa, m), B = StridedMatrix.ColumnMajor(sb, k), C = StridedMatrix.ColumnMajor(c, m),
                M = m, N = n, K = k, ColumnBias = sbias, Width = Simd.Width,
            };
            Gemm.RunSerial(Problem(pw));
            Span<GemmProblem> split = new GemmProblem[parts];
            int count = Gemm.Split(Problem(pp), split);
            count.Should().BeInRange(2, parts);
            foreach (GemmProblem part in split[..count]) Gemm.RunSerial(part);
        }
        pieces.Should().Equal(whole);
    }
}
