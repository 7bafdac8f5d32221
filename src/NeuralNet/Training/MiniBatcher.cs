using System.Buffers;
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
/// The copy is rented from <see cref="ArrayPool{T}.Shared"/> and returned by <see cref="Dispose"/>: on a VM a fresh
/// page's first touch is costly (≈ 14 µs per 4 KB on the Zen 5 guest of issue 17, 45–85 ms for 8,192 MNIST rows, about
/// an epoch of them), and a pooled copy spares it to every <see cref="Mlp.Fit"/> after the first on a set of that size.
/// </remarks>
internal sealed class MiniBatcher : IDisposable
{
    private readonly float[] _inputs, _targets;
    private readonly int _rows, _inputColumns, _targetColumns, _batchSize;
    private readonly int[] _order;
    private readonly Random _random;
    private readonly (Matrix<float> X, Matrix<float> Y) _full;
    private readonly (Matrix<float> X, Matrix<float> Y)? _short;
    private readonly float[]? _weights, _fullWeights, _shortWeights;
    private float[]? _inputRows, _targetRows;   // row-major copies, rented on the first shuffled epoch; longer than the data

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

    /// <summary>Returns the row-major copies to the pool (a later shuffled epoch would rent them again).</summary>
    public void Dispose()
    {
        if (_inputRows is { } inputRows) ArrayPool<float>.Shared.Return(inputRows);
        if (_targetRows is { } targetRows) ArrayPool<float>.Shared.Return(targetRows);
        _inputRows = _targetRows = null;
    }

    /// <summary>
    /// From this many values the row-major copy is made on two cores when the kernel may use them
    /// (<see cref="KernelSettings.ThreadCount"/>). A first copy of its size is fresh memory, and on a VM a page's first touch is costly
    /// (≈ 14 µs per 4 KB on the Zen 5 guest of issue 17: MNIST's 188 MB took 0.55–0.9 s); two cores touch twice the pages.
    /// </summary>
    internal const int ParallelCopyValues = 1 << 20;

    /// <summary>
    /// A row-major copy of a column-major matrix, in an array rented from the shared pool (its first rows · columns values):
    /// the column-major array read as a columns × rows row-major one, transposed.
    /// </summary>
    private static unsafe float[] RowMajor(float[] columnMajor, int rows, int columns)
    {
        float[] result = ArrayPool<float>.Shared.Rent(rows * columns);
        int threads = columnMajor.Length >= ParallelCopyValues ? Math.Min(KernelThreads.Limit, KernelThreads.Count) : 1;
        fixed (float* source = columnMajor, destination = result)
        {
            // The source's columns are the copy's rows: each part writes a contiguous half of the copy.
            int half = rows / 2 / 8 * 8;
            Span<TransposePart> parts =
            [
                new TransposePart(source, destination, columns, rows, 0, threads >= 2 ? half : rows),
                new TransposePart(source, destination, columns, rows, half, rows),
            ];
            if (threads >= 2) KernelThreads.Run<TransposePart>(parts, 2);
            else TransposePart.Run(parts[0]);
        }
        return result;
    }

    /// <summary>Columns [From, To) of an N × Columns row-major block, transposed (<see cref="Transpose"/>), as a kernel part.</summary>
    private readonly unsafe struct TransposePart(float* source, float* destination, int n, int columns, int from, int to)
        : IParallelPart<TransposePart>
    {
        private readonly float* _source = source, _destination = destination;
        private readonly int _n = n, _columns = columns, _from = from, _to = to;

        /// <summary>
        /// Columns per pass: a pass's eight-row blocks each write 32 bytes of the same 256 destination lines, which stay in
        /// L1 until the block after fills them (Zen 5: MNIST's 60,000 × 784 in 19 ms, against 37 ms in one pass).
        /// </summary>
        private const int PassColumns = 256;

        public static void Run(in TransposePart part)
        {
            var rows = new ContiguousRows(part._source, part._columns);
            for (int from = part._from; from < part._to; from += PassColumns)
                Transpose(rows, part._n, part._destination, from, Math.Min(part._to, from + PassColumns));
        }
    }

