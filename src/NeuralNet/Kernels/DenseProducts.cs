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
    internal static void Forward(Matrix<float> x, Matrix<float> w, Matrix<float> b, Matrix<float> z)
    {
        RequireShapes(x.ColumnCount == w.ColumnCount && b.RowCount == w.RowCount && b.ColumnCount == 1
            && z.RowCount == x.RowCount && z.ColumnCount == w.RowCount, "z = x wᵀ + b", x, w, b, z);
        fixed (float* xs = x.AsColumnMajorArray(), ws = w.AsColumnMajorArray(), bs = b.AsColumnMajorArray(), zs = z.AsColumnMajorArray())
        {
            Run(StridedMatrix.ColumnMajor(xs, x.RowCount), StridedMatrix.ColumnMajor(ws, w.RowCount).Transpose(),
                StridedMatrix.ColumnMajor(zs, z.RowCount), z.RowCount, z.ColumnCount, x.ColumnCount, accumulate: false, bs);
        }
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
        if (!shapesAgree || !dense)
        {
            var shapes = new string[matrices.Length];
            for (int i = 0; i < matrices.Length; i++) shapes[i] = $"{Shapes.Describe(matrices[i])} {matrices[i].GetType().Name}";
            throw new ArgumentException($"The product {product} needs dense matrices of agreeing shapes, but got {string.Join(", ", shapes)}.");
        }
    }

    private static void Run(StridedMatrix a, StridedMatrix b, StridedMatrix c, int m, int n, int k, bool accumulate, float* bias) =>
        Gemm.Multiply(new GemmProblem
        {
            A = a, B = b, C = c, M = m, N = n, K = k, Accumulate = accumulate, ColumnBias = bias, Width = Simd.Width,
        }, KernelThreads.Limit);
}
