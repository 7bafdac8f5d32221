using System.Globalization;
using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Layers;

/// <summary>
/// Batch normalisation, as torch's <c>nn.BatchNorm1d(features, momentum, eps)</c>: each column (feature) is normalised
/// over the batch. Training (<see cref="Forward"/>), over the N rows: μⱼ = (1/N) Σₙ xₙⱼ, σⱼ² = (1/N) Σₙ (xₙⱼ − μⱼ)² (the
/// biased variance), x̂ = (x − μ)/√(σ² + ε), h = γ x̂ + β; and the running statistics move towards the batch's,
/// r_mean ← (1 − m) r_mean + m μ and r_var ← (1 − m) r_var + m σ² N/(N − 1) (the unbiased variance).
/// Inference (<see cref="Predict"/>): h = γ (x − r_mean)/√(r_var + ε) + β.
/// </summary>
/// <remarks>
/// <para>
/// γ (<c>weight</c>, ones) and β (<c>bias</c>, zeros) are F × 1 parameters, not weight-decayed. The running mean (zeros)
/// and variance (ones) are buffers: saved, loaded and exported (<see cref="State"/>), but not <see cref="Parameters"/>.
/// </para>
/// <para>
/// Backward, exact through the batch statistics, per column with g = ∂J/∂h and r = 1/√(σ² + ε):
/// ∇γ = Σₙ x̂ g, ∇β = Σₙ g, ∂J/∂x = γ r (g − ∇β/N − x̂ ∇γ/N).
/// </para>
/// <para>
/// Storage is column-major, so a feature over the batch is contiguous and every statistic is one vector reduction.
/// Thread safety: <see cref="Predict"/> is safe from many threads at once while the parameters and running statistics
/// don't change; <see cref="Forward"/> (which updates the running statistics) and <see cref="Backward"/> must not run
/// concurrently with anything else on the layer.
/// </para>
/// </remarks>
public sealed class BatchNorm : ISerializableLayer, ILayerFactory<BatchNorm>, IPredictInto
{
    private readonly Parameter _weight;
    private readonly Parameter _bias;
    private readonly Matrix<float> _runningMean;
    private readonly Matrix<float> _runningVariance;
    private readonly float[] _reciprocalStd;
    private Matrix<float>? _normalized;
    private Matrix<float>? _output;
    private Matrix<float>? _inputGradient;

