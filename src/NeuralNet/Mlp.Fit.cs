using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet;

public sealed partial class Mlp
{
    /// <summary>
    /// Trains the network by mini-batch gradient descent, as Keras's <c>fit</c>: for each epoch, the samples in a
    /// (seeded) random order, cut into batches of <see cref="TrainingOptions.BatchSize"/> (the last may be shorter),
    /// each a <see cref="ComputeGradients"/> and an <see cref="IOptimizer.Step"/>; then validation, early stopping
    /// and the learning-rate schedule. Progress is reported, never printed.
    /// </summary>
    /// <param name="inputs">The training inputs, N × inputs, finite.</param>
    /// <param name="targets">The training targets, N × outputs (one-hot for cross-entropy).</param>
    /// <param name="loss">The loss to minimise; paired with a softmax or sigmoid output it is fused.</param>
    /// <param name="optimizer">Updates the parameters; it keeps its state (momentum, moments) across calls.</param>
    /// <param name="options">Epochs, batch size, shuffling, validation, early stopping, schedule.</param>
    /// <param name="progress">Receives one <see cref="EpochResult"/> after every epoch, on the training thread.</param>
    /// <param name="cancellationToken">
    /// Checked between batches; cancelling leaves the model with the weights of the last completed step (and, with
    /// <see cref="TrainingOptions.Checkpoint"/>, writes a checkpoint of them that <see cref="TrainingOptions.ResumeFrom"/> continues from).
    /// </param>
    /// <returns>One <see cref="EpochResult"/> per epoch trained.</returns>
    /// <exception cref="ArgumentException">Bad shapes, empty or non-finite data, or inconsistent options (the message names them).</exception>
    /// <exception cref="TrainingDivergedException">
    /// A loss or the weights became NaN or ∞. The model is restored to finite weights whose loss on a batch was finite: with
    /// the library's optimizers, those the loop kept at most 32 steps (or one epoch end) before, as it does not copy every
    /// weight on every step; with an optimizer of your own, those from just before the step that diverged.
    /// </exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="InvalidDataException"><see cref="TrainingOptions.ResumeFrom"/> is not a valid checkpoint.</exception>
    /// <exception cref="InvalidOperationException"><see cref="TrainingOptions.ResumeFrom"/> is a checkpoint of another model (the message names the layer).</exception>
    public TrainingHistory Fit(Matrix<float> inputs, Matrix<float> targets, ILoss loss, IOptimizer optimizer,
                               TrainingOptions options, IProgress<EpochResult>? progress = null,
                               CancellationToken cancellationToken = default)
        => Trainer.Fit(this, inputs, targets, loss, optimizer, options, progress, cancellationToken);
}
