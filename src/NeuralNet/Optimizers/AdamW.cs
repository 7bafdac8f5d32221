using NeuralNet.Serialization;

namespace NeuralNet.Optimizers;

/// <summary>AdamW (Loshchilov &amp; Hutter): Adam with decoupled weight decay, as PyTorch's <c>torch.optim.AdamW</c>.</summary>
/// <remarks>
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − (η / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε), ε outside the root.
/// Weight decay shrinks the weights directly, θ ← θ(1 − ηλ), before the Adam update; the moments see only ∇L.
/// Biases are not decayed. Not thread-safe.
/// </remarks>
public sealed class AdamW : ILearningRateOptimizer, IFiniteUpdate, IStatefulOptimizer
{
    private readonly AdamMoments _adam;

    /// <summary>Creates the optimizer; the defaults are PyTorch's.</summary>
    /// <param name="learningRate">η, greater than 0 and finite.</param>
    /// <param name="beta1">β₁, the decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">β₂, the decay of the second moment, in [0, 1).</param>
    /// <param name="epsilon">ε, greater than 0.</param>
    /// <param name="weightDecay">λ, at least 0; applies to weights only.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    public AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
        => _adam = new AdamMoments(learningRate, beta1, beta2, epsilon, weightDecay, decoupled: true);

    /// <summary>η. Settable between steps, for learning-rate schedules.</summary>
    public float LearningRate { get => _adam.LearningRate; set => _adam.LearningRate = value; }

    /// <summary>β₁.</summary>
    public float Beta1 => _adam.Beta1;

    /// <summary>β₂.</summary>
    public float Beta2 => _adam.Beta2;

    /// <summary>ε.</summary>
    public float Epsilon => _adam.Epsilon;

    /// <summary>λ.</summary>
    public float WeightDecay => _adam.WeightDecay;

    /// <summary>t, the number of steps taken so far.</summary>
    public int Steps => _adam.Steps;

    /// <inheritdoc/>
    public void Step(IReadOnlyList<Parameter> parameters) => _adam.Step(parameters);

    void IStatefulOptimizer.SaveState(IReadOnlyList<Parameter> parameters, StateDict state) => _adam.SaveState(parameters, state);

    void IStatefulOptimizer.LoadState(IReadOnlyList<Parameter> parameters, StateDict state) => _adam.LoadState(parameters, state, nameof(AdamW));
}
