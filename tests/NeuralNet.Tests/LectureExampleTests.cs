using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;

namespace NeuralNet.Tests;

/// <summary>
/// The lecture's four-layer MLP (3 → 4 → 3 → 2; ReLU, ReLU, softmax; cross-entropy), whose gradients the
/// lecture writes in closed form: with g⁽ᵏ⁾ = ŷ − y, ∂J/∂W⁽ᵏ⁾ = g⁽ᵏ⁾ h⁽ʲ⁾ᵀ, ∂J/∂b⁽ᵏ⁾ = g⁽ᵏ⁾,
/// g⁽ʲ⁾ = (W⁽ᵏ⁾ᵀ g⁽ᵏ⁾) ⊙ 1[z⁽ʲ⁾ &gt; 0], ∂J/∂W⁽ʲ⁾ = g⁽ʲ⁾ h⁽ⁱ⁾ᵀ, and so on down to W⁽ⁱ⁾ and x.
/// The test evaluates those formulas itself, per sample as column vectors, in double.
/// </summary>
public class LectureExampleTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Gradients_equal_the_lectures_closed_forms(int batch)
    {
        var wi = new Dense(3, 4, seed: 1);
        var wj = new Dense(4, 3, seed: 2);
        var wk = new Dense(3, 2, seed: 3);
        var model = new Mlp(wi, new ReLU(), wj, new ReLU(), wk, new Softmax());
        foreach (var (dense, offset) in new[] { (wi, 0.1f), (wj, -0.05f), (wk, 0.2f) })
            dense.Bias.Value.MapIndexedInplace((r, _, _) => offset * (r + 1));

        var x = TestData.Uniform(batch, 3, seed: 4);
        var y = TestData.OneHot(batch, 2, seed: 5);
        float loss = model.ComputeGradients(x, y, new CrossEntropyLoss());

        double[,] Wi = ToArray(wi.Weights.Value), Wj = ToArray(wj.Weights.Value), Wk = ToArray(wk.Weights.Value);
        double[] bi = Column(wi.Bias.Value), bj = Column(wj.Bias.Value), bk = Column(wk.Bias.Value);
        var dWi = new double[4, 3]; var dWj = new double[3, 4]; var dWk = new double[2, 3];
        var dbi = new double[4]; var dbj = new double[3]; var dbk = new double[2];
        double expectedLoss = 0;

        for (int n = 0; n < batch; n++)
        {
            double[] h0 = Enumerable.Range(0, 3).Select(c => (double)x[n, c]).ToArray();
            double[] zi = Affine(Wi, h0, bi), hi = zi.Select(v => Math.Max(0, v)).ToArray();
            double[] zj = Affine(Wj, hi, bj), hj = zj.Select(v => Math.Max(0, v)).ToArray();
            double[] zk = Affine(Wk, hj, bk);
            double max = zk.Max(), sum = zk.Sum(v => Math.Exp(v - max));
            double[] yHat = zk.Select(v => Math.Exp(v - max) / sum).ToArray();
            double[] target = [y[n, 0], y[n, 1]];
            expectedLoss -= Enumerable.Range(0, 2).Sum(c => target[c] * Math.Log(yHat[c])) / batch;

            // The lecture's backward, averaged over the batch.
            double[] gk = Enumerable.Range(0, 2).Select(c => (yHat[c] - target[c]) / batch).ToArray();
            Accumulate(dWk, dbk, gk, hj);
            double[] gj = TransposeTimes(Wk, gk).Select((v, r) => zj[r] > 0 ? v : 0).ToArray();
            Accumulate(dWj, dbj, gj, hi);
            double[] gi = TransposeTimes(Wj, gj).Select((v, r) => zi[r] > 0 ? v : 0).ToArray();
            Accumulate(dWi, dbi, gi, h0);
        }

        ((double)loss).Should().BeApproximately(expectedLoss, 1e-5);
        ShouldEqual(wk.Weights.Gradient, dWk, "∂J/∂W(k) = (ŷ − y) h(j)ᵀ");
        ShouldEqual(wk.Bias.Gradient, dbk, "∂J/∂b(k) = ŷ − y");
        ShouldEqual(wj.Weights.Gradient, dWj, "∂J/∂W(j)");
        ShouldEqual(wj.Bias.Gradient, dbj, "∂J/∂b(j)");
        ShouldEqual(wi.Weights.Gradient, dWi, "∂J/∂W(i)");
        ShouldEqual(wi.Bias.Gradient, dbi, "∂J/∂b(i)");
    }

    private static double[] Affine(double[,] w, double[] h, double[] b) =>
        Enumerable.Range(0, w.GetLength(0)).Select(r => b[r] + Enumerable.Range(0, w.GetLength(1)).Sum(c => w[r, c] * h[c])).ToArray();

    private static double[] TransposeTimes(double[,] w, double[] g) =>
        Enumerable.Range(0, w.GetLength(1)).Select(c => Enumerable.Range(0, w.GetLength(0)).Sum(r => w[r, c] * g[r])).ToArray();

    private static void Accumulate(double[,] dW, double[] db, double[] g, double[] h)
    {
        for (int r = 0; r < g.Length; r++)
        {
            db[r] += g[r];
            for (int c = 0; c < h.Length; c++) dW[r, c] += g[r] * h[c];
        }
    }

    private static double[,] ToArray(Matrix<float> m)
    {
        var a = new double[m.RowCount, m.ColumnCount];
        for (int r = 0; r < m.RowCount; r++) for (int c = 0; c < m.ColumnCount; c++) a[r, c] = m[r, c];
        return a;
    }

    private static double[] Column(Matrix<float> m) => m.Column(0).Select(v => (double)v).ToArray();

    private static void ShouldEqual(Matrix<float> actual, double[,] expected, string what)
    {
        actual.RowCount.Should().Be(expected.GetLength(0), what);
        actual.ColumnCount.Should().Be(expected.GetLength(1), what);
        for (int r = 0; r < actual.RowCount; r++)
            for (int c = 0; c < actual.ColumnCount; c++)
                ((double)actual[r, c]).Should().BeApproximately(expected[r, c], 1e-6, $"{what} [{r}, {c}]");
    }

    private static void ShouldEqual(Matrix<float> actual, double[] expected, string what)
    {
        var asMatrix = new double[expected.Length, 1];
        for (int r = 0; r < expected.Length; r++) asMatrix[r, 0] = expected[r];
        ShouldEqual(actual, asMatrix, what);
    }
}
