using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Tests.Kernels;

/// <summary>Element-wise error of a float32 product against a double-precision reference.</summary>
internal static class Accuracy
{
    /// <summary>
    /// |actual − expected| ≤ tolerance · scale for every element, where scale is the same product on absolute values
    /// (Σₚ |aᵢₚ| |bₚⱼ| + |bias|): the size that float rounding errors are relative to, which cancellation cannot hide.
    /// </summary>
    internal static void ShouldMatch(Matrix<float> actual, Matrix<double> expected, Matrix<double> scale, double tolerance = 1e-5)
    {
        actual.RowCount.Should().Be(expected.RowCount);
        actual.ColumnCount.Should().Be(expected.ColumnCount);
        double worst = 0;
        (int Row, int Column) where = (0, 0);
        for (int j = 0; j < actual.ColumnCount; j++)
            for (int i = 0; i < actual.RowCount; i++)
            {
                double error = Math.Abs(actual[i, j] - expected[i, j]) / Math.Max(scale[i, j], double.Epsilon);
                if (!(error <= worst)) (worst, where) = (error, (i, j));
            }
        worst.Should().BeLessThan(tolerance,
            $"element [{where.Row}, {where.Column}] is {actual[where.Row, where.Column]} but should be {expected[where.Row, where.Column]}");
    }

    /// <summary>The matrix in double: the reference products are computed from it.</summary>
    internal static Matrix<double> D(Matrix<float> m) => m.Map(v => (double)v);

    /// <summary>|m| in double: the scale's factors.</summary>
    internal static Matrix<double> Abs(Matrix<float> m) => m.Map(v => (double)Math.Abs(v));
}
