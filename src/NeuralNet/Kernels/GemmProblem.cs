namespace NeuralNet.Kernels;

/// <summary>
/// One product C (M × N) = [C] + A (M × K) · B (K × N) + bias, on strided views of raw arrays. The bias is either one
/// value per row of C or one per column (never both); the initial C is kept only when <see cref="Accumulate"/>.
/// </summary>
internal unsafe struct GemmProblem : IParallelPart<GemmProblem>
{
    internal StridedMatrix A, B, C;
    internal int M, N, K;
    internal bool Accumulate;
    /// <summary>M values added to the rows of C, or null.</summary>
    internal float* RowBias;
    /// <summary>N values added to the columns of C, or null.</summary>
    internal float* ColumnBias;
    /// <summary>The vector path, resolved on the calling thread (where tests may have forced it).</summary>
    internal SimdWidth Width;
    /// <summary>B packed ahead from this problem's B and K (<see cref="Kernels.PackedB"/>), or none (the default): B is then read or packed per call.</summary>
    internal PackedB PackedB;
    /// <summary>A packed ahead in the thin product's blocks (<see cref="Kernels.PackedBlocks"/>), or none.</summary>
    internal PackedBlocks PackedA;
    /// <summary>Bᵀ packed ahead in the thin product's blocks, or none: what <see cref="PackedA"/> becomes when the problem is transposed.</summary>
    internal PackedBlocks PackedBt;

    /// <summary>Cᵀ = Bᵀ · Aᵀ: the same sums, with the roles of rows and columns exchanged.</summary>
    internal readonly GemmProblem Transpose() => this with
    {
        A = B.Transpose(), B = A.Transpose(), C = C.Transpose(), M = N, N = M,
        RowBias = ColumnBias, ColumnBias = RowBias,
        PackedB = default,   // the panels are of B, which becomes A
        PackedA = PackedBt, PackedBt = PackedA,
    };

    /// <summary>The rows [start, start + count) of C.</summary>
    internal readonly GemmProblem Rows(int start, int count) => this with
    {
        A = A.At(start, 0), C = C.At(start, 0), M = count,
        RowBias = RowBias == null ? null : RowBias + start,
        PackedA = PackedA.From(start),
    };

    /// <summary>The columns [start, start + count) of C.</summary>
    internal readonly GemmProblem Columns(int start, int count) => this with
    {
        B = B.At(0, start), C = C.At(0, start), N = count,
        ColumnBias = ColumnBias == null ? null : ColumnBias + start,
        PackedB = PackedB.From(start),
        PackedBt = PackedBt.From(start),
    };

    /// <summary>This block of C on the calling thread, as it is (<see cref="Gemm.RunSerial"/>).</summary>
    static void IParallelPart<GemmProblem>.Run(in GemmProblem part) => Gemm.RunSerial(part);
}
