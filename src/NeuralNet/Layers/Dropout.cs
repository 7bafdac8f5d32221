using System.Globalization;
using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Serialization;

namespace NeuralNet.Layers;

/// <summary>
/// Inverted dropout, as torch's <c>nn.Dropout</c>: in training (<see cref="Forward"/>) each element is zeroed with
/// probability p and the others are scaled by 1/(1 − p), so h = x ⊙ m / (1 − p) with mᵢ ~ Bernoulli(1 − p) and the
/// expected output equals the input; at inference (<see cref="Predict"/>) it is the identity.
/// </summary>
/// <remarks>
/// Backward: ∂J/∂x = ∂J/∂h ⊙ m / (1 − p), with the mask of the last <see cref="Forward"/>.
/// The masks come from one random generator seeded at construction (the one <see cref="System.Random"/> is for a seed): the same seed gives the same sequence of
/// masks, so seeded training is reproducible. The model file keeps p and the seed, not the stream's position: a loaded
/// layer starts the sequence again. A training checkpoint keeps the position too, so a resumed run draws the masks the
/// uninterrupted one would have.
/// Thread safety: <see cref="Predict"/> is safe from many threads at once; <see cref="Forward"/> and <see cref="Backward"/>
/// keep the batch's mask and must not run concurrently.
/// </remarks>
public sealed class Dropout : ISerializableLayer, ILayerFactory<Dropout>, IPredictInto, ICheckpointable
{
    private readonly SubtractiveGenerator _random;
    private readonly float _scale;
    // Each element's factor, 0 or 1/(1 − p): the mask and the scale in one, so Forward and Backward are one product.
    private Matrix<float>? _mask;
    private Matrix<float>? _output;
    private Matrix<float>? _inputGradient;

    /// <summary>Creates a dropout layer.</summary>
    /// <param name="probability">p, the probability that an element is zeroed in training; in [0, 1).</param>
    /// <param name="seed">Seed of the masks; the same seed gives the same masks. Random when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is NaN or outside [0, 1).</exception>
    public Dropout(float probability, int? seed = null)
    {
        if (!(probability >= 0f && probability < 1f))
            throw new ArgumentOutOfRangeException(nameof(probability), probability,
                $"The dropout probability must be in [0, 1), not {probability.ToString(CultureInfo.InvariantCulture)}.");
        Probability = probability;
        Seed = seed;
        _scale = 1f / (1f - probability);
        _random = new SubtractiveGenerator(seed ?? Random.Shared.Next());
    }

    /// <summary>p, the probability that an element is zeroed in training.</summary>
    public float Probability { get; }

    /// <summary>The seed of the masks, or null when they are random.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc/>
    public IReadOnlyList<NamedTensor> State => [];

    /// <summary>"probability", and "seed" when one was given.</summary>
    public LayerConfig GetConfig()
    {
        var config = new LayerConfig { { "probability", Probability } };
        if (Seed is { } seed) config.Add("seed", seed);
        return config;
    }

    /// <summary>Auto: no wish of its own; a <see cref="Dense"/> before it is initialised for the layer after it.</summary>
    public WeightInitialization InitializationBefore => WeightInitialization.Auto;

    static string ILayerFactory<Dropout>.KindName => "Dropout";

    static Dropout ILayerFactory<Dropout>.FromConfig(LayerConfig config) =>
        new(config.GetSingle("probability"), config.Contains("seed") ? config.GetInt32("seed") : null);

    /// <summary>Training: zeroes each element with probability p and scales the rest by 1/(1 − p).</summary>
    /// <param name="input">A batch, one sample per row.</param>
    /// <returns>The output batch, owned by the layer until its next call.</returns>
    public Matrix<float> Forward(Matrix<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Matrix<float> x = Shapes.Dense(input);
        _mask = Shapes.Reuse(_mask, x.RowCount, x.ColumnCount);
        _output = Shapes.Reuse(_output, x.RowCount, x.ColumnCount);
        float[] mask = _mask.AsColumnMajorArray();
        if (Probability == 0f) mask.AsSpan().Fill(1f);
        else
            for (int k = 0; k < mask.Length; k++) mask[k] = _random.NextSingle() < Probability ? 0f : _scale;
        TensorPrimitives.Multiply(x.AsColumnMajorArray(), mask, _output.AsColumnMajorArray());
        return _output;
    }

    /// <inheritdoc/>
    public Matrix<float> Backward(Matrix<float> outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (_mask is null) throw new InvalidOperationException("Dropout.Backward was called before Forward.");
        Shapes.RequireSame(outputGradient, _mask, nameof(outputGradient));
        _inputGradient = Shapes.Reuse(_inputGradient, _mask.RowCount, _mask.ColumnCount);
        TensorPrimitives.Multiply(Shapes.Dense(outputGradient).AsColumnMajorArray(), _mask.AsColumnMajorArray(), _inputGradient.AsColumnMajorArray());
        return _inputGradient;
    }

    /// <summary>Inference: the identity (a copy of <paramref name="input"/>).</summary>
    /// <param name="input">A batch, one sample per row.</param>
    public Matrix<float> Predict(Matrix<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return this.PredictNew(input);
    }

    int IPredictInto.OutputColumns(int inputColumns) => inputColumns;

    void IPredictInto.Predict(Matrix<float> input, Matrix<float> output) =>
        Shapes.Dense(input).AsColumnMajorArray().AsSpan().CopyTo(output.AsColumnMajorArray());

    void ICheckpointable.SaveState(StateDict state) => state.Add("generator", _random.GetState());

    void ICheckpointable.LoadState(StateDict state)
    {
        try
        {
            _random.SetState(state.GetBytes("generator"));
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith("The checkpoint", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The checkpoint is invalid: {state.Path}/generator: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Dropout(p={Probability})");
}
