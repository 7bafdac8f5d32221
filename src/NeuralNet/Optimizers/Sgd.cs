using System.Numerics.Tensors;
using NeuralNet.Serialization;

namespace NeuralNet.Optimizers;

/// <summary>
/// Stochastic gradient descent, θ ← θ − η g, with PyTorch's rules for momentum, Nesterov momentum and weight decay.
/// </summary>
/// <remarks>
/// g = ∇L + λθ for weights (the gradient of the lecture's λΩ(θ) with Ω = ½ Σ W²; biases are not decayed).
/// With momentum μ: v ← μ v + g (v starts as g), then g ← v, or g ← g + μ v with Nesterov. Velocities are kept
/// per parameter. Not thread-safe.
/// </remarks>
public sealed class Sgd : ILearningRateOptimizer, IFiniteUpdate, IStatefulOptimizer
{
    private readonly Dictionary<Parameter, float[]> _velocity = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">η, greater than 0 and finite.</param>
    /// <param name="momentum">μ, in [0, 1); 0 for none.</param>
    /// <param name="nesterov">Use Nesterov momentum; needs <paramref name="momentum"/> &gt; 0.</param>
    /// <param name="weightDecay">λ, at least 0 and finite; applies to weights only.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    /// <exception cref="ArgumentException">Nesterov without momentum.</exception>
    public Sgd(float learningRate, float momentum = 0f, bool nesterov = false, float weightDecay = 0f)
    {
        LearningRate = HyperParameters.LearningRate(learningRate);
        Momentum = HyperParameters.UnitInterval(momentum, nameof(momentum), "Momentum");
        WeightDecay = HyperParameters.NonNegative(weightDecay, nameof(weightDecay), "Weight decay");
        if (nesterov && momentum == 0f)
            throw new ArgumentException($"Nesterov momentum needs a momentum greater than 0, but momentum was {momentum}.", nameof(nesterov));
        Nesterov = nesterov;
    }

    /// <summary>η. Settable between steps, for learning-rate schedules.</summary>
    public float LearningRate { get; set => field = HyperParameters.LearningRate(value, nameof(value)); }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public void Step(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        // An index loop: foreach over the interface would allocate an enumerator on every step.
        for (int index = 0; index < parameters.Count; index++)
        {
            Parameter parameter = parameters[index];
            ArgumentNullException.ThrowIfNull(parameter, nameof(parameters));
            float[] theta = parameter.Value.AsColumnMajorArray();
            float[]? velocity = null;
            if (Momentum != 0f && !_velocity.TryGetValue(parameter, out velocity))
            {
                // Zeros: the first v ← μ v + g is then g itself, as PyTorch starts the buffer.
                velocity = new float[theta.Length];
                _velocity.Add(parameter, velocity);
            }
            unsafe
            {
                fixed (float* thetaData = theta, gradientData = parameter.Gradient.AsColumnMajorArray(), velocityData = velocity)
                {
                    var update = new Update
                    {
                        Theta = thetaData, Gradient = gradientData, Velocity = velocityData, Length = theta.Length,
                        LearningRate = LearningRate, Momentum = Momentum, Nesterov = Nesterov,
                        WeightDecay = parameter.IsWeight ? WeightDecay : 0f,
                    };
                    UpdateBlocks.Run(update);
                }
            }
        }
    }

    void IStatefulOptimizer.SaveState(IReadOnlyList<Parameter> parameters, StateDict state)
    {
        state.Add("lr", LearningRate);
        state.Add("momentum", Momentum);
        state.Add("nesterov", Nesterov);
        state.Add("weight_decay", WeightDecay);
        for (int index = 0; index < parameters.Count; index++)
            if (_velocity.TryGetValue(parameters[index], out float[]? velocity)) state.Add(StateDict.BufferKey(MomentumBuffer, index), velocity);
    }

    void IStatefulOptimizer.LoadState(IReadOnlyList<Parameter> parameters, StateDict state)
    {
        state.RequireSame("momentum", Momentum, nameof(Sgd), "optimizer");
        state.RequireSame("nesterov", Nesterov ? 1 : 0, nameof(Sgd), "optimizer");
        state.RequireSame("weight_decay", WeightDecay, nameof(Sgd), "optimizer");
        LearningRate = state.GetFinite("lr", positive: true);
        _velocity.Clear();
        for (int index = 0; index < parameters.Count; index++)
            if (state.GetBuffer(MomentumBuffer, index, parameters[index].Count) is { } velocity) _velocity.Add(parameters[index], velocity);
    }

    // PyTorch's name for v.
    private const string MomentumBuffer = "momentum_buffer";

    /// <summary>The update of a range of one parameter's values (all of them, or one thread's half).</summary>
    private unsafe struct Update : IBlockUpdate<Update>
    {
        internal float* Theta, Gradient, Velocity;   // Velocity is null without momentum
        public int Length { readonly get; init; }
        internal float LearningRate, Momentum, WeightDecay;
        internal bool Nesterov;

        public readonly Update Slice(int start, int length) => this with
        {
            Theta = Theta + start, Gradient = Gradient + start, Velocity = Velocity == null ? null : Velocity + start, Length = length,
        };

        /// <summary>Every pass over this range, which is one block (see <see cref="UpdateBlocks"/>).</summary>
        public readonly void RunBlock()
        {
            var theta = new Span<float>(Theta, Length);
            // The step direction, built up below from g = ∇L + λθ (weights only).
            ReadOnlySpan<float> g = UpdateBlocks.WithWeightDecay(new(Gradient, Length), theta, WeightDecay);
            if (Momentum != 0f)
            {
                var velocity = new Span<float>(Velocity, Length);
                TensorPrimitives.MultiplyAdd(velocity, Momentum, g, velocity);   // v ← μ v + g
                if (Nesterov)
                {
                    Span<float> lookahead = UpdateBlocks.Scratch(1, Length);
                    TensorPrimitives.MultiplyAdd(velocity, Momentum, g, lookahead);   // g ← g + μ v
                    g = lookahead;
                }
                else
                {
                    g = velocity;   // g ← v
                }
            }
            TensorPrimitives.MultiplyAdd(g, -LearningRate, theta, theta);   // θ ← θ − η g
        }
    }
}
