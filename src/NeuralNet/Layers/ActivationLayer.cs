using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Layers;

/// <summary>
/// An element-wise activation h = g(z): the base of the lecture's hidden and output units. A subclass gives
/// g and its local derivative side by side; this class keeps the batch's z and h and reuses its buffers.
/// </summary>
/// <remarks>Thread safety: <see cref="Predict"/> is safe from many threads at once; <see cref="Forward"/> and <see cref="Backward"/> keep the batch's state in the instance and must not run concurrently.</remarks>
public abstract class ActivationLayer : ISerializableLayer, IPredictInto
{
    private Matrix<float>? _input;
    private Matrix<float>? _output;
    private Matrix<float>? _inputGradient;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc/>
    public IReadOnlyList<NamedTensor> State => [];

    /// <summary>The activation's hyper-parameters (a slope, an α); none by default.</summary>
    public virtual LayerConfig GetConfig() => new();

    /// <inheritdoc/>
    public virtual WeightInitialization InitializationBefore => WeightInitialization.Glorot;

    /// <summary>h = g(z), element by element.</summary>
    /// <param name="z">The pre-activations.</param>
    /// <param name="h">Receives the activations; the same length as <paramref name="z"/>.</param>
    protected abstract void Activate(ReadOnlySpan<float> z, Span<float> h);

    /// <summary>∂J/∂z = ∂J/∂h ⊙ g'(z), element by element.</summary>
    /// <param name="z">The pre-activations of the forward pass.</param>
    /// <param name="h">The activations of the forward pass, g(z).</param>
    /// <param name="outputGradient">∂J/∂h.</param>
    /// <param name="inputGradient">Receives ∂J/∂z.</param>
    protected abstract void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h,
        ReadOnlySpan<float> outputGradient, Span<float> inputGradient);

    /// <inheritdoc/>
    public Matrix<float> Forward(Matrix<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = Shapes.Dense(input);
        _output = Shapes.Reuse(_output, input.RowCount, input.ColumnCount);
        Activate(_input.AsColumnMajorArray(), _output.AsColumnMajorArray());
        return _output;
    }

    /// <inheritdoc/>
    public Matrix<float> Backward(Matrix<float> outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (_input is null || _output is null)
            throw new InvalidOperationException($"{GetType().Name}.Backward was called before Forward.");
        Shapes.RequireSame(outputGradient, _output, nameof(outputGradient));
        _inputGradient = Shapes.Reuse(_inputGradient, _input.RowCount, _input.ColumnCount);
        Derivative(_input.AsColumnMajorArray(), _output.AsColumnMajorArray(),
            Shapes.Dense(outputGradient).AsColumnMajorArray(), _inputGradient.AsColumnMajorArray());
        return _inputGradient;
    }

    /// <inheritdoc/>
    public Matrix<float> Predict(Matrix<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return this.PredictNew(input);
    }

    int IPredictInto.OutputColumns(int inputColumns) => inputColumns;

    void IPredictInto.Predict(Matrix<float> input, Matrix<float> output) =>
        Activate(Shapes.Dense(input).AsColumnMajorArray(), output.AsColumnMajorArray());

    /// <inheritdoc/>
    public override string ToString() => GetType().Name;
}
