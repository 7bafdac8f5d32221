using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Training;

/// <summary>
/// Cuts the training set into mini-batches in a (possibly shuffled) order, copying rows into two reused pairs
/// of buffers: one for full batches and one for the short last batch, and the rows' sample weights likewise. Nothing is
/// allocated per batch.
/// </summary>
internal sealed class MiniBatcher
{
    private readonly float[] _inputs, _targets;
    private readonly int _rows, _inputColumns, _targetColumns, _batchSize;
    private readonly int[] _order;
    private readonly Random _random;
    private readonly (Matrix<float> X, Matrix<float> Y) _full;
    private readonly (Matrix<float> X, Matrix<float> Y)? _short;
    private readonly float[]? _weights, _fullWeights, _shortWeights;

    internal MiniBatcher(Matrix<float> inputs, Matrix<float> targets, IReadOnlyList<float>? sampleWeights, int batchSize, int seed)
    {
        _inputs = Shapes.Dense(inputs).AsColumnMajorArray();
        _targets = Shapes.Dense(targets).AsColumnMajorArray();
        _rows = inputs.RowCount;
        _inputColumns = inputs.ColumnCount;
        _targetColumns = targets.ColumnCount;
        _batchSize = Math.Min(batchSize, _rows);
        _order = Enumerable.Range(0, _rows).ToArray();
        _random = new Random(seed);
        _full = (Matrix<float>.Build.Dense(_batchSize, _inputColumns), Matrix<float>.Build.Dense(_batchSize, _targetColumns));
        int remainder = _rows % _batchSize;
        if (remainder != 0)
            _short = (Matrix<float>.Build.Dense(remainder, _inputColumns), Matrix<float>.Build.Dense(remainder, _targetColumns));
        if (sampleWeights is null)
        {
            TotalWeight = _rows;
            return;
        }
        _weights = [.. sampleWeights];
        _fullWeights = new float[_batchSize];
        _shortWeights = new float[remainder];
        foreach (float w in _weights) TotalWeight += w;
    }

    internal int BatchCount => (_rows + _batchSize - 1) / _batchSize;

    /// <summary>Σ wₙ over the whole training set: its row count without sample weights.</summary>
    internal double TotalWeight { get; }

    /// <summary>Starts an epoch: a fresh Fisher–Yates permutation when shuffling, else the original order.</summary>
    internal void StartEpoch(bool shuffle)
    {
        if (shuffle) _random.Shuffle(_order);
    }

    /// <summary>Batch <paramref name="index"/> (from 0) of the current epoch, in buffers owned by this batcher.</summary>
    internal (Matrix<float> X, Matrix<float> Y) Batch(int index)
    {
        int start = index * _batchSize;
        var batch = start + _batchSize <= _rows ? _full : _short!.Value;
        ReadOnlySpan<int> rows = _order.AsSpan(start, batch.X.RowCount);
        Gather(_inputs, _rows, rows, batch.X.AsColumnMajorArray(), _inputColumns);
        Gather(_targets, _rows, rows, batch.Y.AsColumnMajorArray(), _targetColumns);
        return batch;
    }

    /// <summary>
    /// The sample weights of batch <paramref name="index"/>'s rows, in a buffer owned by this batcher (empty without sample
    /// weights), in the current epoch's order, and their sum (the row count without them).
    /// </summary>
    internal ReadOnlySpan<float> Weights(int index, out double sum)
    {
        int start = index * _batchSize, count = Math.Min(_batchSize, _rows - start);
        if (_weights is null)
        {
            sum = count;
            return default;
        }
        float[] batch = count == _batchSize ? _fullWeights! : _shortWeights!;
        Gather(_weights, _rows, _order.AsSpan(start, count), batch, columns: 1);
        sum = 0;
        foreach (float w in batch) sum += w;
        return batch;
    }

    // Column-major: element (i, j) of an n-row matrix lives at j·n + i.
    private static void Gather(float[] source, int sourceRows, ReadOnlySpan<int> rows, float[] destination, int columns)
    {
        int n = rows.Length;
        for (int j = 0; j < columns; j++)
        {
            ReadOnlySpan<float> column = source.AsSpan(j * sourceRows, sourceRows);
            Span<float> target = destination.AsSpan(j * n, n);
            for (int i = 0; i < n; i++) target[i] = column[rows[i]];
        }
    }
}
