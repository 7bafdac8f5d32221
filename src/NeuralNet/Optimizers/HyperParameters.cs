namespace NeuralNet.Optimizers;

/// <summary>
/// The range checks every optimizer applies to its hyper-parameters, in one place: each throws an
/// <see cref="ArgumentOutOfRangeException"/> that names the parameter and its value, and returns the value.
/// </summary>
internal static class HyperParameters
{
    /// <summary>η &gt; 0 and finite.</summary>
    internal static float LearningRate(float value, string name = "learningRate") =>
        value > 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"The learning rate must be greater than 0 and finite, but was {value}.");

    /// <summary>A decay rate in [0, 1): momentum, β₁, β₂, α.</summary>
    internal static float UnitInterval(float value, string name, string symbol) =>
        value >= 0f && value < 1f
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{symbol} must lie in [0, 1), but was {value}.");

    /// <summary>ε &gt; 0 and finite.</summary>
    internal static float Positive(float value, string name, string symbol) =>
        value > 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{symbol} must be greater than 0 and finite, but was {value}.");

    /// <summary>λ ≥ 0 and finite: weight decay, learning-rate decay, initial accumulator values.</summary>
    internal static float NonNegative(float value, string name, string what) =>
        value >= 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{what} must be at least 0 and finite, but was {value}.");

    /// <summary>A tolerance ≥ 0 and finite.</summary>
    internal static double NonNegative(double value, string name, string what) =>
        value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{what} must be at least 0 and finite, but was {value}.");

    /// <summary>A count ≥ 1: iterations, evaluations, history length.</summary>
    internal static int AtLeastOne(int value, string name, string what) =>
        value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{what} must be at least 1, but was {value}.");
}
