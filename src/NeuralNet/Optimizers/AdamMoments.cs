using System.Numerics.Tensors;

namespace NeuralNet.Optimizers;

/// <summary>
/// The moment estimates and update shared by <see cref="Adam"/> and <see cref="AdamW"/>, as PyTorch computes them:
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − (η / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε).
/// </summary>
internal sealed class AdamMoments
{
    private readonly Dictionary<Parameter, (float[] M, float[] V)> _moments = new(ReferenceEqualityComparer.Instance);
    private float[] _g = [];
    private float[] _denominator = [];

    /// <summary>t, the number of steps taken (PyTorch counts it per parameter; here every parameter steps together).</summary>
    internal int Steps { get; private set; }

    internal static void Validate(float learningRate, float beta1, float beta2, float epsilon, float weightDecay)
    {
        RequireLearningRate(learningRate);
        if (!(beta1 >= 0f && beta1 < 1f))
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"β₁ must lie in [0, 1), but was {beta1}.");
        if (!(beta2 >= 0f && beta2 < 1f))
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"β₂ must lie in [0, 1), but was {beta2}.");
        if (!(epsilon > 0f) || !float.IsFinite(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"ε must be greater than 0 and finite, but was {epsilon}.");
        if (!(weightDecay >= 0f) || !float.IsFinite(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, $"Weight decay must be at least 0 and finite, but was {weightDecay}.");
    }

    internal static float RequireLearningRate(float value) =>
        value > 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException("learningRate", value, $"The learning rate must be greater than 0 and finite, but was {value}.");

    // l2: λ added to the gradient as λθ (Adam's weight_decay); decoupled: θ ← θ(1 − ηλ) before the update (AdamW's).
    // Both apply to weights only.
    internal void Step(IReadOnlyList<Parameter> parameters, float learningRate, float beta1, float beta2, float epsilon, float l2, float decoupled)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Steps++;
        // Scalars in double, as PyTorch computes them in Python floats.
        double biasCorrection1 = 1.0 - Math.Pow(beta1, Steps);
        float biasCorrection2Sqrt = (float)Math.Sqrt(1.0 - Math.Pow(beta2, Steps));
        float stepSize = (float)(learningRate / biasCorrection1);

        foreach (Parameter parameter in parameters)
        {
            ArgumentNullException.ThrowIfNull(parameter, nameof(parameters));
            Span<float> theta = parameter.Value.AsColumnMajorArray();
            ReadOnlySpan<float> gradient = parameter.Gradient.AsColumnMajorArray();
            if (!_moments.TryGetValue(parameter, out var moments))
            {
                moments = (new float[theta.Length], new float[theta.Length]);
                _moments.Add(parameter, moments);
            }
            if (_g.Length < theta.Length)
            {
                _g = new float[theta.Length];
                _denominator = new float[theta.Length];
            }
            Span<float> g = _g.AsSpan(0, theta.Length), denominator = _denominator.AsSpan(0, theta.Length);
            Span<float> m = moments.M, v = moments.V;

            if (l2 != 0f && parameter.IsWeight) TensorPrimitives.MultiplyAdd(theta, l2, gradient, g); // g = ∇L + λθ
            else gradient.CopyTo(g);
            if (decoupled != 0f && parameter.IsWeight) TensorPrimitives.Multiply(theta, 1f - learningRate * decoupled, theta);

            TensorPrimitives.Multiply(m, beta1, m);
            TensorPrimitives.MultiplyAdd(g, 1f - beta1, m, m);                 // m ← β₁m + (1−β₁)g
            TensorPrimitives.Multiply(v, beta2, v);
            TensorPrimitives.Multiply(g, g, denominator);
            TensorPrimitives.MultiplyAdd(denominator, 1f - beta2, v, v);       // v ← β₂v + (1−β₂)g²

            TensorPrimitives.Sqrt(v, denominator);
            TensorPrimitives.Divide(denominator, biasCorrection2Sqrt, denominator);
            TensorPrimitives.Add(denominator, epsilon, denominator);           // √v̂ + ε, ε outside the root
            TensorPrimitives.Divide(m, denominator, denominator);
            TensorPrimitives.MultiplyAdd(denominator, -stepSize, theta, theta); // θ ← θ − η m̂ / (√v̂ + ε)
        }
    }
}