    /// <summary>Creates a batch normalisation over <paramref name="features"/> columns, γ = 1, β = 0, running mean 0 and variance 1.</summary>
    /// <param name="features">F, the width of the batch; at least 1.</param>
    /// <param name="momentum">m, the weight of each batch in the running statistics; in [0, 1].</param>
    /// <param name="epsilon">ε, added to the variance; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="features"/> is less than 1, <paramref name="momentum"/> is NaN or outside [0, 1], or
    /// <paramref name="epsilon"/> is not positive and finite.
    /// </exception>
    public BatchNorm(int features, float momentum = 0.1f, float epsilon = 1e-5f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (!(momentum >= 0f && momentum <= 1f))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum,
                $"The momentum must be in [0, 1], not {momentum.ToString(CultureInfo.InvariantCulture)}.");
        if (!(epsilon > 0f && float.IsFinite(epsilon)))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon,
                $"ε must be positive and finite, not {epsilon.ToString(CultureInfo.InvariantCulture)}.");
        Features = features;
        Momentum = momentum;
        Epsilon = epsilon;
        _weight = new Parameter("weight", Matrix<float>.Build.Dense(features, 1, 1f), isWeight: false);
        _bias = new Parameter("bias", Matrix<float>.Build.Dense(features, 1), isWeight: false);
        _runningMean = Matrix<float>.Build.Dense(features, 1);
        _runningVariance = Matrix<float>.Build.Dense(features, 1, 1f);
        _reciprocalStd = new float[features];
    }

    /// <summary>F, the number of features.</summary>
    public int Features { get; }

    /// <summary>m, the weight of each training batch in the running statistics.</summary>
    public float Momentum { get; }

    /// <summary>ε, added to the variance.</summary>
    public float Epsilon { get; }

    /// <summary>γ, F × 1, initially ones; not weight-decayed.</summary>
    public Parameter Weight => _weight;

    /// <summary>β, F × 1, initially zeros; not weight-decayed.</summary>
    public Parameter Bias => _bias;

    /// <summary>The running mean, F × 1 (torch's <c>running_mean</c>), initially zeros; the layer's own matrix.</summary>
    public Matrix<float> RunningMean => _runningMean;

    /// <summary>The running (unbiased) variance, F × 1 (torch's <c>running_var</c>), initially ones; the layer's own matrix.</summary>
    public Matrix<float> RunningVariance => _runningVariance;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [_weight, _bias];

    /// <inheritdoc/>
    public int? InputWidth => Features;

    /// <inheritdoc/>
    public int? OutputWidth(int? inputWidth) => Features;

    /// <inheritdoc/>
    public LayerConfig GetConfig() => new() { { "features", Features }, { "momentum", Momentum }, { "epsilon", Epsilon } };

    /// <inheritdoc/>
    public IReadOnlyList<NamedTensor> State =>
        [new("weight", _weight.Value), new("bias", _bias.Value), new("running_mean", _runningMean), new("running_var", _runningVariance)];

    /// <summary>Auto: no wish of its own; a <see cref="Dense"/> before it is initialised for the layer after it.</summary>
    public WeightInitialization InitializationBefore => WeightInitialization.Auto;

    static string ILayerFactory<BatchNorm>.KindName => "BatchNorm";

    static BatchNorm ILayerFactory<BatchNorm>.FromConfig(LayerConfig config)
    {
        int features = config.GetInt32("features");
        config.RequireStoredValues(4L * features, $"BatchNorm({features})");
        return new(features, config.GetSingle("momentum"), config.GetSingle("epsilon"));
    }

    /// <summary>Training: normalises with the batch's statistics and updates the running ones.</summary>
    /// <param name="input">A batch of at least 2 rows, F columns.</param>
    /// <returns>The output batch, owned by the layer until its next call.</returns>
    /// <exception cref="ArgumentException">The batch has the wrong width or a single row (whose variance is undefined).</exception>
    public Matrix<float> Forward(Matrix<float> input)
    {
        Matrix<float> x = CheckInput(input);
        int n = x.RowCount;
        if (n < 2)
            throw new ArgumentException(
                $"{this} cannot train on a batch of 1 row: the variance of one sample is undefined (torch refuses it too). Use batches of at least 2 rows.",
                nameof(input));
        _normalized = Shapes.Reuse(_normalized, n, Features);
        _output = Shapes.Reuse(_output, n, Features);
        float[] xs = x.AsColumnMajorArray(), xHat = _normalized.AsColumnMajorArray(), y = _output.AsColumnMajorArray();
        float[] gamma = _weight.Value.AsColumnMajorArray(), beta = _bias.Value.AsColumnMajorArray();
        float[] runningMean = _runningMean.AsColumnMajorArray(), runningVariance = _runningVariance.AsColumnMajorArray();
        float m = Momentum, unbiased = n / (n - 1f);
        for (int j = 0; j < Features; j++)
        {
            Span<float> column = xHat.AsSpan(j * n, n);
            float mean = TensorPrimitives.Sum(xs.AsSpan(j * n, n)) / n;
            // Two passes (deviations first) keep the variance accurate when |μ| ≫ σ.
            TensorPrimitives.Subtract(xs.AsSpan(j * n, n), mean, column);
            float variance = TensorPrimitives.SumOfSquares(column) / n;
            float r = 1f / MathF.Sqrt(variance + Epsilon);
            _reciprocalStd[j] = r;
            TensorPrimitives.Multiply(column, r, column);
            Span<float> outputColumn = y.AsSpan(j * n, n);
            TensorPrimitives.Multiply(column, gamma[j], outputColumn);
            TensorPrimitives.Add(outputColumn, beta[j], outputColumn);
            runningMean[j] = (1f - m) * runningMean[j] + m * mean;
            runningVariance[j] = (1f - m) * runningVariance[j] + m * (variance * unbiased);
        }
        return _output;
    }

    /// <inheritdoc/>
    public Matrix<float> Backward(Matrix<float> outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (_normalized is null || _output is null) throw new InvalidOperationException("BatchNorm.Backward was called before Forward.");
        Shapes.RequireSame(outputGradient, _output, nameof(outputGradient));
        int n = _output.RowCount;
        float[] g = Shapes.Dense(outputGradient).AsColumnMajorArray(), xHat = _normalized.AsColumnMajorArray();
        float[] gamma = _weight.Value.AsColumnMajorArray(), dGamma = _weight.Gradient.AsColumnMajorArray(), dBeta = _bias.Gradient.AsColumnMajorArray();
        _inputGradient = Shapes.Reuse(_inputGradient, n, Features);
        float[] dx = _inputGradient.AsColumnMajorArray();
        for (int j = 0; j < Features; j++)
        {
            ReadOnlySpan<float> gj = g.AsSpan(j * n, n), xHatJ = xHat.AsSpan(j * n, n);
            float sumXHatG = TensorPrimitives.Dot(xHatJ, gj), sumG = TensorPrimitives.Sum(gj);
            dGamma[j] = sumXHatG;
            dBeta[j] = sumG;
            Span<float> d = dx.AsSpan(j * n, n);
            TensorPrimitives.Subtract(gj, sumG / n, d);
            TensorPrimitives.MultiplyAdd(xHatJ, -sumXHatG / n, d, d);
            TensorPrimitives.Multiply(d, gamma[j] * _reciprocalStd[j], d);
        }
        return _inputGradient;
    }

    /// <summary>Inference: normalises with the running statistics; one row is fine.</summary>
    /// <param name="input">A batch, F columns.</param>
    /// <exception cref="ArgumentException">The batch has the wrong width.</exception>
    public Matrix<float> Predict(Matrix<float> input) => this.PredictNew(CheckInput(input));

    int IPredictInto.OutputColumns(int inputColumns) => Features;

    void IPredictInto.Predict(Matrix<float> input, Matrix<float> output)
    {
        Matrix<float> x = CheckInput(input);
        int n = x.RowCount;
        float[] xs = x.AsColumnMajorArray(), y = output.AsColumnMajorArray();
        float[] gamma = _weight.Value.AsColumnMajorArray(), beta = _bias.Value.AsColumnMajorArray();
        float[] runningMean = _runningMean.AsColumnMajorArray(), runningVariance = _runningVariance.AsColumnMajorArray();
        for (int j = 0; j < Features; j++)
        {
            Span<float> column = y.AsSpan(j * n, n);
            TensorPrimitives.Subtract(xs.AsSpan(j * n, n), runningMean[j], column);
            TensorPrimitives.Multiply(column, 1f / MathF.Sqrt(runningVariance[j] + Epsilon), column);
            TensorPrimitives.Multiply(column, gamma[j], column);
            TensorPrimitives.Add(column, beta[j], column);
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"BatchNorm({Features}, momentum={Momentum}, ε={Epsilon})");

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
