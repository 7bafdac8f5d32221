using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Tests;

/// <summary>Networks written out in double from their parameters' values as they are: an oracle independent of the kernels.</summary>
internal static class DoubleReference
{
    /// <summary>Dense → ReLU → Dense → softmax (layers 0 and 2 of <paramref name="model"/> are the Dense layers).</summary>
    internal static Matrix<double> DenseReluDenseSoftmax(Mlp model, Matrix<float> x)
    {
        var (first, second) = ((Dense)model.Layers[0], (Dense)model.Layers[2]);
        static Matrix<double> D(Matrix<float> m) => m.Map(v => (double)v);
        Matrix<double> h = D(x) * D(first.Weights.Value).Transpose();
        h = Matrix<double>.Build.Dense(h.RowCount, h.ColumnCount, (i, j) => Math.Max(0, h[i, j] + first.Bias.Value[j, 0]));
        Matrix<double> z = h * D(second.Weights.Value).Transpose();
        return Matrix<double>.Build.Dense(z.RowCount, z.ColumnCount, (i, j) =>
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int k = 0; k < z.ColumnCount; k++) max = Math.Max(max, z[i, k] + second.Bias.Value[k, 0]);
            for (int k = 0; k < z.ColumnCount; k++) sum += Math.Exp(z[i, k] + second.Bias.Value[k, 0] - max);
            return Math.Exp(z[i, j] + second.Bias.Value[j, 0] - max) / sum;
        });
    }
}
