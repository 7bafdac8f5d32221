using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Losses;

/// <summary>One term h(d) of a loss of the residual d = ŷ − y, and h′ written over d in place (an operator struct).</summary>
internal interface IResidualTerm
{
    double Value(double d);

    void Derivative(Span<float> d);
}

/// <summary>
/// The regression losses' one loop: L = Σₙ wₙ Σⱼ h(ŷₙⱼ − yₙⱼ) / Σₙ wₙ and ∂L/∂ŷₙⱼ = sₙ h′(ŷₙⱼ − yₙⱼ) (see <see cref="RowScale"/>),
/// for any term h. The loss sums in double; the gradient is vector code.
/// </summary>
internal static class PointwiseLoss
{
    internal static float Loss<T>(T term, Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights, bool weighted)
        where T : struct, IResidualTerm
    {
        var (p, y) = Targets.Check(prediction, target);
        int n = prediction.RowCount;
        var scale = weighted ? RowScale.Weighted(sampleWeights, n) : RowScale.Mean(n);
        double sum = 0;
        for (int j = 0; j < prediction.ColumnCount; j++)
            for (int i = 0; i < n; i++)
                sum += scale.Weight(i) * term.Value((double)p[j * n + i] - y[j * n + i]);
        return scale.Mean(sum);
    }

    internal static void Gradient<T>(T term, Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights, bool weighted,
                                     Matrix<float> gradient)
        where T : struct, IResidualTerm
    {
        var (p, y) = Targets.Check(prediction, target);
        int n = prediction.RowCount;
        var scale = weighted ? RowScale.Weighted(sampleWeights, n) : RowScale.Mean(n);
        Shapes.RequireSame(gradient, prediction, nameof(gradient));
        Span<float> g = gradient.AsColumnMajorArray()
            ?? throw new ArgumentException("The gradient must be a dense matrix.", nameof(gradient));
        System.Numerics.Tensors.TensorPrimitives.Subtract(p, y, g);
        term.Derivative(g);
        scale.ApplyToColumns(g, n);
    }
}
