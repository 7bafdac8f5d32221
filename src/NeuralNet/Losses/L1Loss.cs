using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Losses;

/// <summary>
/// Absolute error, summed over the outputs and averaged over the batch: L = (1/N) Σ |ŷ − y|; ∂L/∂ŷ = sign(ŷ − y)/N, with
/// the subgradient 0 where ŷ = y. Its minimiser is the median, so outliers pull it less than the squared error.
/// </summary>
/// <remarks>PyTorch's <c>L1Loss</c>, summed over the outputs (torch's mean divides by the outputs too). Stateless and thread-safe.</remarks>
public sealed class L1Loss : ILoss
{
    /// <inheritdoc/>
    public float Loss(Matrix<float> prediction, Matrix<float> target) =>
        PointwiseLoss.Loss(default(Absolute), prediction, target, default, weighted: false);

    /// <inheritdoc/>
    public float Loss(Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights) =>
        PointwiseLoss.Loss(default(Absolute), prediction, target, sampleWeights, weighted: true);

    /// <inheritdoc/>
    public void Gradient(Matrix<float> prediction, Matrix<float> target, Matrix<float> gradient) =>
        PointwiseLoss.Gradient(default(Absolute), prediction, target, default, weighted: false, gradient);

    /// <inheritdoc/>
    public void Gradient(Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights, Matrix<float> gradient) =>
        PointwiseLoss.Gradient(default(Absolute), prediction, target, sampleWeights, weighted: true, gradient);

    /// <inheritdoc/>
    public override string ToString() => nameof(L1Loss);

    // h(d) = |d|; h′(d) = sign(d), 0 at 0 (the subgradient torch takes).
    private readonly struct Absolute : IResidualTerm
    {
        public double Value(double d) => Math.Abs(d);

        public void Derivative(Span<float> d)
        {
            for (int k = 0; k < d.Length; k++) d[k] = d[k] > 0f ? 1f : d[k] < 0f ? -1f : 0f;
        }
    }
}
