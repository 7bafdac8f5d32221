using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using System.Numerics.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// The affine layer of the lecture: z = W h + b for every sample, with W of shape outputs × inputs and b of
/// shape outputs × 1. On a batch (one sample per row) that is Z = X Wᵀ + 1 bᵀ.
/// </summary>
/// <remarks>
/// Backward, per the lecture's algorithm: ∇b = Σₙ g (summed over the batch), ∇W = gᵀ h, ∂J/∂h = g W.
/// All three products run on the library's dense kernel; buffers are sized on the first batch and reused.
/// Thread safety: <see cref="Predict"/> is safe from many threads at once while the weights don't change; <see cref="Forward"/> and <see cref="Backward(Matrix{float})"/> keep the batch's state and must not run concurrently, nor alongside an optimizer step.
/// </remarks>
public sealed class Dense : ISerializableLayer, ILayerFactory<Dense>, INetworkLayer, IPredictInto
{
    private readonly int _seed;
    private readonly Parameter _weights;
    private readonly Parameter _bias;
    private bool _initialized;
    // Auto weights drawn (as Glorot) because they were read before a network chose; see InitializeBefore.
    private bool _drawnOnRead;
    private Matrix<float>? _input;
    private Matrix<float>? _output;
    private Matrix<float>? _inputGradient;

    /// <summary>Creates a dense layer whose initialisation is chosen by <see cref="WeightInitialization.Auto"/>.</summary>
    /// <param name="inputs">The number of inputs (columns of the incoming batch); at least 1.</param>
    /// <param name="outputs">The number of outputs (units); at least 1.</param>
    /// <param name="seed">Seed of the initial weights; the same seed gives the same weights. Random when null.</param>
    public Dense(int inputs, int outputs, int? seed = null)
        : this(inputs, outputs, WeightInitialization.Auto, seed)
    {
    }

    /// <summary>Creates a dense layer with the given weight initialisation.</summary>
    /// <param name="inputs">The number of inputs (columns of the incoming batch); at least 1.</param>
    /// <param name="outputs">The number of outputs (units); at least 1.</param>
    /// <param name="initialization">How the initial weights are drawn.</param>
    /// <param name="seed">Seed of the initial weights; the same seed gives the same weights. Random when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputs"/> or <paramref name="outputs"/> is less than 1, or W would exceed an array.</exception>
    public Dense(int inputs, int outputs, WeightInitialization initialization, int? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        // Math.NET computes rows × columns in int: a larger W would silently wrap to a wrong size.
        if ((long)inputs * outputs > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(outputs), outputs,
                $"A Dense layer of {inputs} × {outputs} = {(long)inputs * outputs} weights is larger than one array holds ({Array.MaxLength}).");
        if (!Enum.IsDefined(initialization))
            throw new ArgumentOutOfRangeException(nameof(initialization), initialization, "Unknown weight initialisation.");
        Inputs = inputs;
        Outputs = outputs;
        Initialization = initialization;
        _seed = seed ?? Random.Shared.Next();
        _weights = new Parameter("weights", Matrix<float>.Build.Dense(outputs, inputs), isWeight: true);
        _bias = new Parameter("bias", Matrix<float>.Build.Dense(outputs, 1), isWeight: false);
        if (initialization != WeightInitialization.Auto) Initialize(initialization);
    }

    // Set only on an MlpPredictor's private copy (PackForInference); null everywhere else, so no change to W can be missed.
    private PackedWeights? _packed;

    /// <summary>The number of inputs.</summary>
    public int Inputs { get; }

    /// <summary>The number of outputs.</summary>
    public int Outputs { get; }

    /// <summary>The initialisation asked for at construction.</summary>
    public WeightInitialization Initialization { get; }

    /// <summary>W, outputs × inputs, exactly the lecture's W.</summary>
    public Parameter Weights { get { EnsureInitialized(); return _weights; } }

    /// <summary>b, outputs × 1.</summary>
    public Parameter Bias { get { EnsureInitialized(); return _bias; } }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [Weights, Bias];

    /// <inheritdoc/>
    public int? InputWidth => Inputs;

    /// <inheritdoc/>
    public int? OutputWidth(int? inputWidth) => Outputs;

    /// <inheritdoc/>
    public LayerConfig GetConfig() => new() { { "inputs", Inputs }, { "outputs", Outputs } };

    /// <inheritdoc/>
    public IReadOnlyList<NamedTensor> State => [new("weights", _weights.Value), new("bias", _bias.Value)];

    void ISerializableLayer.OnStateLoaded() => (_initialized, _drawnOnRead) = (true, false);

    static string ILayerFactory<Dense>.KindName => "Dense";

    static Dense ILayerFactory<Dense>.FromConfig(LayerConfig config)
    {
        int inputs = config.GetInt32("inputs"), outputs = config.GetInt32("outputs");
        if (inputs > 0 && outputs > 0) config.RequireStoredValues((long)inputs * outputs + outputs, $"Dense({inputs} → {outputs})");
        // Auto draws nothing until read: a loaded layer's weights arrive through State.
        return new(inputs, outputs, WeightInitialization.Auto, seed: 0);
    }

