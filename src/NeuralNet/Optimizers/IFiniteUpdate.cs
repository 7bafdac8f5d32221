namespace NeuralNet.Optimizers;

/// <summary>
/// Marks the library's optimizers: from finite weights, gradients and state their step writes finite weights unless a
/// value overflows float, so the training loop's divergence guard need not copy the weights before every step.
/// </summary>
internal interface IFiniteUpdate
{
}