    /// <summary>
    /// The given rows of a row-major matrix into a column-major batch, transposed straight from those rows in 8 × 8
    /// blocks (<see cref="Transpose"/>): eight source rows read in step, one contiguous stream each. Gathering value by
    /// value, or with gather instructions, cost 2–5× as much, and copying the rows into a scratch batch first 1.5–2.4×
    /// (Zen 5: the scratch of a 256-row batch, 800 KB, fell out of L2). On two cores each gathers half of the columns.
    /// </summary>
    private static unsafe void GatherRows(float[] rowMajor, int columns, ReadOnlySpan<int> rows, float[] destination)
    {
        int n = rows.Length;
        int threads = (long)n * columns >= ParallelGatherValues ? Math.Min(KernelThreads.Limit, KernelThreads.Count) : 1;
        // The split of DenseProducts.Forward's k: each core writes the half of the batch its half of the first product
        // (and of ∇W) reads, so the batch does not cross from one core's cache to the other's.
        int half = columns / 2;
        fixed (float* source = rowMajor, d = destination)
        fixed (int* r = rows)
        {
            var batchRows = new IndexedRows(source, columns, r);
            Span<GatherPart> parts =
            [
                new GatherPart(batchRows, n, d, 0, threads >= 2 ? half : columns),
                new GatherPart(batchRows, n, d, half, columns),
            ];
            if (threads >= 2) KernelThreads.Run<GatherPart>(parts, 2);
            else GatherPart.Run(parts[0]);
        }
    }

    /// <summary>From this many values a shuffled batch is gathered on two cores when the kernel may use them.</summary>
    internal const int ParallelGatherValues = 1 << 15;

    /// <summary>Columns [From, To) of a shuffled batch (<see cref="GatherRows"/>), as a kernel part.</summary>
    private readonly unsafe struct GatherPart(IndexedRows rows, int n, float* destination, int from, int to) : IParallelPart<GatherPart>
    {
        private readonly IndexedRows _rows = rows;
        private readonly float* _destination = destination;
        private readonly int _n = n, _from = from, _to = to;

        public static void Run(in GatherPart part) => Transpose(part._rows, part._n, part._destination, part._from, part._to);
    }

    /// <summary>Where row i of a transposition's source starts.</summary>
    private unsafe interface IRowSource
    {
        float* Row(int i);
    }

    /// <summary>Rows one after another, <c>columns</c> apart.</summary>
    private readonly unsafe struct ContiguousRows(float* source, int columns) : IRowSource
    {
        private readonly float* _source = source;
        private readonly int _columns = columns;

        public float* Row(int i) => _source + (nint)i * _columns;
    }

    /// <summary>The rows a batch takes, in its order, of a row-major matrix of <c>columns</c> columns.</summary>
    private readonly unsafe struct IndexedRows(float* source, int columns, int* rows) : IRowSource
    {
        private readonly float* _source = source;
        private readonly int* _rows = rows;
        private readonly int _columns = columns;

        public float* Row(int i) => _source + (nint)_rows[i] * _columns;
    }

    /// <summary>destination[j·n + i] = row i's value j, for the n rows of <paramref name="source"/> and the columns j in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    private static unsafe void Transpose<TRows>(TRows source, int n, float* d, int from, int to) where TRows : struct, IRowSource
    {
        int blockRows = Avx.IsSupported && Simd.Width >= SimdWidth.Vector256 ? n / 8 * 8 : 0, blockEnd = from + (to - from) / 8 * 8;
        float** r = stackalloc float*[8];
        for (int i = 0; i < blockRows; i += 8)
        {
            for (int k = 0; k < 8; k++) r[k] = source.Row(i + k);
            for (int j = from; j < blockEnd; j += 8)
                Transpose8x8(r, j, d + (nint)j * n + i, n);
        }
        for (int i = 0; i < n; i++)
        {
            // What the blocks left: the columns past the last whole block for every row, and every column for the
            // rows past the last whole block.
            float* row = source.Row(i);
            int start = i < blockRows ? blockEnd : from;
            for (int j = start; j < to; j++) d[(nint)j * n + i] = row[j];
        }
    }

    /// <summary>Values j … j + 7 of eight rows to eight columns (stride <paramref name="destinationStride"/>).</summary>
    private static unsafe void Transpose8x8(float** rows, int j, float* destination, nint destinationStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(rows[0] + j), r1 = Avx.LoadVector256(rows[1] + j),
            r2 = Avx.LoadVector256(rows[2] + j), r3 = Avx.LoadVector256(rows[3] + j),
            r4 = Avx.LoadVector256(rows[4] + j), r5 = Avx.LoadVector256(rows[5] + j),
            r6 = Avx.LoadVector256(rows[6] + j), r7 = Avx.LoadVector256(rows[7] + j);
        // Pairs of rows interleaved, then pairs of pairs, then the 128-bit halves exchanged.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3),
            t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE),
            u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(destination, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(destination + destinationStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(destination + 2 * destinationStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(destination + 3 * destinationStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(destination + 4 * destinationStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(destination + 5 * destinationStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(destination + 6 * destinationStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(destination + 7 * destinationStride, Avx.Permute2x128(u3, u7, 0x31));
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
