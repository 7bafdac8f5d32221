using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;

namespace NeuralNet.Tests.Kernels;

/// <summary>
/// The row-by-row softmax that small batches take must give the bits of the vector form (which row blocks and larger
/// batches take), and the definition in double.
/// </summary>
public class RowSoftmaxTests
{
    public static TheoryData<int, int, float> Shapes()
    {
        var data = new TheoryData<int, int, float>();
        foreach (int n in new[] { 1, 2, 3 })
            foreach (int classes in new[] { 1, 2, 3, 10, 37 })
                foreach (float range in new[] { 3f, 80f })
                    data.Add(n, classes, range);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void By_rows_gives_the_bits_of_the_vector_form(int n, int classes, float range)
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var z = TestData.Uniform(n, classes, seed: 100 * seed + classes, low: -range, high: range);
            var (byRows, lseRows) = Run(RowSoftmax.ApplyByRows, z);
            var (byColumns, lseColumns) = Run(RowSoftmax.ApplyByColumns, z);
            byRows.AsColumnMajorArray().Should().Equal(byColumns.AsColumnMajorArray(), $"seed {seed}");
            lseRows.Should().Equal(lseColumns, $"seed {seed}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(17)]
    public void Apply_matches_the_definition_in_double(int n)
    {
        var z = TestData.Uniform(n, 10, seed: n, low: -30, high: 30);
        var (h, lse) = Run(RowSoftmax.Apply, z);
        for (int i = 0; i < n; i++)
        {
            double max = Enumerable.Range(0, 10).Max(j => (double)z[i, j]);
            double sum = Enumerable.Range(0, 10).Sum(j => Math.Exp(z[i, j] - max));
            ((double)lse[i]).Should().BeApproximately(max + Math.Log(sum), 1e-5 * Math.Max(1, Math.Abs(max)));
            for (int j = 0; j < 10; j++)
                ((double)h[i, j]).Should().BeApproximately(Math.Exp(z[i, j] - max) / sum, 1e-6);
        }
    }

    private static (Matrix<float> H, float[] LogSumExp) Run(Action<Matrix<float>, Matrix<float>, Span<float>> softmax, Matrix<float> z)
    {
        var h = Matrix<float>.Build.Dense(z.RowCount, z.ColumnCount);
        var scratch = new float[2 * z.RowCount];
        softmax(z, h, scratch);
        return (h, scratch[..z.RowCount]);
    }
}
