using System.Globalization;
using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Layers;

/// <summary>
/// Layer normalisation, as torch's <c>nn.LayerNorm(features)</c>: each row (sample) is normalised over its F features,
/// μ = (1/F) Σⱼ xⱼ, σ² = (1/F) Σⱼ (xⱼ − μ)² (the biased variance), x̂ⱼ = (xⱼ − μ)/√(σ² + ε), hⱼ = γⱼ x̂ⱼ + βⱼ.
/// </summary>
/// <remarks>
/// <para>
/// γ (<c>weight</c>, ones) and β (<c>bias</c>, zeros) are F × 1 parameters like <see cref="Dense"/>'s bias, and are not
/// weight-decayed (<see cref="Parameter.IsWeight"/> is false). Training and inference compute the same thing.
/// </para>
/// <para>
/// Backward, with g = ∂J/∂h and per row r = 1/√(σ² + ε): ∇γⱼ = Σₙ x̂ₙⱼ gₙⱼ, ∇βⱼ = Σₙ gₙⱼ, and with d = g ⊙ γ,
/// ∂J/∂xⱼ = r (dⱼ − (1/F) Σₖ dₖ − x̂ⱼ (1/F) Σₖ dₖ x̂ₖ).
/// </para>
/// <para>
/// Storage is column-major, so a row's statistics are strided: they are accumulated a column at a time into one value
/// per row, each step a vector operation over the batch.
/// Thread safety: <see cref="Predict"/> is safe from many threads at once while γ and β don't change; <see cref="Forward"/>
/// and <see cref="Backward"/> keep the batch's state and must not run concurrently.
/// </para>
/// </remarks>
public sealed class LayerNorm : ISerializableLayer, ILayerFactory<LayerNorm>, IPredictInto
{
    private readonly Parameter _weight;
    private readonly Parameter _bias;
    private Matrix<float>? _normalized;
    private Matrix<float>? _output;
    private Matrix<float>? _inputGradient;
    // Forward's per-row μ and 1/√(σ² + ε) (the second half is what Backward needs); Backward's two per-row sums.
    private float[] _rows = [];
    private float[] _backwardRows = [];
    [ThreadStatic] private static float[]? s_predictRows;

