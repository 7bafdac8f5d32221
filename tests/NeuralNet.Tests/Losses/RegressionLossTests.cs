using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Losses;

namespace NeuralNet.Tests.Losses;

/// <summary>HuberLoss and L1Loss against their formulas in double and against central differences of their own loss.</summary>
public class RegressionLossTests
{
    // Residuals d = ŷ − y exact in float (y = 0.5, ŷ = 0.5 + d), on both sides of |d| = δ = 1 and on it.
    private static readonly float[,] Residuals =
    {
        { -2.5f, -1f, -0.375f, 0f },
        { 0.875f, 1f, 1.125f, 3f },
        { -1.125f, -0.875f, 0.25f, -0.5f },
    };

    private static (Matrix<float> Prediction, Matrix<float> Target) Batch(float[,] residuals)
    {
        var target = Matrix<float>.Build.Dense(residuals.GetLength(0), residuals.GetLength(1), 0.5f);
        return (target + Matrix<float>.Build.DenseOfArray(residuals), target);
    }

    private static double Huber(double d, double delta) => Math.Abs(d) <= delta ? 0.5 * d * d : delta * (Math.Abs(d) - 0.5 * delta);

    [Theory]
    [InlineData(1f)]
    [InlineData(0.5f)]
    [InlineData(2f)]
    public void Huber_loss_and_gradient_are_the_formula_summed_over_outputs_and_averaged_over_rows(float delta)
    {
        var (p, y) = Batch(Residuals);
        ILoss loss = new HuberLoss(delta);
        int n = p.RowCount;
        double expected = 0;
        var gradient = loss.Gradient(p, y);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p.ColumnCount; j++)
            {
                double d = Residuals[i, j];
                expected += Huber(d, delta) / n;
                // h′(d) = d inside [−δ, δ], ±δ outside.
                ((double)gradient[i, j]).Should().BeApproximately(Math.Clamp(d, -delta, delta) / n, 1e-7, $"[{i}, {j}], d = {d}");
            }
        ((double)loss.Loss(p, y)).Should().BeApproximately(expected, 1e-6);
    }

    [Fact]
    public void Huber_with_a_large_delta_is_the_lectures_mean_squared_error_and_linear_far_out()
    {
        var (p, y) = Batch(Residuals);
        new HuberLoss(100f).Loss(p, y).Should().BeApproximately(new MeanSquaredErrorLoss().Loss(p, y), 1e-6f);
        // One residual of 10 with δ = 1: 1·(10 − ½) = 9.5.
        var far = Batch(new float[,] { { 10f } });
        new HuberLoss().Loss(far.Prediction, far.Target).Should().Be(9.5f);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.5f)]
    public void Huber_gradient_matches_finite_differences_across_the_threshold(float delta)
    {
        // Points just inside, just outside and well beyond ±δ; the step (1e-3) is smaller than any distance to the threshold.
        var residuals = new float[,] { { -2f * delta, -1.01f * delta, -0.99f * delta }, { 0.3f * delta, 0.99f * delta, 1.01f * delta } };
        var (p, y) = Batch(residuals);
        ILoss loss = new HuberLoss(delta);
        GradientCheck.ShouldMatch(loss.Gradient(p, y), GradientCheck.Numerical(p, () => loss.Loss(p, y), step: 1e-3f), $"Huber(δ = {delta}) ∂L/∂ŷ", tolerance: 1e-2);
    }

    [Fact]
    public void L1_loss_and_gradient_are_the_formula_with_subgradient_zero_at_zero()
    {
        var (p, y) = Batch(Residuals);
        ILoss loss = new L1Loss();
        int n = p.RowCount;
        double expected = 0;
        var gradient = loss.Gradient(p, y);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p.ColumnCount; j++)
            {
                double d = Residuals[i, j];
                expected += Math.Abs(d) / n;
                ((double)gradient[i, j]).Should().BeApproximately(Math.Sign(d) / (double)n, 1e-7, $"[{i}, {j}], d = {d}");
            }
        gradient[0, 3].Should().Be(0f, "the subgradient at ŷ = y is 0");
        ((double)loss.Loss(p, y)).Should().BeApproximately(expected, 1e-6);
    }

    [Fact]
    public void L1_gradient_matches_finite_differences_away_from_zero()
    {
        var p = TestData.AwayFromKinks(3, 4, seed: 3);
        var y = Matrix<float>.Build.Dense(3, 4);
        ILoss loss = new L1Loss();
        GradientCheck.ShouldMatch(loss.Gradient(p, y), GradientCheck.Numerical(p, () => loss.Loss(p, y), step: 1e-3f), "L1 ∂L/∂ŷ", tolerance: 1e-2);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Huber_rejects_a_delta_that_is_not_positive_and_finite(float delta)
    {
        var act = () => new HuberLoss(delta);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("delta");
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"δ must be greater than 0 and finite, but was {delta}*");
    }

    [Fact]
    public void Regression_gradients_must_go_into_a_dense_matrix_of_the_predictions_shape()
    {
        var (p, y) = Batch(Residuals);
        foreach (ILoss loss in new ILoss[] { new HuberLoss(), new L1Loss(), new MeanSquaredErrorLoss() })
        {
            var tooBig = () => loss.Gradient(p, y, Matrix<float>.Build.Dense(4, 4));
            tooBig.Should().Throw<ArgumentException>().WithMessage("*3 × 4*4 × 4*").Which.ParamName.Should().Be("gradient");
            var sparse = () => loss.Gradient(p, y, Matrix<float>.Build.Sparse(3, 4));
            sparse.Should().Throw<ArgumentException>().WithMessage("*dense*").Which.ParamName.Should().Be("gradient");
        }
    }

    [Fact]
    public void Regression_losses_name_themselves_and_have_no_default_metric()
    {
        new HuberLoss(0.5f).ToString().Should().Be("HuberLoss(delta: 0.5)");
        new HuberLoss().Delta.Should().Be(1f);
        new L1Loss().ToString().Should().Be("L1Loss");
        ((ILoss)new HuberLoss()).DefaultMetric.Should().BeNull();
        ((ILoss)new L1Loss()).DefaultMetric.Should().BeNull();
        new HuberLoss().Should().NotBeAssignableTo<IFusedLoss>();
    }

    [Fact]
    public void Regression_losses_reject_targets_of_the_wrong_shape()
    {
        foreach (ILoss loss in new ILoss[] { new HuberLoss(), new L1Loss() })
        {
            var act = () => loss.Loss(Matrix<float>.Build.Dense(4, 3), Matrix<float>.Build.Dense(4, 2));
            act.Should().Throw<ArgumentException>().WithMessage("*4 × 2*4 × 3*");
        }
    }
}
