using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;

namespace NeuralNet.Kernels;

/// <summary>
/// The Dense layer's three matrix products, the hot path of training and inference. Every product a
/// Dense layer computes goes through here, so the kernel behind it can change without touching the layer.
/// All matrices are dense, column-major (Math.NET's storage), one sample per row.
/// </summary>
internal static class DenseProducts
{
    /// <summary>Forward: z = x · wᵀ + 1 bᵀ, the lecture's z = W h + b for every row h of x.</summary>
    /// <param name="x">Inputs, n × inputs.</param>
    /// <param name="w">Weights, outputs × inputs.</param>
    /// <param name="b">Bias, outputs × 1.</param>
    /// <param name="z">Result, n × outputs; overwritten.</param>
    internal static void Forward(Matrix<float> x, Matrix<float> w, Matrix<float> b, Matrix<float> z)
    {
        x.TransposeAndMultiply(w, z);
        float[] bias = b.AsColumnMajorArray();
        float[] zs = z.AsColumnMajorArray();
        int n = z.RowCount;
        for (int j = 0; j < bias.Length; j++)
        {
            Span<float> column = zs.AsSpan(j * n, n);
            TensorPrimitives.Add(column, bias[j], column);
        }
    }

    /// <summary>Weight gradient: ∇W = gᵀ · h, the lecture's g h⁽ᵏ⁻¹⁾ᵀ summed over the batch.</summary>
    /// <param name="g">Gradient at z, n × outputs.</param>
    /// <param name="h">The layer's input, n × inputs.</param>
    /// <param name="dw">Result, outputs × inputs; overwritten.</param>
    internal static void WeightGradient(Matrix<float> g, Matrix<float> h, Matrix<float> dw)
        => g.TransposeThisAndMultiply(h, dw);

    /// <summary>Input gradient: ∇h = g · w, the lecture's Wᵀ g for every row g.</summary>
    /// <param name="g">Gradient at z, n × outputs.</param>
    /// <param name="w">Weights, outputs × inputs.</param>
    /// <param name="dx">Result, n × inputs; overwritten.</param>
    internal static void InputGradient(Matrix<float> g, Matrix<float> w, Matrix<float> dx)
        => g.Multiply(w, dx);
}
