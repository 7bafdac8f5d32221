namespace NeuralNet.Training;

/// <summary>
/// Training stopped because the loss, or the weights after a step, became NaN or ∞. The model keeps the last
/// finite weights it had, from before the failing step.
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Creates the exception for a failure at the given epoch and batch (both from 1).</summary>
    /// <param name="epoch">The epoch, from 1.</param>
    /// <param name="batch">The batch within the epoch, from 1.</param>
    /// <param name="loss">The batch's loss (finite when it was the weights that overflowed).</param>
    /// <param name="reason">What became non-finite.</param>
    public TrainingDivergedException(int epoch, int batch, float loss, string reason)
        : base($"Training diverged at epoch {epoch}, batch {batch}: {reason} (batch loss {loss}). " +
               "The model keeps its last finite weights, from before this step. A lower learning rate, scaled inputs " +
               "or a loss fused with its output unit usually help.")
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
    }

    /// <summary>The epoch in which training diverged, from 1.</summary>
    public int Epoch { get; }

    /// <summary>The batch within <see cref="Epoch"/> at which training diverged, from 1.</summary>
    public int Batch { get; }

    /// <summary>The loss of that batch.</summary>
    public float Loss { get; }
}
