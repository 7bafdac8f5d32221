using System.Numerics.Tensors;
using NeuralNet.Serialization;

namespace NeuralNet.Optimizers;

/// <summary>
/// The one Adam: the hyper-parameters, moment estimates and update that <see cref="Adam"/> and <see cref="AdamW"/> are
/// two faces of, as PyTorch computes them: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − (η / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε).
/// The two differ only in where the weight decay λ goes: into the gradient as λθ (Adam's L2), or straight onto the
/// weights as θ ← θ(1 − ηλ) before the update (AdamW's decoupled decay). Both decay weights only.
/// </summary>
internal sealed class AdamMoments
{
    private readonly Dictionary<Parameter, (float[] M, float[] V)> _moments = new(ReferenceEqualityComparer.Instance);

    /// <summary>Checks every hyper-parameter (the exceptions name it and its value).</summary>
    internal AdamMoments(float learningRate, float beta1, float beta2, float epsilon, float weightDecay, bool decoupled)
    {
        LearningRate = learningRate;
        Beta1 = HyperParameters.UnitInterval(beta1, nameof(beta1), "β₁");
        Beta2 = HyperParameters.UnitInterval(beta2, nameof(beta2), "β₂");
        Epsilon = HyperParameters.Positive(epsilon, nameof(epsilon), "ε");
        WeightDecay = HyperParameters.NonNegative(weightDecay, nameof(weightDecay), "Weight decay");
        Decoupled = decoupled;
    }

    /// <summary>η, settable between steps.</summary>
    internal float LearningRate { get; set => field = HyperParameters.LearningRate(value); }

    internal float Beta1 { get; }

    internal float Beta2 { get; }

    internal float Epsilon { get; }

    internal float WeightDecay { get; }

    /// <summary>AdamW's decay (on θ) rather than Adam's (on the gradient).</summary>
    internal bool Decoupled { get; }

    /// <summary>t, the number of steps taken (PyTorch counts it per parameter; here every parameter steps together).</summary>
    internal int Steps { get; private set; }

    /// <summary>The state for a checkpoint, as <see cref="IStatefulOptimizer.SaveState"/>: PyTorch's names (<c>exp_avg</c> m, <c>exp_avg_sq</c> v).</summary>
    internal void SaveState(IReadOnlyList<Parameter> parameters, StateDict state)
    {
        state.Add("lr", LearningRate);
        state.Add("beta1", Beta1);
        state.Add("beta2", Beta2);
        state.Add("eps", Epsilon);
        state.Add("weight_decay", WeightDecay);
        state.Add("step", Steps);
        for (int index = 0; index < parameters.Count; index++)
        {
            if (!_moments.TryGetValue(parameters[index], out var moments)) continue;
            state.Add(StateDict.BufferKey(FirstMoment, index), moments.M);
            state.Add(StateDict.BufferKey(SecondMoment, index), moments.V);
        }
    }

    /// <summary>Replaces the state with a checkpoint's, as <see cref="IStatefulOptimizer.LoadState"/>.</summary>
    internal void LoadState(IReadOnlyList<Parameter> parameters, StateDict state, string owner)
    {
        state.RequireSame("beta1", Beta1, owner, "optimizer");
        state.RequireSame("beta2", Beta2, owner, "optimizer");
        state.RequireSame("eps", Epsilon, owner, "optimizer");
        state.RequireSame("weight_decay", WeightDecay, owner, "optimizer");
        LearningRate = state.GetFinite("lr", positive: true);
        Steps = state.GetInt32("step", min: 0);
        _moments.Clear();
        for (int index = 0; index < parameters.Count; index++)
        {
            int length = parameters[index].Count;
            float[]? m = state.GetBuffer(FirstMoment, index, length), v = state.GetBuffer(SecondMoment, index, length);
            if ((m is null) != (v is null))
                throw new InvalidDataException($"The checkpoint is invalid: {state.Path} holds only one of {FirstMoment} and {SecondMoment} for parameter {index}.");
            if (m is not null) _moments.Add(parameters[index], (m, v!));
        }
    }

    private const string FirstMoment = "exp_avg", SecondMoment = "exp_avg_sq";

    internal void Step(IReadOnlyList<Parameter> parameters) =>
        Step(parameters, LearningRate, Beta1, Beta2, Epsilon, l2: Decoupled ? 0f : WeightDecay, decoupled: Decoupled ? WeightDecay : 0f);

