using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Layers;

/// <summary>
/// One step of the lecture's chain h⁽ᵏ⁾ = g(W⁽ᵏ⁾ h⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾): an affine map or an activation.
/// Batches are matrices with one sample per row.
/// </summary>
/// <remarks>
/// A layer knows nothing of its neighbours. <see cref="Forward"/> keeps what <see cref="Backward"/> needs;
/// <see cref="Predict"/> keeps nothing and may run on many threads at once.
/// The matrices that <see cref="Forward"/> and <see cref="Backward"/> return belong to the layer: they are
/// reused (and overwritten) by its next call with the same batch size.
/// </remarks>
public interface ILayer
{
    /// <summary>The layer's trainable parameters; empty for activations.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Training forward pass: computes the output and keeps what <see cref="Backward"/> needs.</summary>
    /// <param name="input">A batch, one sample per row.</param>
    /// <returns>The output batch, owned by the layer until its next call.</returns>
    Matrix<float> Forward(Matrix<float> input);

    /// <summary>
    /// Backward pass for the last <see cref="Forward"/>: turns ∂J/∂output into ∂J/∂input and sets the
    /// gradients of <see cref="Parameters"/>.
    /// </summary>
    /// <param name="outputGradient">∂J/∂output, the same shape as the last output.</param>
    /// <returns>∂J/∂input, owned by the layer until its next call.</returns>
    Matrix<float> Backward(Matrix<float> outputGradient);

    /// <summary>Inference: the same output as <see cref="Forward"/>, in a new matrix, touching no cached state.</summary>
    /// <param name="input">A batch, one sample per row.</param>
    Matrix<float> Predict(Matrix<float> input);

    /// <summary>
    /// The number of input columns the layer requires, or null when it takes any width (an activation).
    /// <see cref="Mlp"/> checks that consecutive layers agree.
    /// </summary>
    int? InputWidth => null;

    /// <summary>The output width for an input of <paramref name="inputWidth"/> columns (null: not known); by default the same.</summary>
    /// <param name="inputWidth">The width coming in, or null when the layers before leave it open.</param>
    int? OutputWidth(int? inputWidth) => inputWidth;

    /// <summary>
    /// The initialisation that suits a <see cref="Dense"/> layer right before this one, when that layer was created with
    /// <see cref="WeightInitialization.Auto"/>: He for ReLU-like units, Glorot (the default) otherwise, or
    /// <see cref="WeightInitialization.Auto"/> for no wish of its own (Dropout, the norms), which passes the question on
    /// to the layer after it.
    /// </summary>
    WeightInitialization InitializationBefore => WeightInitialization.Glorot;
}
