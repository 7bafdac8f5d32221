namespace NeuralNet.Training;

/// <summary>How <see cref="OneCycle"/> moves between two rates within a phase, as PyTorch's <c>anneal_strategy</c>.</summary>
public enum AnnealStrategy
{
    /// <summary>PyTorch's <c>"cos"</c>: end + (start − end)(1 + cos(π p)) / 2 at the fraction p of the phase.</summary>
    Cosine,

    /// <summary>PyTorch's <c>"linear"</c>: start + (end − start) p.</summary>
    Linear,
}
