namespace NeuralNet.Training;

/// <summary>What one batch of <see cref="Mlp.Fit"/> did, as <see cref="ITrainingCallback.OnBatchEnd"/> sees it.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Batch">The batch within the epoch, from 1 to <see cref="TrainingContext.BatchCount"/>.</param>
/// <param name="Loss">The batch's mean data loss, before the step.</param>
/// <param name="Rows">The samples in the batch (the last batch of an epoch may be short).</param>
public readonly record struct BatchResult(int Epoch, int Batch, float Loss, int Rows);
