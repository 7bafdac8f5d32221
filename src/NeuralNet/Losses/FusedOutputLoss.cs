using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Losses;

/// <summary>
/// An output unit and its maximum-likelihood loss computed as one step from the logits z: the loss by a
/// stable formula and the gradient at z exactly (ŷ − y)/N. The lecture's reason to pair them: the
/// gradient never saturates, and logits of ±1000 still give finite numbers.
/// </summary>
internal abstract class FusedOutputLoss
{
    /// <summary>The fused form of <paramref name="output"/> followed by <paramref name="loss"/>, or null if they don't pair.</summary>
    internal static FusedOutputLoss? For(ILayer output, ILoss loss) => (output, loss) switch
    {
        (Softmax, CrossEntropyLoss) => new SoftmaxCrossEntropy(),
        (Sigmoid, BinaryCrossEntropyLoss) => new SigmoidBinaryCrossEntropy(),
        _ => null,
    };

    /// <summary>Returns the loss of the logits against the targets and writes ∂L/∂z into <paramref name="gradient"/>.</summary>
    /// <param name="logits">z, N × outputs: the input of the output unit.</param>
    /// <param name="target">y, the same shape.</param>
    /// <param name="gradient">Receives (ŷ − y)/N; the same shape.</param>
    internal abstract float LossAndGradient(Matrix<float> logits, Matrix<float> target, Matrix<float> gradient);
}
