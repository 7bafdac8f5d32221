using NeuralNet.Serialization;
using System.Numerics.Tensors;

namespace NeuralNet.Optimizers;

/// <summary>Adagrad (Duchi, Hazan &amp; Singer), with PyTorch's <c>torch.optim.Adagrad</c> update rule exactly.</summary>
/// <remarks>
/// g = ∇L + λθ for weights (biases are not decayed); at step t, η̃ = η / (1 + (t−1)·δ) with δ the learning-rate decay;
/// S ← S + g², θ ← θ − η̃ g / (√S + ε), ε outside the root. S starts at the initial accumulator value. Not thread-safe.
/// </remarks>
public sealed class Adagrad : ILearningRateOptimizer, IFiniteUpdate, IStatefulOptimizer
{
    // The whole state: per parameter the sum S (as long as the parameter), plus Steps.
    private readonly Dictionary<Parameter, float[]> _sums = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the optimizer; the defaults are PyTorch's.</summary>
    /// <param name="learningRate">η, greater than 0 and finite.</param>
    /// <param name="learningRateDecay">δ, at least 0 and finite: step t uses η / (1 + (t−1)·δ).</param>
    /// <param name="weightDecay">λ, at least 0 and finite; applies to weights only.</param>
    /// <param name="initialAccumulatorValue">The value every sum of squares starts at; at least 0 and finite.</param>
    /// <param name="epsilon">ε, greater than 0 and finite; added to the root.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    public Adagrad(float learningRate = 0.01f, float learningRateDecay = 0f, float weightDecay = 0f, float initialAccumulatorValue = 0f,
                   float epsilon = 1e-10f)
    {
        LearningRate = HyperParameters.LearningRate(learningRate);
        LearningRateDecay = HyperParameters.NonNegative(learningRateDecay, nameof(learningRateDecay), "The learning-rate decay");
        WeightDecay = HyperParameters.NonNegative(weightDecay, nameof(weightDecay), "Weight decay");
        InitialAccumulatorValue = HyperParameters.NonNegative(initialAccumulatorValue, nameof(initialAccumulatorValue), "The initial accumulator value");
        Epsilon = HyperParameters.Positive(epsilon, nameof(epsilon), "ε");
    }

    /// <summary>η. Settable between steps, for learning-rate schedules.</summary>
    public float LearningRate { get; set => field = HyperParameters.LearningRate(value, nameof(value)); }

    /// <summary>δ, the learning-rate decay.</summary>
    public float LearningRateDecay { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <summary>The value every sum of squares starts at.</summary>
    public float InitialAccumulatorValue { get; }

    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <summary>t, the number of steps taken so far.</summary>
    public int Steps { get; private set; }

    /// <inheritdoc/>
    public void Step(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Steps++;
        // In double, as PyTorch computes it in Python floats.
        float stepSize = (float)(LearningRate / (1.0 + (Steps - 1) * (double)LearningRateDecay));
        for (int index = 0; index < parameters.Count; index++)
        {
            Parameter parameter = parameters[index];
            ArgumentNullException.ThrowIfNull(parameter, nameof(parameters));
            float[] theta = parameter.Value.AsColumnMajorArray();
            if (!_sums.TryGetValue(parameter, out float[]? sum))
            {
                sum = new float[theta.Length];
                Array.Fill(sum, InitialAccumulatorValue);
                _sums.Add(parameter, sum);
            }
            unsafe
            {
                fixed (float* thetaData = theta, gradientData = parameter.Gradient.AsColumnMajorArray(), sumData = sum)
                {
                    var update = new Update
                    {
                        Theta = thetaData, Gradient = gradientData, Sum = sumData, Length = theta.Length,
                        StepSize = stepSize, Epsilon = Epsilon, WeightDecay = parameter.IsWeight ? WeightDecay : 0f,
                    };
                    UpdateBlocks.Run(update);
                }
            }
        }
    }

    void IStatefulOptimizer.SaveState(IReadOnlyList<Parameter> parameters, StateDict state)
    {
        state.Add("lr", LearningRate);
        state.Add("lr_decay", LearningRateDecay);
        state.Add("weight_decay", WeightDecay);
        state.Add("initial_accumulator_value", InitialAccumulatorValue);
        state.Add("eps", Epsilon);
        state.Add("step", Steps);
        for (int index = 0; index < parameters.Count; index++)
            if (_sums.TryGetValue(parameters[index], out float[]? sum)) state.Add(StateDict.BufferKey(SumName, index), sum);
    }

    void IStatefulOptimizer.LoadState(IReadOnlyList<Parameter> parameters, StateDict state)
    {
        state.RequireSame("lr_decay", LearningRateDecay, nameof(Adagrad), "optimizer");
        state.RequireSame("weight_decay", WeightDecay, nameof(Adagrad), "optimizer");
        state.RequireSame("initial_accumulator_value", InitialAccumulatorValue, nameof(Adagrad), "optimizer");
        state.RequireSame("eps", Epsilon, nameof(Adagrad), "optimizer");
        LearningRate = state.GetFinite("lr", positive: true);
        Steps = state.GetInt32("step", min: 0);
        _sums.Clear();
        for (int index = 0; index < parameters.Count; index++)
            if (state.GetBuffer(SumName, index, parameters[index].Count) is { } sum) _sums.Add(parameters[index], sum);
    }

    // PyTorch's name for S.
    private const string SumName = "sum";

    /// <summary>The update of a range of one parameter's values (all of them, or one thread's half).</summary>
    private unsafe struct Update : IBlockUpdate<Update>
    {
        internal float* Theta, Gradient, Sum;
        public int Length { readonly get; init; }
        internal float StepSize, Epsilon, WeightDecay;

        public readonly Update Slice(int start, int length) => this with
        {
            Theta = Theta + start, Gradient = Gradient + start, Sum = Sum + start, Length = length,
        };

        /// <summary>Every pass over this range, which is one block (see <see cref="UpdateBlocks"/>).</summary>
        public readonly void RunBlock()
        {
            var theta = new Span<float>(Theta, Length);
            ReadOnlySpan<float> g = UpdateBlocks.WithWeightDecay(new(Gradient, Length), theta, WeightDecay);   // g = ∇L + λθ (weights only)
            var sum = new Span<float>(Sum, Length);
            Span<float> denominator = UpdateBlocks.Scratch(1, Length);

            TensorPrimitives.MultiplyAdd(g, g, sum, sum);                 // S ← S + g²
            TensorPrimitives.Sqrt(sum, denominator);
            TensorPrimitives.Add(denominator, Epsilon, denominator);      // √S + ε, ε outside the root
            TensorPrimitives.Divide(g, denominator, denominator);
            TensorPrimitives.MultiplyAdd(denominator, -StepSize, theta, theta);   // θ ← θ − η̃ g / (√S + ε)
        }
    }
}
