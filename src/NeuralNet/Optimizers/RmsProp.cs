using NeuralNet.Serialization;
using System.Numerics.Tensors;

namespace NeuralNet.Optimizers;

/// <summary>RMSprop (Hinton), with PyTorch's <c>torch.optim.RMSprop</c> update rule exactly, including its centered form.</summary>
/// <remarks>
/// g = ∇L + λθ for weights (biases are not decayed); s ← αs + (1−α)g². Centered: ḡ ← αḡ + (1−α)g and
/// d = √(s − ḡ²) + ε; otherwise d = √s + ε — ε outside the root, as PyTorch (TensorFlow puts it inside).
/// With momentum μ: b ← μb + g/d, θ ← θ − ηb; without: θ ← θ − η g/d. Every state starts at 0.
/// Where rounding makes s − ḡ² slightly negative (PyTorch would take the root of it and write NaN) it counts as 0,
/// so the step stays finite. Not thread-safe.
/// </remarks>
public sealed class RmsProp : ILearningRateOptimizer, IFiniteUpdate, IStatefulOptimizer
{
    // The whole state: per parameter s, and ḡ when centered, b with momentum (each as long as the parameter), plus Steps.
    private readonly Dictionary<Parameter, (float[] SquareAverage, float[]? GradientAverage, float[]? MomentumBuffer)> _state =
        new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the optimizer; the defaults are PyTorch's.</summary>
    /// <param name="learningRate">η, greater than 0 and finite.</param>
    /// <param name="alpha">α, the decay of the square average, in [0, 1).</param>
    /// <param name="epsilon">ε, greater than 0 and finite; added to the root.</param>
    /// <param name="momentum">μ, in [0, 1); 0 for none.</param>
    /// <param name="centered">Divide by the root of the gradient's estimated variance, s − ḡ², instead of s.</param>
    /// <param name="weightDecay">λ, at least 0 and finite; applies to weights only.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    public RmsProp(float learningRate = 0.01f, float alpha = 0.99f, float epsilon = 1e-8f, float momentum = 0f, bool centered = false,
                   float weightDecay = 0f)
    {
        LearningRate = HyperParameters.LearningRate(learningRate);
        Alpha = HyperParameters.UnitInterval(alpha, nameof(alpha), "α");
        Epsilon = HyperParameters.Positive(epsilon, nameof(epsilon), "ε");
        Momentum = HyperParameters.UnitInterval(momentum, nameof(momentum), "Momentum");
        Centered = centered;
        WeightDecay = HyperParameters.NonNegative(weightDecay, nameof(weightDecay), "Weight decay");
    }

    /// <summary>η. Settable between steps, for learning-rate schedules.</summary>
    public float LearningRate { get; set => field = HyperParameters.LearningRate(value, nameof(value)); }

    /// <summary>α.</summary>
    public float Alpha { get; }

    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>Whether the centered form is used.</summary>
    public bool Centered { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <summary>t, the number of steps taken so far.</summary>
    public int Steps { get; private set; }

    /// <inheritdoc/>
    public void Step(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Steps++;
        for (int index = 0; index < parameters.Count; index++)
        {
            Parameter parameter = parameters[index];
            ArgumentNullException.ThrowIfNull(parameter, nameof(parameters));
            float[] theta = parameter.Value.AsColumnMajorArray();
            if (!_state.TryGetValue(parameter, out var state))
            {
                state = (new float[theta.Length], Centered ? new float[theta.Length] : null, Momentum != 0f ? new float[theta.Length] : null);
                _state.Add(parameter, state);
            }
            unsafe
            {
                fixed (float* thetaData = theta, gradientData = parameter.Gradient.AsColumnMajorArray(),
                       squareAverage = state.SquareAverage, gradientAverage = state.GradientAverage, buffer = state.MomentumBuffer)
                {
                    var update = new Update
                    {
                        Theta = thetaData, Gradient = gradientData, SquareAverage = squareAverage, GradientAverage = gradientAverage,
                        MomentumBuffer = buffer, Length = theta.Length,
                        LearningRate = LearningRate, Alpha = Alpha, Epsilon = Epsilon, Momentum = Momentum,
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
        state.Add("alpha", Alpha);
        state.Add("eps", Epsilon);
        state.Add("momentum", Momentum);
        state.Add("centered", Centered);
        state.Add("weight_decay", WeightDecay);
        state.Add("step", Steps);
        for (int index = 0; index < parameters.Count; index++)
        {
            if (!_state.TryGetValue(parameters[index], out var buffers)) continue;
            state.Add(StateDict.BufferKey(SquareAverageName, index), buffers.SquareAverage);
            if (buffers.GradientAverage is { } average) state.Add(StateDict.BufferKey(GradientAverageName, index), average);
            if (buffers.MomentumBuffer is { } momentum) state.Add(StateDict.BufferKey(MomentumBufferName, index), momentum);
        }
    }

    void IStatefulOptimizer.LoadState(IReadOnlyList<Parameter> parameters, StateDict state)
    {
        state.RequireSame("alpha", Alpha, nameof(RmsProp), "optimizer");
        state.RequireSame("eps", Epsilon, nameof(RmsProp), "optimizer");
        state.RequireSame("momentum", Momentum, nameof(RmsProp), "optimizer");
        state.RequireSame("centered", Centered ? 1 : 0, nameof(RmsProp), "optimizer");
        state.RequireSame("weight_decay", WeightDecay, nameof(RmsProp), "optimizer");
        LearningRate = state.GetFinite("lr", positive: true);
        Steps = state.GetInt32("step", min: 0);
        _state.Clear();
        for (int index = 0; index < parameters.Count; index++)
        {
            int length = parameters[index].Count;
            if (state.GetBuffer(SquareAverageName, index, length) is not { } square) continue;
            float[]? average = Centered ? Require(state.GetBuffer(GradientAverageName, index, length), GradientAverageName, index) : null;
            float[]? momentum = Momentum != 0f ? Require(state.GetBuffer(MomentumBufferName, index, length), MomentumBufferName, index) : null;
            _state.Add(parameters[index], (square, average, momentum));
        }

        static float[] Require(float[]? buffer, string name, int index) =>
            buffer ?? throw new InvalidDataException($"The checkpoint's RmsProp state has {SquareAverageName}.{index} but no {name}.{index}.");
    }

    // PyTorch's names for s, ḡ and b.
    private const string SquareAverageName = "square_avg", GradientAverageName = "grad_avg", MomentumBufferName = "momentum_buffer";

    /// <summary>The update of a range of one parameter's values (all of them, or one thread's half).</summary>
    private unsafe struct Update : IBlockUpdate<Update>
    {
        internal float* Theta, Gradient, SquareAverage;
        internal float* GradientAverage, MomentumBuffer;   // null when not centered, without momentum
        public int Length { readonly get; init; }
        internal float LearningRate, Alpha, Epsilon, Momentum, WeightDecay;

        public readonly Update Slice(int start, int length) => this with
        {
            Theta = Theta + start, Gradient = Gradient + start, SquareAverage = SquareAverage + start,
            GradientAverage = GradientAverage == null ? null : GradientAverage + start,
            MomentumBuffer = MomentumBuffer == null ? null : MomentumBuffer + start, Length = length,
        };

        /// <summary>Every pass over this range, which is one block (see <see cref="UpdateBlocks"/>).</summary>
        public readonly void RunBlock()
        {
            var theta = new Span<float>(Theta, Length);
            ReadOnlySpan<float> g = UpdateBlocks.WithWeightDecay(new(Gradient, Length), theta, WeightDecay);   // g = ∇L + λθ (weights only)
            var squareAverage = new Span<float>(SquareAverage, Length);
            Span<float> denominator = UpdateBlocks.Scratch(1, Length);

            TensorPrimitives.Multiply(squareAverage, Alpha, squareAverage);
            TensorPrimitives.Multiply(g, g, denominator);
            TensorPrimitives.MultiplyAdd(denominator, 1f - Alpha, squareAverage, squareAverage);   // s ← αs + (1−α)g²
            if (GradientAverage != null)
            {
                var gradientAverage = new Span<float>(GradientAverage, Length);
                TensorPrimitives.Multiply(gradientAverage, Alpha, gradientAverage);
                TensorPrimitives.MultiplyAdd(g, 1f - Alpha, gradientAverage, gradientAverage);   // ḡ ← αḡ + (1−α)g
                TensorPrimitives.Multiply(gradientAverage, gradientAverage, denominator);
                TensorPrimitives.Subtract(squareAverage, denominator, denominator);
                TensorPrimitives.Max(denominator, 0f, denominator);                           // s − ḡ² ≥ 0 in exact arithmetic
                TensorPrimitives.Sqrt(denominator, denominator);
            }
            else
            {
                TensorPrimitives.Sqrt(squareAverage, denominator);
            }
            TensorPrimitives.Add(denominator, Epsilon, denominator);   // d = √· + ε, ε outside the root
            TensorPrimitives.Divide(g, denominator, denominator);      // g/d

            if (MomentumBuffer != null)
            {
                var buffer = new Span<float>(MomentumBuffer, Length);
                TensorPrimitives.MultiplyAdd(buffer, Momentum, denominator, buffer);   // b ← μb + g/d
                TensorPrimitives.MultiplyAdd(buffer, -LearningRate, theta, theta);     // θ ← θ − ηb
            }
            else
            {
                TensorPrimitives.MultiplyAdd(denominator, -LearningRate, theta, theta);   // θ ← θ − η g/d
            }
        }
    }
}
