namespace NeuralNet.Training;

/// <summary>How <see cref="ReduceOnPlateau"/> decides that a loss improves on the best, as PyTorch's <c>threshold_mode</c>.</summary>
public enum ThresholdMode
{
    /// <summary>PyTorch's <c>"rel"</c>: the loss is better when below best × (1 − threshold).</summary>
    Relative,

    /// <summary>PyTorch's <c>"abs"</c>: the loss is better when below best − threshold.</summary>
    Absolute,
}