    /// <summary>Creates a layer normalisation over <paramref name="features"/> columns, γ = 1 and β = 0.</summary>
    /// <param name="features">F, the width of the batch; at least 1.</param>
    /// <param name="epsilon">ε, added to the variance; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="features"/> is less than 1, or <paramref name="epsilon"/> is not positive and finite.</exception>
    public LayerNorm(int features, float epsilon = 1e-5f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (!(epsilon > 0f && float.IsFinite(epsilon)))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon,
                $"ε must be positive and finite, not {epsilon.ToString(CultureInfo.InvariantCulture)}.");
        Features = features;
        Epsilon = epsilon;
        _weight = new Parameter("weight", Matrix<float>.Build.Dense(features, 1, 1f), isWeight: false);
        _bias = new Parameter("bias", Matrix<float>.Build.Dense(features, 1), isWeight: false);
    }

    /// <summary>F, the number of features normalised over.</summary>
    public int Features { get; }

    /// <summary>ε, added to the variance.</summary>
    public float Epsilon { get; }

    /// <summary>γ, F × 1, initially ones; not weight-decayed.</summary>
    public Parameter Weight => _weight;

    /// <summary>β, F × 1, initially zeros; not weight-decayed.</summary>
    public Parameter Bias => _bias;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [_weight, _bias];

    /// <inheritdoc/>
    public int? InputWidth => Features;

    /// <inheritdoc/>
    public int? OutputWidth(int? inputWidth) => Features;

    /// <inheritdoc/>
    public LayerConfig GetConfig() => new() { { "features", Features }, { "epsilon", Epsilon } };

    /// <inheritdoc/>
    public IReadOnlyList<NamedTensor> State => [new("weight", _weight.Value), new("bias", _bias.Value)];

    /// <summary>Auto: no wish of its own; a <see cref="Dense"/> before it is initialised for the layer after it.</summary>
    public WeightInitialization InitializationBefore => WeightInitialization.Auto;

    static string ILayerFactory<LayerNorm>.KindName => "LayerNorm";

    static LayerNorm ILayerFactory<LayerNorm>.FromConfig(LayerConfig config)
    {
        int features = config.GetInt32("features");
        config.RequireStoredValues(2L * features, $"LayerNorm({features})");
        return new(features, config.GetSingle("epsilon"));
    }

    /// <inheritdoc/>
    public Matrix<float> Forward(Matrix<float> input)
    {
        Matrix<float> x = CheckInput(input);
        int n = x.RowCount;
        _normalized = Shapes.Reuse(_normalized, n, Features);
        _output = Shapes.Reuse(_output, n, Features);
        if (_rows.Length != 2 * n) _rows = new float[2 * n];
        Normalize(x, _normalized, _rows);
        Affine(_normalized, _output);
        return _output;
    }

    /// <inheritdoc/>
    public Matrix<float> Backward(Matrix<float> outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (_normalized is null || _output is null) throw new InvalidOperationException("LayerNorm.Backward was called before Forward.");
        Shapes.RequireSame(outputGradient, _output, nameof(outputGradient));
        int n = _output.RowCount, f = Features;
        float[] g = Shapes.Dense(outputGradient).AsColumnMajorArray(), xHat = _normalized.AsColumnMajorArray();
        float[] gamma = _weight.Value.AsColumnMajorArray(), dGamma = _weight.Gradient.AsColumnMajorArray(), dBeta = _bias.Gradient.AsColumnMajorArray();
        _inputGradient = Shapes.Reuse(_inputGradient, n, f);
        float[] dx = _inputGradient.AsColumnMajorArray();
        if (_backwardRows.Length != 2 * n) _backwardRows = new float[2 * n];
        Span<float> sumD = _backwardRows.AsSpan(0, n), sumDxHat = _backwardRows.AsSpan(n, n);
        ReadOnlySpan<float> r = _rows.AsSpan(n, n);
        sumD.Clear();
        sumDxHat.Clear();
        for (int j = 0; j < f; j++)
        {
            ReadOnlySpan<float> gj = g.AsSpan(j * n, n), xHatJ = xHat.AsSpan(j * n, n);
            dGamma[j] = TensorPrimitives.Dot(xHatJ, gj);
            dBeta[j] = TensorPrimitives.Sum(gj);
            Span<float> d = dx.AsSpan(j * n, n);
            TensorPrimitives.Multiply(gj, gamma[j], d);
            TensorPrimitives.Add(sumD, d, sumD);
            TensorPrimitives.MultiplyAdd(d, xHatJ, sumDxHat, sumDxHat);
        }
        // The two per-row means, the second negated so that one MultiplyAdd subtracts x̂ⱼ times it.
        TensorPrimitives.Divide(sumD, f, sumD);
        TensorPrimitives.Divide(sumDxHat, -f, sumDxHat);
        for (int j = 0; j < f; j++)
        {
            Span<float> d = dx.AsSpan(j * n, n);
            TensorPrimitives.Subtract(d, sumD, d);
            TensorPrimitives.MultiplyAdd(xHat.AsSpan(j * n, n), sumDxHat, d, d);
            TensorPrimitives.Multiply(d, r, d);
        }
        return _inputGradient;
    }

    /// <inheritdoc/>
    public Matrix<float> Predict(Matrix<float> input) => this.PredictNew(CheckInput(input));

    int IPredictInto.OutputColumns(int inputColumns) => Features;

    void IPredictInto.Predict(Matrix<float> input, Matrix<float> output)
    {
        Matrix<float> x = CheckInput(input);
        // Per-thread scratch: Predict runs on many threads at once.
        float[] rows = s_predictRows ?? [];
        if (rows.Length < 2 * x.RowCount) s_predictRows = rows = new float[2 * x.RowCount];
        Normalize(x, output, rows);
        Affine(output, output);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"LayerNorm({Features}, ε={Epsilon})");

    /// <summary>x̂ of every row into <paramref name="xHat"/>; leaves μ then 1/√(σ² + ε) per row in <paramref name="rows"/> (≥ 2N).</summary>
    private void Normalize(Matrix<float> input, Matrix<float> xHat, float[] rows)
    {
        int n = input.RowCount, f = Features;
        float[] x = input.AsColumnMajorArray(), h = xHat.AsColumnMajorArray();
        Span<float> mean = rows.AsSpan(0, n), r = rows.AsSpan(n, n);
        mean.Clear();
        for (int j = 0; j < f; j++) TensorPrimitives.Add(mean, x.AsSpan(j * n, n), mean);
        TensorPrimitives.Divide(mean, f, mean);
        // Two passes (deviations first) keep the variance accurate when |μ| ≫ σ.
        r.Clear();
        for (int j = 0; j < f; j++)
        {
            Span<float> deviation = h.AsSpan(j * n, n);
            TensorPrimitives.Subtract(x.AsSpan(j * n, n), mean, deviation);
            TensorPrimitives.MultiplyAdd(deviation, deviation, r, r);
        }
        TensorPrimitives.Divide(r, f, r);
        TensorPrimitives.Add(r, Epsilon, r);
        TensorPrimitives.ReciprocalSqrt(r, r);
        for (int j = 0; j < f; j++)
        {
            Span<float> column = h.AsSpan(j * n, n);
            TensorPrimitives.Multiply(column, r, column);
        }
    }

    /// <summary>h = γ x̂ + β, a column (one feature over the batch) at a time; <paramref name="output"/> may be <paramref name="xHat"/>.</summary>
    private void Affine(Matrix<float> xHat, Matrix<float> output)
    {
        int n = xHat.RowCount;
        float[] h = xHat.AsColumnMajorArray(), y = output.AsColumnMajorArray();
        float[] gamma = _weight.Value.AsColumnMajorArray(), beta = _bias.Value.AsColumnMajorArray();
        for (int j = 0; j < Features; j++)
        {
            Span<float> column = y.AsSpan(j * n, n);
            TensorPrimitives.Multiply(h.AsSpan(j * n, n), gamma[j], column);
            TensorPrimitives.Add(column, beta[j], column);
        }
    }

    private Matrix<float> CheckInput(Matrix<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Shapes.RequireRows(input, nameof(input));
        if (input.ColumnCount != Features)
            throw new ArgumentException(
                $"{this} expects {Features} input columns but the batch has {input.ColumnCount} ({Shapes.Describe(input)}).", nameof(input));
        return Shapes.Dense(input);
    }
}
