using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Kernels;

/// <summary>
/// The Dense layer's three matrix products, the hot path of training and inference. Every product a
/// Dense layer computes goes through here, so the kernel behind it can change without touching the layer.
/// All matrices are dense, column-major (Math.NET's storage), one sample per row; the products run on
/// <see cref="Gemm"/> straight on the arrays behind them, transposing by strides, never by copying.
/// </summary>
internal static unsafe class DenseProducts
{
    /// <summary>Forward: z = x · wᵀ + 1 bᵀ, the lecture's z = W h + b for every row h of x.</summary>
    /// <param name="x">Inputs, n × inputs.</param>
    /// <param name="w">Weights, outputs × inputs.</param>
    /// <param name="b">Bias, outputs × 1.</param>
    /// <param name="z">Result, n × outputs; overwritten.</param>
    /// <param name="packed">Wᵀ packed ahead from <paramref name="w"/> as it is now, or null to read W where it lies; the same bits.</param>
    /// <remarks>
    /// From <see cref="Gemv.SplitThreshold"/> multiply-adds per row (and more than <see cref="Gemv.ColumnByColumn"/> rows
    /// and outputs) k is summed in two halves, as the one-sample product sums it: z = (b + x_L·w_Lᵀ) + x_R·w_Rᵀ, each
    /// half one FMA chain, k split at inputs / 2. So a row has the bits it has alone, and on two threads each core takes
    /// one half: its half of x and of W (contiguous columns, the half the optimizer's update gives the same core), so
    /// W never crosses between the cores' caches, where a split of z's columns moved half of W every training step.
    /// </remarks>
    internal static void Forward(Matrix<float> x, Matrix<float> w, Matrix<float> b, Matrix<float> z, PackedWeights? packed = null)
    {
        RequireShapes(x.ColumnCount == w.ColumnCount && b.RowCount == w.RowCount && b.ColumnCount == 1
            && z.RowCount == x.RowCount && z.ColumnCount == w.RowCount, "z = x wᵀ + b", x, w, b, z);
        int n = z.RowCount, outputs = z.ColumnCount, inputs = x.ColumnCount;
        fixed (float* xs = x.AsColumnMajorArray(), ws = w.AsColumnMajorArray(), bs = b.AsColumnMajorArray(), zs = z.AsColumnMajorArray())
        {
            GemmProblem problem = Problem(StridedMatrix.ColumnMajor(xs, n), StridedMatrix.ColumnMajor(ws, outputs).Transpose(),
                StridedMatrix.ColumnMajor(zs, n), n, outputs, inputs, accumulate: false, bs);
            if (SumsInHalves(n, outputs, inputs))
            {
                InHalves(problem, packed);
                return;
            }
            if (packed is not null) problem = problem with { PackedB = packed.Whole, PackedBt = packed.WholeRows };
            Gemm.Multiply(problem, KernelThreads.Limit);
        }
    }

    /// <summary>
    /// z = (b + x_L·w_Lᵀ) + x_R·w_Rᵀ, one half of k per thread. Its own method: its two problems and the parts array are
    /// large stack temporaries that the one-product path (a sample through a small layer, ≈ 100 ns) should not carry.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InHalves(in GemmProblem problem, PackedWeights? packed)
    {
        int n = problem.M, outputs = problem.N, inputs = problem.K, half = inputs / 2;
        float* second = PackBuffers.ForCurrentThread().SecondHalf(n * outputs);
        Span<HalfProduct> halves =
        [
            new(problem with { K = half, PackedB = packed?.FirstHalf ?? default, PackedBt = packed?.FirstHalfRows ?? default }),
            new(problem with
            {
                A = problem.A.At(0, half), B = problem.B.At(half, 0), K = inputs - half, C = StridedMatrix.ColumnMajor(second, n),
                ColumnBias = null, PackedB = packed?.SecondHalf ?? default, PackedBt = packed?.SecondHalfRows ?? default,
            }),
        ];
        int threads = (long)n * outputs * inputs >= Gemm.ParallelThreshold ? KernelThreads.Limit : 1;
        KernelThreads.Run<HalfProduct>(halves, threads);
        var z = new Span<float>(problem.C.Data, n * outputs);
        TensorPrimitives.Add(z, new ReadOnlySpan<float>(second, n * outputs), z);
    }

    /// <summary>Whether <see cref="Forward"/> sums k in two halves: a rule of the shape alone, so the bits never depend on the thread count.</summary>
    internal static bool SumsInHalves(int rows, int outputs, int inputs) =>
        (long)outputs * inputs >= Gemv.SplitThreshold && rows > Gemv.ColumnByColumn && outputs > Gemv.ColumnByColumn;

