namespace NeuralNet.Optimizers;

/// <summary>An optimizer with one learning rate η that may change between steps, so a schedule can set it.</summary>
public interface ILearningRateOptimizer : IOptimizer
{
    /// <summary>η, greater than 0 and finite.</summary>
    float LearningRate { get; set; }
}
