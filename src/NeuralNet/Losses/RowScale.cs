using System.Numerics.Tensors;

namespace NeuralNet.Losses;

/// <summary>
/// How a loss weighs its N rows: L = Σₙ wₙℓₙ / Σₙ wₙ and ∂L/∂ŷₙ = sₙ ∂ℓₙ/∂ŷₙ with sₙ = wₙ/Σw. Without sample weights
/// every wₙ is 1, so L is the plain mean and sₙ = 1/N (applied exactly as 0.1 did, as one scalar).
/// </summary>
/// <remarks>
/// An integer weight k scales its row's gradient by k/W, the sum of k copies of 1/W: the row counts as if it appeared k times.
/// </remarks>
internal readonly ref struct RowScale
{
    // Per-thread: the sₙ of the current batch; a loss may be shared by models on many threads.
    [ThreadStatic] private static float[]? s_scale;

    private readonly ReadOnlySpan<float> _weights, _scale;
    private readonly double _total;

    private RowScale(ReadOnlySpan<float> weights, ReadOnlySpan<float> scale, double total)
    {
        _weights = weights;
        _scale = scale;
        _total = total;
    }

    /// <summary>Every row weighs 1: the plain mean over <paramref name="rows"/> rows.</summary>
    internal static RowScale Mean(int rows) => new(default, default, rows);

    /// <summary>Row n weighs <paramref name="sampleWeights"/>[n]: one finite weight ≥ 0 per row, not all 0.</summary>
    /// <exception cref="ArgumentException">The count differs from <paramref name="rows"/>, or a weight is bad.</exception>
    internal static RowScale Weighted(ReadOnlySpan<float> sampleWeights, int rows)
    {
        if (sampleWeights.Length != rows)
            throw new ArgumentException($"There are {sampleWeights.Length} sample weights for a batch of {rows} rows; give one per row.", nameof(sampleWeights));
        Weights.Require(sampleWeights, nameof(sampleWeights), someNonZero: true);
        double total = 0;
        foreach (float w in sampleWeights) total += w;
        float[] scale = s_scale is { } cached && cached.Length >= rows ? cached : s_scale = new float[rows];
        for (int i = 0; i < rows; i++) scale[i] = (float)(sampleWeights[i] / total);
        return new(sampleWeights, scale.AsSpan(0, rows), total);
    }

    /// <summary>The sample weights wₙ; empty when every row weighs 1.</summary>
    internal ReadOnlySpan<float> SampleWeights => _weights;

    /// <summary>wₙ: 1 without sample weights.</summary>
    internal float Weight(int row) => _weights.IsEmpty ? 1f : _weights[row];

    /// <summary>sₙ: 1/N without sample weights.</summary>
    internal float this[int row] => _scale.IsEmpty ? 1f / (float)_total : _scale[row];

    /// <summary>Σ wₙℓₙ / Σ wₙ, given Σ wₙℓₙ.</summary>
    internal float Mean(double weightedSum) => (float)(weightedSum / _total);

    /// <summary>Multiplies one column of a gradient (row n at index n) by sₙ.</summary>
    internal void Apply(Span<float> column)
    {
        if (_scale.IsEmpty) TensorPrimitives.Multiply(column, 1f / (float)_total, column);
        else TensorPrimitives.Multiply(column, _scale, column);
    }

    /// <summary>Multiplies every column of a column-major gradient of N rows by sₙ.</summary>
    internal void ApplyToColumns(Span<float> gradient, int rows)
    {
        for (int j = 0; j < gradient.Length / rows; j++) Apply(gradient.Slice(j * rows, rows));
    }
}