    // l2: λ added to the gradient as λθ (Adam's weight_decay); decoupled: θ ← θ(1 − ηλ) before the update (AdamW's).
    // Both apply to weights only.
    private void Step(IReadOnlyList<Parameter> parameters, float learningRate, float beta1, float beta2, float epsilon, float l2, float decoupled)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Steps++;
        // Scalars in double, as PyTorch computes them in Python floats.
        var forWeights = new Coefficients(beta1, beta2, epsilon, l2, DecayFactor: 1f - learningRate * decoupled,
            StepSize: (float)(learningRate / (1.0 - Math.Pow(beta1, Steps))),
            BiasCorrection2Sqrt: (float)Math.Sqrt(1.0 - Math.Pow(beta2, Steps)));
        var forBiases = forWeights with { L2 = 0f, DecayFactor = 1f };

        for (int index = 0; index < parameters.Count; index++)
        {
            Parameter parameter = parameters[index];
            ArgumentNullException.ThrowIfNull(parameter, nameof(parameters));
            float[] theta = parameter.Value.AsColumnMajorArray();
            if (!_moments.TryGetValue(parameter, out var moments))
            {
                moments = (new float[theta.Length], new float[theta.Length]);
                _moments.Add(parameter, moments);
            }
            unsafe
            {
                fixed (float* thetaData = theta, gradientData = parameter.Gradient.AsColumnMajorArray(), m = moments.M, v = moments.V)
                {
                    var update = new Update
                    {
                        Theta = thetaData, Gradient = gradientData, M = m, V = v, Length = theta.Length,
                        Coefficients = parameter.IsWeight ? forWeights : forBiases,
                    };
                    UpdateBlocks.Run(update);
                }
            }
        }
    }

    /// <summary>The update of a range of one parameter's values (all of them, or one thread's half).</summary>
    private unsafe struct Update : IBlockUpdate<Update>
    {
        internal float* Theta, Gradient, M, V;
        public int Length { readonly get; init; }
        internal Coefficients Coefficients;

        public readonly Update Slice(int start, int length) => this with
        {
            Theta = Theta + start, Gradient = Gradient + start, M = M + start, V = V + start, Length = length,
        };

        /// <summary>Every pass over this range, which is one block (see <see cref="UpdateBlocks"/>).</summary>
        public readonly void RunBlock()
        {
            var theta = new Span<float>(Theta, Length);
            var gradient = new ReadOnlySpan<float>(Gradient, Length);
            Span<float> m = new(M, Length), v = new(V, Length);
            Span<float> g = UpdateBlocks.Scratch(0, Length), denominator = UpdateBlocks.Scratch(1, Length);
            Coefficients c = Coefficients;

            if (c.L2 != 0f) TensorPrimitives.MultiplyAdd(theta, c.L2, gradient, g); // g = ∇L + λθ
            else gradient.CopyTo(g);
            if (c.DecayFactor != 1f) TensorPrimitives.Multiply(theta, c.DecayFactor, theta); // θ ← θ(1 − ηλ)

            TensorPrimitives.Multiply(m, c.Beta1, m);
            TensorPrimitives.MultiplyAdd(g, 1f - c.Beta1, m, m);                 // m ← β₁m + (1−β₁)g
            TensorPrimitives.Multiply(v, c.Beta2, v);
            TensorPrimitives.Multiply(g, g, denominator);
            TensorPrimitives.MultiplyAdd(denominator, 1f - c.Beta2, v, v);       // v ← β₂v + (1−β₂)g²

            TensorPrimitives.Sqrt(v, denominator);
            TensorPrimitives.Divide(denominator, c.BiasCorrection2Sqrt, denominator);
            TensorPrimitives.Add(denominator, c.Epsilon, denominator);           // √v̂ + ε, ε outside the root
            TensorPrimitives.Divide(m, denominator, denominator);
            TensorPrimitives.MultiplyAdd(denominator, -c.StepSize, theta, theta); // θ ← θ − η m̂ / (√v̂ + ε)
        }
    }

    /// <summary>
    /// One step's scalars for one kind of parameter. L2: λ added to the gradient as λθ (Adam's weight decay); DecayFactor:
    /// 1 − ηλ, applied to θ before the update (AdamW's decoupled decay). Biases get neither.
    /// </summary>
    private readonly record struct Coefficients(float Beta1, float Beta2, float Epsilon, float L2, float DecayFactor,
        float StepSize, float BiasCorrection2Sqrt);
}
