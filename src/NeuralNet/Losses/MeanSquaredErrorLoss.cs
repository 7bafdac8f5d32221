using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Losses;

/// <summary>
/// Mean squared error with the lecture's one half: L = (1/(2N)) Σₙ ‖y − ŷ‖²; ∂L/∂ŷ = (ŷ − y)/N.
/// The loss of a linear (<see cref="Layers.Identity"/>) output for regression.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public sealed class MeanSquaredErrorLoss : ILoss
{
    /// <inheritdoc/>
    public float Loss(Matrix<float> prediction, Matrix<float> target) =>
        PointwiseLoss.Loss(default(HalfSquare), prediction, target, default, weighted: false);

    /// <inheritdoc/>
    public float Loss(Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights) =>
        PointwiseLoss.Loss(default(HalfSquare), prediction, target, sampleWeights, weighted: true);

    /// <inheritdoc/>
    public void Gradient(Matrix<float> prediction, Matrix<float> target, Matrix<float> gradient) =>
        PointwiseLoss.Gradient(default(HalfSquare), prediction, target, default, weighted: false, gradient);

    /// <inheritdoc/>
    public void Gradient(Matrix<float> prediction, Matrix<float> target, ReadOnlySpan<float> sampleWeights, Matrix<float> gradient) =>
        PointwiseLoss.Gradient(default(HalfSquare), prediction, target, sampleWeights, weighted: true, gradient);

    /// <inheritdoc/>
    public override string ToString() => nameof(MeanSquaredErrorLoss);

    // h(d) = ½d², h′(d) = d.
    private readonly struct HalfSquare : IResidualTerm
    {
        public double Value(double d) => 0.5 * d * d;

        public void Derivative(Span<float> d) { }
    }
}
