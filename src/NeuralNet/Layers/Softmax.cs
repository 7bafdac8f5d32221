using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;
using NeuralNet.Kernels;

namespace NeuralNet.Layers;

/// <summary>
/// Softmax output unit, row by row: ŷᵢ = exp(zᵢ) / Σⱼ exp(zⱼ), computed stably by subtracting each row's maximum.
/// Backward: ∂J/∂zᵢ = ŷᵢ (∂J/∂ŷᵢ − Σⱼ ∂J/∂ŷⱼ ŷⱼ).
/// </summary>
/// <remarks>Pair it with <see cref="Losses.CrossEntropyLoss"/>: <see cref="Mlp.ComputeGradients"/> then fuses the two
/// into the lecture's gradient (ŷ − y)/N at z, computed from the logits.
/// Thread safety: <see cref="Predict"/> is safe from many threads at once; <see cref="Forward"/> and <see cref="Backward"/> keep the batch's state and must not run concurrently.
/// </remarks>
public sealed class Softmax : ISerializableLayer, ILayerFactory<Softmax>, IPredictInto
{
    private Matrix<float>? _output;
    private Matrix<float>? _inputGradient;
    private float[] _rowScratch = [];

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc/>
    public IReadOnlyList<NamedTensor> State => [];

    /// <inheritdoc/>
    public LayerConfig GetConfig() => new();

    static string ILayerFactory<Softmax>.KindName => "Softmax";

    static Softmax ILayerFactory<Softmax>.FromConfig(LayerConfig config) => new();

    /// <inheritdoc/>
    public Matrix<float> Forward(Matrix<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _output = Shapes.Reuse(_output, input.RowCount, input.ColumnCount);
        RowSoftmax.Apply(Shapes.Dense(input), _output);
        return _output;
    }

    /// <inheritdoc/>
    public Matrix<float> Backward(Matrix<float> outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (_output is null) throw new InvalidOperationException("Softmax.Backward was called before Forward.");
        Shapes.RequireSame(outputGradient, _output, nameof(outputGradient));
        _inputGradient = Shapes.Reuse(_inputGradient, _output.RowCount, _output.ColumnCount);

        int n = _output.RowCount, classes = _output.ColumnCount;
        float[] h = _output.AsColumnMajorArray(), g = Shapes.Dense(outputGradient).AsColumnMajorArray();
        float[] dz = _inputGradient.AsColumnMajorArray();
        RowSoftmax.EnsureScratch(ref _rowScratch, n);
        Span<float> dot = _rowScratch.AsSpan(0, n);
        dot.Clear();
        for (int j = 0; j < classes; j++)
        {
            // dot += g_j ⊙ h_j, a column (one class over the batch) at a time.
            Span<float> product = dz.AsSpan(j * n, n);
            TensorPrimitives.Multiply(g.AsSpan(j * n, n), h.AsSpan(j * n, n), product);
            TensorPrimitives.Add(dot, product, dot);
        }
        for (int j = 0; j < classes; j++)
        {
            Span<float> column = dz.AsSpan(j * n, n);
            TensorPrimitives.Subtract(g.AsSpan(j * n, n), dot, column);
            TensorPrimitives.Multiply(column, h.AsSpan(j * n, n), column);
        }
        return _inputGradient;
    }

    /// <inheritdoc/>
    public Matrix<float> Predict(Matrix<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return this.PredictNew(input);
    }

    int IPredictInto.OutputColumns(int inputColumns) => inputColumns;

    void IPredictInto.Predict(Matrix<float> input, Matrix<float> output) => RowSoftmax.Apply(Shapes.Dense(input), output);

    /// <inheritdoc/>
    public override string ToString() => nameof(Softmax);
}
