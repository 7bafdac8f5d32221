using MathNet.Numerics.LinearAlgebra;
using System.Globalization;
using System.Numerics.Tensors;
using NeuralNet.Optimizers;

namespace NeuralNet.Losses;

/// <summary>
/// Huber loss, summed over the outputs and averaged over the batch: L = (1/N) Σ h(ŷ − y) with h(d) = ½d² for |d| ≤ δ,
/// else δ(|d| − ½δ); ∂L/∂ŷ = clamp(ŷ − y, −δ, δ)/N. Quadratic near the target, linear (robust to outliers) beyond δ.
/// </summary>
/// <remarks>PyTorch's <c>HuberLoss(delta)</c>, summed over the outputs (torch's mean divides by the outputs too). Stateless and thread-safe.</remarks>
public sealed class HuberLoss : ILoss
{
    /// <summary>A Huber loss with threshold δ.</summary>
    /// <param name="delta">δ &gt; 0 and finite: where the quadratic becomes linear.</param>
    /// <exception cref="ArgumentOutOfRangeException">δ is not greater than 0, or is NaN or ∞.</exception>
    public HuberLoss(float delta = 1f) => Delta = HyperParameters.Positive(delta, nameof(delta), "δ");

    /// <summary>δ: where the quadratic becomes linear.</summary>
    public float Delta { get; }

    /// <inheritdoc/>
    public float Loss(Matrix<float> prediction, Matrix<float> target) =>
        PointwiseLoss.Loss(new Term(Delta), prediction, target, default, weighted: false);

    /// <inheritdoc/>
    public float Loss(Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights) =>
        PointwiseLoss.Loss(new Term(Delta), prediction, target, sampleWeights, weighted: true);

    /// <inheritdoc/>
    public void Gradient(Matrix<float> prediction, Matrix<float> target, Matrix<float> gradient) =>
        PointwiseLoss.Gradient(new Term(Delta), prediction, target, default, weighted: false, gradient);

    /// <inheritdoc/>
    public void Gradient(Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights, Matrix<float> gradient) =>
        PointwiseLoss.Gradient(new Term(Delta), prediction, target, sampleWeights, weighted: true, gradient);

    /// <inheritdoc/>
    public override string ToString() => $"{nameof(HuberLoss)}(delta: {Delta.ToString(CultureInfo.InvariantCulture)})";

    // h(d) = ½d² for |d| ≤ δ, else δ(|d| − ½δ); h′(d) = clamp(d, −δ, δ).
    private readonly struct Term(float delta) : IResidualTerm
    {
        public double Value(double d)
        {
            double size = Math.Abs(d);
            return size <= delta ? 0.5 * d * d : delta * (size - 0.5 * delta);
        }

        public void Derivative(Span<float> d)
        {
            TensorPrimitives.Min(d, delta, d);
            TensorPrimitives.Max(d, -delta, d);
        }
    }
}
