using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// Softmax output unit, row by row: ŷᵢ = exp(zᵢ) / Σⱼ exp(zⱼ), computed stably by subtracting each row's maximum.
/// Backward: ∂J/∂zᵢ = ŷᵢ (∂J/∂ŷᵢ − Σⱼ ∂J/∂ŷⱼ ŷⱼ).
/// </summary>
/// <remarks>Pair it with <see cref="Losses.CrossEntropyLoss"/>: <see cref="Mlp.ComputeGradients"/> then fuses the two
/// into the lecture's gradient (ŷ − y)/N at z, computed from the logits.
/// Thread safety: <see cref="Predict"/> is safe from many threads at once; <see cref="Forward"/> and <see cref="Backward"/> keep the batch's state and must not run concurrently.
/// </remarks>
public sealed class Softmax : ILayer, IPredictInto
{
    private Matrix<float>? _output;
    private Matrix<float>? _inputGradient;
    private float[] _rowScratch = [];
    [ThreadStatic] private static float[]? s_predictScratch;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc/>
    public Matrix<float> Forward(Matrix<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _output = Shapes.Reuse(_output, input.RowCount, input.ColumnCount);
        EnsureScratch(ref _rowScratch, 2 * input.RowCount);
        Rows(Shapes.Dense(input), _output, _rowScratch);
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
        var output = Matrix<float>.Build.Dense(input.RowCount, input.ColumnCount);
        ((IPredictInto)this).Predict(input, output);
        return output;
    }

    int IPredictInto.OutputColumns(int inputColumns) => inputColumns;

    void IPredictInto.Predict(Matrix<float> input, Matrix<float> output)
    {
        // Per-thread scratch: Predict runs on many threads at once.
        float[] scratch = s_predictScratch ?? [];
        EnsureScratch(ref scratch, 2 * input.RowCount);
        s_predictScratch = scratch;
        Rows(Shapes.Dense(input), output, scratch);
    }

    /// <inheritdoc/>
    public override string ToString() => nameof(Softmax);

    /// <summary>
    /// Softmax of every row of <paramref name="z"/> into <paramref name="h"/>; returns nothing but leaves each
    /// row's log-sum-exp, log Σⱼ exp(zⱼ), in the first n entries of <paramref name="scratch"/> (2n long).
    /// </summary>
    internal static void Rows(Matrix<float> z, Matrix<float> h, Span<float> scratch)
    {
        int n = z.RowCount, classes = z.ColumnCount;
        float[] zs = z.AsColumnMajorArray(), hs = h.AsColumnMajorArray();
        Span<float> rowMax = scratch[..n], rowSum = scratch.Slice(n, n);

        // Column-major storage: a column is one class over the whole batch, so every step is a vector operation.
        zs.AsSpan(0, n).CopyTo(rowMax);
        for (int j = 1; j < classes; j++) TensorPrimitives.Max(rowMax, zs.AsSpan(j * n, n), rowMax);
        rowSum.Clear();
        for (int j = 0; j < classes; j++)
        {
            Span<float> column = hs.AsSpan(j * n, n);
            TensorPrimitives.Subtract(zs.AsSpan(j * n, n), rowMax, column);
            TensorPrimitives.Exp(column, column);
            TensorPrimitives.Add(rowSum, column, rowSum);
        }
        for (int j = 0; j < classes; j++)
        {
            Span<float> column = hs.AsSpan(j * n, n);
            TensorPrimitives.Divide(column, rowSum, column);
        }
        // log-sum-exp = max + log Σ exp(z − max): finite for any finite logits.
        TensorPrimitives.Log(rowSum, rowSum);
        TensorPrimitives.Add(rowMax, rowSum, rowMax);
    }

    internal static void EnsureScratch(ref float[] scratch, int length)
    {
        if (scratch.Length < length) scratch = new float[length];
    }
}
