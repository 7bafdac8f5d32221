using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Losses;

/// <summary>
/// A loss that declares its own fusion with the output unit before it, as PyTorch's losses take logits: when a network
/// ends in a layer of type <see cref="FusedOutputUnit"/>, <see cref="Mlp.ComputeGradients"/> stops before that layer
/// and hands the logits z to <see cref="LossAndGradientAtLogits(Matrix{float}, Matrix{float}, Matrix{float})"/>, which computes the loss stably and ∂L/∂z directly.
/// </summary>
/// <remarks>The model knows no loss and no loss knows a layer's internals: this is the one meeting point.</remarks>
public interface IFusedLoss : ILoss
{
    /// <summary>The output unit's type (exactly; not a subclass) whose input this loss takes, such as <see cref="Layers.Softmax"/>.</summary>
    Type FusedOutputUnit { get; }

    /// <summary>Returns the loss of the logits against the targets, averaged over the N rows, and writes ∂L/∂z into <paramref name="gradient"/>.</summary>
    /// <param name="logits">z, N × outputs: the input of the output unit.</param>
    /// <param name="target">y, the same shape, valid for this loss.</param>
    /// <param name="gradient">Receives ∂L/∂z; the same shape, a dense matrix.</param>
    /// <exception cref="ArgumentException">The shapes differ, the batch is empty, or a target is invalid for this loss.</exception>
    float LossAndGradientAtLogits(Matrix<float> logits, Matrix<float> target, Matrix<float> gradient);

    /// <summary>
    /// The sample-weighted form of <see cref="LossAndGradientAtLogits(Matrix{float}, Matrix{float}, Matrix{float})"/>:
    /// returns Σₙ wₙℓₙ / Σₙ wₙ and writes its gradient, row n being wₙ/Σw · ∂ℓₙ/∂zₙ.
    /// </summary>
    /// <remarks>
    /// The built-in losses implement it directly. The default, for a loss of your own, rescales the rows of the unweighted
    /// gradient from 1/N to wₙ/Σw and evaluates each row's loss alone (exact when the loss is a mean of per-row losses).
    /// </remarks>
    /// <param name="logits">z, N × outputs: the input of the output unit.</param>
    /// <param name="target">y, the same shape, valid for this loss.</param>
    /// <param name="sampleWeights">N weights, finite, at least 0, not all 0.</param>
    /// <param name="gradient">Receives ∂L/∂z; the same shape, a dense matrix.</param>
    /// <exception cref="ArgumentException">As the unweighted form; or the weight count is not N, or a weight is negative, NaN or ∞, or all are 0.</exception>
    float LossAndGradientAtLogits(Matrix<float> logits, Matrix<float> target, ReadOnlySpan<float> sampleWeights, Matrix<float> gradient) =>
        SampleWeighting.LossAndGradientAtLogits(this, logits, target, sampleWeights, gradient);
}