    /// <summary>One half of k of a forward product, on one thread.</summary>
    private readonly struct HalfProduct(GemmProblem problem) : IParallelPart<HalfProduct>
    {
        private readonly GemmProblem _problem = problem;

        static void IParallelPart<HalfProduct>.Run(in HalfProduct part) => Gemm.Multiply(part._problem, threads: 1);
    }

    /// <summary>Weight gradient: ∇W = gᵀ · h (+ ∇W when accumulating), the lecture's g h⁽ᵏ⁻¹⁾ᵀ summed over the batch.</summary>
    /// <param name="g">Gradient at z, n × outputs.</param>
    /// <param name="h">The layer's input, n × inputs.</param>
    /// <param name="dw">Result, outputs × inputs; overwritten unless <paramref name="accumulate"/>.</param>
    /// <param name="accumulate">Add to <paramref name="dw"/> instead of overwriting it.</param>
    internal static void WeightGradient(Matrix<float> g, Matrix<float> h, Matrix<float> dw, bool accumulate = false)
    {
        RequireShapes(g.RowCount == h.RowCount && dw.RowCount == g.ColumnCount && dw.ColumnCount == h.ColumnCount,
            "∇W = gᵀ h", g, h, dw);
        fixed (float* gs = g.AsColumnMajorArray(), hs = h.AsColumnMajorArray(), dws = dw.AsColumnMajorArray())
        {
            Run(StridedMatrix.ColumnMajor(gs, g.RowCount).Transpose(), StridedMatrix.ColumnMajor(hs, h.RowCount),
                StridedMatrix.ColumnMajor(dws, dw.RowCount), dw.RowCount, dw.ColumnCount, g.RowCount, accumulate, bias: null);
        }
    }

    /// <summary>Input gradient: ∇h = g · w (+ ∇h when accumulating), the lecture's Wᵀ g for every row g.</summary>
    /// <param name="g">Gradient at z, n × outputs.</param>
    /// <param name="w">Weights, outputs × inputs.</param>
    /// <param name="dx">Result, n × inputs; overwritten unless <paramref name="accumulate"/>.</param>
    /// <param name="accumulate">Add to <paramref name="dx"/> instead of overwriting it.</param>
    internal static void InputGradient(Matrix<float> g, Matrix<float> w, Matrix<float> dx, bool accumulate = false)
    {
        RequireShapes(g.ColumnCount == w.RowCount && dx.RowCount == g.RowCount && dx.ColumnCount == w.ColumnCount,
            "∇x = g w", g, w, dx);
        fixed (float* gs = g.AsColumnMajorArray(), ws = w.AsColumnMajorArray(), dxs = dx.AsColumnMajorArray())
        {
            Run(StridedMatrix.ColumnMajor(gs, g.RowCount), StridedMatrix.ColumnMajor(ws, w.RowCount),
                StridedMatrix.ColumnMajor(dxs, dx.RowCount), dx.RowCount, dx.ColumnCount, g.ColumnCount, accumulate, bias: null);
        }
    }

    /// <summary>The kernel writes through raw pointers: wrong shapes or non-dense storage must never reach it.</summary>
    private static void RequireShapes(bool shapesAgree, string product, params ReadOnlySpan<Matrix<float>> matrices)
    {
        bool dense = true;
        foreach (Matrix<float> m in matrices) dense &= m.AsColumnMajorArray() is not null;
        if (!shapesAgree || !dense) ThrowShapes(product, matrices);
    }

    // The message is built apart from the check, which then stays small enough to inline: together they cost ≈ 25 ns per
    // product, a quarter of a small layer's product for one sample (64 → 32 on Zen 5).
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowShapes(string product, ReadOnlySpan<Matrix<float>> matrices)
    {
        var shapes = new string[matrices.Length];
        for (int i = 0; i < matrices.Length; i++) shapes[i] = $"{Shapes.Describe(matrices[i])} {matrices[i].GetType().Name}";
        throw new ArgumentException($"The product {product} needs dense matrices of agreeing shapes, but got {string.Join(", ", shapes)}.");
    }

    private static void Run(StridedMatrix a, StridedMatrix b, StridedMatrix c, int m, int n, int k, bool accumulate, float* bias) =>
        Gemm.Multiply(Problem(a, b, c, m, n, k, accumulate, bias), KernelThreads.Limit);

    private static GemmProblem Problem(StridedMatrix a, StridedMatrix b, StridedMatrix c, int m, int n, int k, bool accumulate, float* bias) =>
        new() { A = a, B = b, C = c, M = m, N = n, K = k, Accumulate = accumulate, ColumnBias = bias, Width = Simd.Width };
}
