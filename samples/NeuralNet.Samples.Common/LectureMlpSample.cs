using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;

namespace NeuralNet.Samples;

/// <summary>
/// The lecture's worked network: x (3) → Dense 4 → ReLU → Dense 3 → ReLU → Dense 2 → softmax, with cross-entropy.
/// Computes the forward values and every gradient twice: with the library, and with the lecture's closed-form
/// backward formulas written out on plain arrays (δₖ = ŷ − y; ∇W⁽ᵏ⁾ = δₖ h⁽ʲ⁾ᵀ; δⱼ = W⁽ᵏ⁾ᵀδₖ ⊙ g′(z⁽ʲ⁾); …).
/// </summary>
public static class LectureMlpSample
{
    /// <summary>One named quantity, from the library and from the lecture's formulas.</summary>
    public sealed record Quantity(string Name, double[] Library, double[] Lecture)
    {
        /// <summary>The largest absolute difference between the two.</summary>
        public double MaxDifference => Library.Zip(Lecture, (a, b) => Math.Abs(a - b)).Max();
    }

    // Weights chosen by hand so that some ReLU units are off (z < 0, g′ = 0) and some on.
    private static readonly double[] X = [1.0, -2.0, 0.5];
    private static readonly double[] Y = [0.0, 1.0];
    private static readonly double[,] Wi = { { 0.2, -0.1, 0.4 }, { -0.5, 0.3, 0.1 }, { 0.3, 0.2, -0.6 }, { 0.1, -0.4, 0.2 } };
    private static readonly double[] Bi = [0.1, -0.2, 0.05, 0.0];
    private static readonly double[,] Wj = { { 0.3, -0.2, 0.5, 0.1 }, { -0.4, 0.6, 0.2, -0.3 }, { 0.2, 0.1, -0.5, 0.4 } };
    private static readonly double[] Bj = [0.0, 0.1, -0.1];
    private static readonly double[,] Wk = { { 0.5, -0.3, 0.2 }, { -0.2, 0.4, 0.6 } };
    private static readonly double[] Bk = [0.05, -0.05];

    /// <summary>Runs both computations and returns every quantity side by side, in the lecture's order.</summary>
    public static IReadOnlyList<Quantity> Run()
    {
        var layers = new[] { new Dense(3, 4, seed: 0), new Dense(4, 3, seed: 0), new Dense(3, 2, seed: 0) };
        Set(layers[0], Wi, Bi); Set(layers[1], Wj, Bj); Set(layers[2], Wk, Bk);
        var reluI = new ReLU();
        var reluJ = new ReLU();
        var model = new Mlp(layers[0], reluI, layers[1], reluJ, layers[2], new Softmax());
        var x = Matrix<float>.Build.Dense(1, 3, X.Select(v => (float)v).ToArray());
        var y = Matrix<float>.Build.Dense(1, 2, Y.Select(v => (float)v).ToArray());
        float loss = model.ComputeGradients(x, y, new CrossEntropyLoss());
        double[] yHat = Row(model.Predict(x));

        // The lecture's forward pass, per sample: z = W h + b, h = g(z).
        double[] zi = Affine(Wi, X, Bi), hi = zi.Select(Relu).ToArray();
        double[] zj = Affine(Wj, hi, Bj), hj = zj.Select(Relu).ToArray();
        double[] zk = Affine(Wk, hj, Bk);
        double max = zk.Max(), sum = zk.Sum(z => Math.Exp(z - max));
        double[] p = zk.Select(z => Math.Exp(z - max) / sum).ToArray();
        double ce = -Enumerable.Range(0, 2).Sum(i => Y[i] * Math.Log(p[i]));

        // The lecture's backward pass.
        double[] dk = p.Zip(Y, (a, b) => a - b).ToArray();                                      // ŷ − y
        double[] dj = Transposed(Wk, dk).Zip(zj, (g, z) => g * ReluPrime(z)).ToArray();        // W⁽ᵏ⁾ᵀ(ŷ − y) ⊙ g′(z⁽ʲ⁾)
        double[] di = Transposed(Wj, dj).Zip(zi, (g, z) => g * ReluPrime(z)).ToArray();        // W⁽ʲ⁾ᵀ[…] ⊙ g′(z⁽ⁱ⁾)

        return
        [
            new("h(i) = ReLU(W(i) x + b(i))", Row(Forward(model, x, 2)), hi),
            new("h(j) = ReLU(W(j) h(i) + b(j))", Row(Forward(model, x, 4)), hj),
            new("ŷ = softmax(W(k) h(j) + b(k))", yHat, p),
            new("L = −Σ y log ŷ", [loss], [ce]),
            new("∂J/∂W(k) = (ŷ − y) h(j)ᵀ", Flat(layers[2].Weights.Gradient), Outer(dk, hj)),
            new("∂J/∂b(k) = ŷ − y", Flat(layers[2].Bias.Gradient), dk),
            new("∂J/∂W(j) = [W(k)ᵀ(ŷ − y) ⊙ g′] h(i)ᵀ", Flat(layers[1].Weights.Gradient), Outer(dj, hi)),
            new("∂J/∂b(j) = W(k)ᵀ(ŷ − y) ⊙ g′", Flat(layers[1].Bias.Gradient), dj),
            new("∂J/∂W(i) = [W(j)ᵀ[…] ⊙ g′] xᵀ", Flat(layers[0].Weights.Gradient), Outer(di, X)),
            new("∂J/∂b(i) = W(j)ᵀ[…] ⊙ g′", Flat(layers[0].Bias.Gradient), di),
        ];
    }

    private static void Set(Dense layer, double[,] w, double[] b)
    {
        for (int r = 0; r < w.GetLength(0); r++)
            for (int c = 0; c < w.GetLength(1); c++) layer.Weights.Value[r, c] = (float)w[r, c];
        for (int r = 0; r < b.Length; r++) layer.Bias.Value[r, 0] = (float)b[r];
    }

    private static Matrix<float> Forward(Mlp model, Matrix<float> x, int layerCount)
    {
        Matrix<float> h = x;
        for (int k = 0; k < layerCount; k++) h = model.Layers[k].Predict(h);
        return h;
    }

    private static double Relu(double z) => Math.Max(0, z);
    private static double ReluPrime(double z) => z > 0 ? 1 : 0;
    private static double[] Row(Matrix<float> m) => m.Row(0).Select(v => (double)v).ToArray();

    // Row-major flattening of a matrix, to compare with Outer.
    private static double[] Flat(Matrix<float> m) =>
        Enumerable.Range(0, m.RowCount).SelectMany(r => Enumerable.Range(0, m.ColumnCount).Select(c => (double)m[r, c])).ToArray();

    private static double[] Affine(double[,] w, double[] h, double[] b) =>
        Enumerable.Range(0, w.GetLength(0)).Select(r => b[r] + Enumerable.Range(0, h.Length).Sum(c => w[r, c] * h[c])).ToArray();

    private static double[] Transposed(double[,] w, double[] g) =>
        Enumerable.Range(0, w.GetLength(1)).Select(c => Enumerable.Range(0, g.Length).Sum(r => w[r, c] * g[r])).ToArray();

    private static double[] Outer(double[] a, double[] b) => a.SelectMany(u => b.Select(v => u * v)).ToArray();
}
