namespace NeuralNet.Training;

/// <summary>What a schedule's step counts: <see cref="Mlp.Fit"/> asks it for a rate before every epoch or before every batch.</summary>
public enum ScheduleUnit
{
    /// <summary>One step per epoch, as PyTorch's schedulers stepped after each epoch (StepLR, CosineAnnealingLR, …).</summary>
    Epoch,

    /// <summary>One step per mini-batch (optimizer step), as PyTorch's OneCycleLR stepped after each batch.</summary>
    Batch,
}
