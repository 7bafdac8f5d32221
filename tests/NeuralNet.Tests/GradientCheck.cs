using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Tests;

/// <summary>
/// Central finite differences, (f(θ + h) − f(θ − h)) / 2h, element by element: the independent oracle every
/// analytic gradient in the library is checked against. The objective is evaluated in float32 (as the library
/// computes) and summed in double, so h is large enough that rounding stays well below the tolerance.
/// </summary>
internal static class GradientCheck
{
    internal const float Step = 1e-2f;

    /// <summary>The numerical gradient of <paramref name="objective"/> with respect to every element of <paramref name="variable"/>.</summary>
    internal static double[] Numerical(Matrix<float> variable, Func<double> objective, float step = Step)
    {
        float[] values = variable.AsColumnMajorArray();
        var gradient = new double[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            float original = values[k];
            values[k] = original + step;
            double plus = objective();
            values[k] = original - step;
            double minus = objective();
            values[k] = original;
            gradient[k] = (plus - minus) / (2.0 * step);
        }
        return gradient;
    }

    /// <summary>Σ r ⊙ m in double: a scalar objective whose gradient with respect to m is r.</summary>
    internal static double Weighted(Matrix<float> m, Matrix<float> r)
    {
        double sum = 0;
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++)
                sum += (double)m[i, j] * r[i, j];
        return sum;
    }

    /// <summary>Asserts that the analytic gradient agrees with the numerical one element by element.</summary>
    internal static void ShouldMatch(Matrix<float> analytic, double[] numerical, string what, double tolerance = 2e-2)
    {
        float[] a = analytic.AsColumnMajorArray();
        a.Length.Should().Be(numerical.Length, what);
        double scale = Math.Max(1e-2, numerical.Max(Math.Abs));
        for (int k = 0; k < a.Length; k++)
        {
            double error = Math.Abs(a[k] - numerical[k]) / Math.Max(scale, Math.Abs(numerical[k]));
            error.Should().BeLessThan(tolerance,
                $"{what}[{k % analytic.RowCount}, {k / analytic.RowCount}]: analytic {a[k]} vs numerical {numerical[k]}");
        }
    }

    /// <summary>
    /// Every parameter gradient that <see cref="Mlp.ComputeGradients"/> sets, and the ∂J/∂x that <see cref="Mlp.Backward"/>
    /// returns for a random J = Σ r ⊙ output, against central differences of the training-mode objective (<see cref="Mlp.Forward"/>:
    /// batch statistics where a layer has them, since the gradient is taken through them).
    /// </summary>
    internal static void NetworkShouldMatch(Mlp model, Matrix<float> x, Matrix<float> target, NeuralNet.Losses.ILoss loss, string what)
    {
        model.ComputeGradients(x, target, loss);
        var analytic = model.Parameters.Select(p => p.Gradient.Clone()).ToArray();
        for (int k = 0; k < analytic.Length; k++)
        {
            var parameter = model.Parameters[k];
            var numerical = Numerical(parameter.Value, () => loss.Loss(model.Forward(x), target), step: 2e-3f);
            ShouldMatch(analytic[k], numerical, $"{what}: parameter {k} ({parameter.Name})", tolerance: 3e-2);
        }

        var r = TestData.Uniform(x.RowCount, target.ColumnCount, seed: 7);
        model.Forward(x);
        var dx = model.Backward(r).Clone();
        ShouldMatch(dx, Numerical(x, () => Weighted(model.Forward(x), r), step: 1e-3f), $"{what}: ∂J/∂x");
    }
}