    /// <inheritdoc/>
    public Matrix<float> Forward(Matrix<float> input)
    {
        _input = CheckInput(input);
        _output = Shapes.Reuse(_output, input.RowCount, Outputs);
        DenseProducts.Forward(_input, Weights.Value, _bias.Value, _output);
        return _output;
    }

    /// <inheritdoc/>
    public Matrix<float> Backward(Matrix<float> outputGradient) => Backward(outputGradient, inputGradient: true)!;

    // The first layer of a network sets its parameters' gradients only, which saves the largest of its three products.
    void INetworkLayer.BackwardParametersOnly(Matrix<float> outputGradient) => Backward(outputGradient, inputGradient: false);

    private Matrix<float>? Backward(Matrix<float> outputGradient, bool inputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (_input is null || _output is null) throw new InvalidOperationException("Dense.Backward was called before Forward.");
        Shapes.RequireSame(outputGradient, _output, nameof(outputGradient));
        Matrix<float> g = Shapes.Dense(outputGradient);

        // ∇b = g summed over the batch: column j of g (column-major) is output j for every sample.
        float[] gs = g.AsColumnMajorArray(), db = _bias.Gradient.AsColumnMajorArray();
        int n = g.RowCount;
        for (int j = 0; j < Outputs; j++) db[j] = TensorPrimitives.Sum(gs.AsSpan(j * n, n));

        DenseProducts.WeightGradient(g, _input, _weights.Gradient);
        if (!inputGradient) return null;
        _inputGradient = Shapes.Reuse(_inputGradient, n, Inputs);
        DenseProducts.InputGradient(g, _weights.Value, _inputGradient);
        return _inputGradient;
    }

    /// <inheritdoc/>
    public Matrix<float> Predict(Matrix<float> input) => this.PredictNew(CheckInput(input));

    int IPredictInto.OutputColumns(int inputColumns) => Outputs;

    void IPredictInto.Predict(Matrix<float> input, Matrix<float> output) =>
        DenseProducts.Forward(CheckInput(input), Weights.Value, _bias.Value, output, _packed);

    /// <summary>
    /// Packs W once for inference (<see cref="PackedWeights"/>); later predictions read the packed copy. Only for a layer
    /// whose weights never change again: an <see cref="MlpPredictor"/>'s own copy, which nothing outside it can reach.
    /// </summary>
    internal void PackForInference() => _packed = new PackedWeights(Weights.Value);

    /// <summary>Whether predictions read W packed ahead (<see cref="PackForInference"/>).</summary>
    internal bool IsPacked => _packed is not null;

    /// <inheritdoc/>
    public override string ToString() => $"Dense({Inputs} → {Outputs})";

    /// <summary>
    /// Resolves <see cref="WeightInitialization.Auto"/> with the initialisation the next layer asks for (called by
    /// <see cref="Mlp"/>); keeps weights that were chosen, loaded or set.
    /// </summary>
    /// <remarks>
    /// Weights read before the network chose were drawn as Glorot, provisionally: if they are still exactly that draw, the
    /// network's choice replaces them; if the caller has changed them, they are the caller's weights and stay.
    /// </remarks>
    void INetworkLayer.InitializeBefore(WeightInitialization suited)
    {
        if (_drawnOnRead)
        {
            _drawnOnRead = false;
            if (suited != WeightInitialization.Glorot && IsStillTheDraw(WeightInitialization.Glorot) && _bias.Value.ForAll(v => v == 0f))
                Initialize(suited);
            return;
        }
        if (!_initialized) Initialize(suited);
    }

    private void EnsureInitialized()
    {
        if (_initialized) return;
        Initialize(WeightInitialization.Glorot);
        _drawnOnRead = true;
    }

    private bool IsStillTheDraw(WeightInitialization initialization)
    {
        float[] drawn = new float[Inputs * Outputs];
        Draw(initialization, drawn);
        return drawn.AsSpan().SequenceEqual(_weights.Value.AsColumnMajorArray());
    }

    private void Initialize(WeightInitialization initialization)
    {
        Draw(initialization, _weights.Value.AsColumnMajorArray());
        _initialized = true;
    }

    private void Draw(WeightInitialization initialization, float[] w)
    {
        var random = new Random(_seed);
        if (initialization == WeightInitialization.He)
        {
            double std = Math.Sqrt(2.0 / Inputs);
            for (int k = 0; k < w.Length; k++) w[k] = (float)Normal.Sample(random, 0.0, std);
        }
        else
        {
            double limit = Math.Sqrt(6.0 / (Inputs + Outputs));
            for (int k = 0; k < w.Length; k++) w[k] = (float)ContinuousUniform.Sample(random, -limit, limit);
        }
    }

    private Matrix<float> CheckInput(Matrix<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Shapes.RequireRows(input, nameof(input));
        if (input.ColumnCount != Inputs)
            throw new ArgumentException(
                $"{this} expects {Inputs} input columns but the batch has {input.ColumnCount} ({Shapes.Describe(input)}).", nameof(input));
        return Shapes.Dense(input);
    }
}
