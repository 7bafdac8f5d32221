using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;

namespace NeuralNet.Training;

/// <summary>
/// Cuts the training set into mini-batches in a (possibly shuffled) order, copying rows into two reused pairs
/// of buffers: one for full batches and one for the short last batch, and the rows' sample weights likewise. Nothing is
/// allocated per batch.
/// </summary>
/// <remarks>
/// In the column-major training matrix a sample's values lie a whole column apart, so gathering shuffled rows from it
/// touches one cache line per value (784 per MNIST row, from memory once the set outgrows the cache): that doubled an
/// epoch. The first shuffled epoch therefore makes a row-major copy of the inputs and targets, from which a row is one
/// contiguous read; batches in the original order are runs of each column and are copied from the matrices themselves.
/// </remarks>
internal sealed class MiniBatcher
{
    private readonly float[] _inputs, _targets;
    private readonly int _rows, _inputColumns, _targetColumns, _batchSize;
    private readonly int[] _order;
    private readonly Random _random;
    private readonly (Matrix<float> X, Matrix<float> Y) _full;
    private readonly (Matrix<float> X, Matrix<float> Y)? _short;
    private readonly float[]? _weights, _fullWeights, _shortWeights;
    private float[]? _inputRows, _targetRows;   // row-major copies, made on the first shuffled epoch

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
        if (!shuffle) return;
        _random.Shuffle(_order);
        _inputRows ??= RowMajor(_inputs, _rows, _inputColumns);
        _targetRows ??= RowMajor(_targets, _rows, _targetColumns);
    }

    /// <summary>Batch <paramref name="index"/> (from 0) of the current epoch, in buffers owned by this batcher.</summary>
    internal (Matrix<float> X, Matrix<float> Y) Batch(int index)
    {
        int start = index * _batchSize;
        var batch = start + _batchSize <= _rows ? _full : _short!.Value;
        ReadOnlySpan<int> rows = _order.AsSpan(start, batch.X.RowCount);
        if (_inputRows is null || _targetRows is null)
        {
            Gather(_inputs, _rows, rows, batch.X.AsColumnMajorArray(), _inputColumns);
            Gather(_targets, _rows, rows, batch.Y.AsColumnMajorArray(), _targetColumns);
        }
        else
        {
            GatherRows(_inputRows, _inputColumns, rows, batch.X.AsColumnMajorArray());
            GatherRows(_targetRows, _targetColumns, rows, batch.Y.AsColumnMajorArray());
        }
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

    /// <summary>Rows (and columns) per tile of the transposing copies: a tile's column of 16 floats is one cache line.</summary>
    private const int Tile = 16;

    /// <summary>A row-major copy of a column-major matrix, sixteen rows at a time: one line of each column per block.</summary>
    private static float[] RowMajor(float[] columnMajor, int rows, int columns)
    {
        var result = GC.AllocateUninitializedArray<float>(rows * columns);
        for (int first = 0; first < rows; first += Tile)
        {
            int last = Math.Min(first + Tile, rows);
            for (int j = 0; j < columns; j++)
                for (int i = first; i < last; i++) result[i * columns + j] = columnMajor[j * rows + i];
        }
        return result;
    }

    /// <summary>
    /// The given rows of a row-major matrix into a column-major batch, sixteen rows at a time: each row is a contiguous
    /// read, and each k of the batch is written as a run of sixteen (one line) rather than one value per line. With
    /// AVX2 a run is two gather instructions of eight, the rows' offsets in two index vectors.
    /// </summary>
    private static unsafe void GatherRows(float[] rowMajor, int columns, ReadOnlySpan<int> rows, float[] destination)
    {
        int n = rows.Length, i0 = 0;
        fixed (float* source = rowMajor, target = destination)
        fixed (int* order = rows)
        {
            if (Avx2.IsSupported && Simd.Width >= SimdWidth.Vector256)
                for (; i0 + 16 <= n; i0 += 16)
                {
                    Vector256<int> low = Vector256.Load(order + i0) * columns, high = Vector256.Load(order + i0 + 8) * columns;
                    for (int j = 0; j < columns; j++)
                    {
                        float* run = target + (nint)j * n + i0;
                        Avx2.GatherVector256(source + j, low, 4).Store(run);
                        Avx2.GatherVector256(source + j, high, 4).Store(run + 8);
                    }
                }
            for (; i0 < n; i0 += Tile)
            {
                int count = Math.Min(Tile, n - i0);
                for (int j = 0; j < columns; j++)
                    for (int k = 0; k < count; k++) target[(nint)j * n + i0 + k] = source[(nint)order[i0 + k] * columns + j];
            }
        }
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
