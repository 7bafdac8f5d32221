using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;

namespace NeuralNet.Tests.Losses;

/// <summary>
/// Cross-entropy with class weights and label smoothing, binary cross-entropy with positive weights: the fused loss and
/// gradient against torch's formulas written out in double, against central differences of the unfused loss of
/// softmax(z) / σ(z), and finite at logits of ±1000.
/// </summary>
public class WeightedCrossEntropyTests
{
    private static readonly float[] ClassWeights = [0.5f, 2f, 1f, 3f];
    private static readonly float[] PositiveWeights = [3f, 0.25f, 1f];

    /// <summary>torch: ℓₙ = −Σᵢ wᵢ y′ₙᵢ log softmax(zₙ)ᵢ with y′ = (1 − ε)y + ε/K; the mean divides by N. ∂ℓₙ/∂zₙⱼ = ŷⱼ Σᵢ wᵢy′ᵢ − wⱼy′ⱼ.</summary>
    private static (double Loss, double[,] Gradient) CrossEntropyOracle(Matrix<float> z, Matrix<float> y, float[]? w, double epsilon)
    {
        int n = z.RowCount, k = z.ColumnCount;
        var gradient = new double[n, k];
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double max = Enumerable.Range(0, k).Max(j => (double)z[i, j]);
            double logSumExp = max + Math.Log(Enumerable.Range(0, k).Sum(j => Math.Exp(z[i, j] - max)));
            double[] a = Enumerable.Range(0, k).Select(j => (w?[j] ?? 1.0) * ((1 - epsilon) * y[i, j] + epsilon / k)).ToArray();
            for (int j = 0; j < k; j++)
            {
                double logYHat = z[i, j] - logSumExp;
                loss -= a[j] * logYHat / n;
                gradient[i, j] = (Math.Exp(logYHat) * a.Sum() - a[j]) / n;
            }
        }
        return (loss, gradient);
    }

    /// <summary>torch BCEWithLogits: ℓ = −[p y log σ(z) + (1 − y) log(1 − σ(z))], summed over outputs, mean over rows; ∂ℓ/∂z = σ(z)(p y + 1 − y) − p y.</summary>
    private static (double Loss, double[,] Gradient) BinaryOracle(Matrix<float> z, Matrix<float> y, float[]? positive)
    {
        int n = z.RowCount;
        var gradient = new double[n, z.ColumnCount];
        double loss = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < z.ColumnCount; j++)
            {
                double p = positive?[j] ?? 1.0, zz = z[i, j], t = y[i, j];
                // log σ(z) = −log(1 + e^−z), log(1 − σ(z)) = −log(1 + e^z), each evaluated where it cannot overflow.
                double logSigma = -(Math.Max(-zz, 0) + Math.Log(1 + Math.Exp(-Math.Abs(zz))));
                double logOneMinus = -(Math.Max(zz, 0) + Math.Log(1 + Math.Exp(-Math.Abs(zz))));
                loss -= (p * t * logSigma + (1 - t) * logOneMinus) / n;
                double sigma = 1 / (1 + Math.Exp(-zz));
                gradient[i, j] = (sigma * (p * t + 1 - t) - p * t) / n;
            }
        return (loss, gradient);
    }

    private static void ShouldEqual(Matrix<float> actual, double[,] expected, double tolerance, string what)
    {
        for (int i = 0; i < actual.RowCount; i++)
            for (int j = 0; j < actual.ColumnCount; j++)
                ((double)actual[i, j]).Should().BeApproximately(expected[i, j], tolerance, $"{what}[{i}, {j}]");
    }

    public static TheoryData<bool, float> CrossEntropyCases => new()
    {
        { true, 0f }, { false, 0.1f }, { true, 0.2f }, { true, 0.9f },
    };

    [Theory, MemberData(nameof(CrossEntropyCases))]
    public void Cross_entropy_fused_loss_and_gradient_are_torchs_formula(bool weighted, float smoothing)
    {
        const int n = 3, classes = 4;
        var z = TestData.Uniform(n, classes, seed: 11, low: -3, high: 3);
        // One-hot rows and one soft row: probability targets, as torch takes them.
        var y = TestData.OneHot(n, classes, seed: 12);
        y.SetRow(2, new[] { 0.1f, 0.6f, 0f, 0.3f });
        var loss = new CrossEntropyLoss { ClassWeights = weighted ? ClassWeights : null, LabelSmoothing = smoothing };
        var gradient = Matrix<float>.Build.Dense(n, classes);
        float value = loss.LossAndGradientAtLogits(z, y, gradient);

        var (expectedLoss, expectedGradient) = CrossEntropyOracle(z, y, weighted ? ClassWeights : null, smoothing);
        ((double)value).Should().BeApproximately(expectedLoss, 1e-5 * Math.Max(1, Math.Abs(expectedLoss)));
        ShouldEqual(gradient, expectedGradient, 1e-6, "∂L/∂z");
        // The unfused loss of softmax(z) is the same number.
        ((double)loss.Loss(new Softmax().Predict(z), y)).Should().BeApproximately(expectedLoss, 1e-5 * Math.Max(1, Math.Abs(expectedLoss)));
    }

    [Theory, MemberData(nameof(CrossEntropyCases))]
    public void Cross_entropy_fused_gradient_matches_finite_differences_of_the_unfused_loss(bool weighted, float smoothing)
    {
        var z = TestData.Uniform(3, 4, seed: 13, low: -2, high: 2);
        var y = TestData.OneHot(3, 4, seed: 14);
        IFusedLoss loss = new CrossEntropyLoss { ClassWeights = weighted ? ClassWeights : null, LabelSmoothing = smoothing };
        var gradient = Matrix<float>.Build.Dense(3, 4);
        loss.LossAndGradientAtLogits(z, y, gradient);
        var numerical = GradientCheck.Numerical(z, () => loss.Loss(new Softmax().Predict(z), y), step: 1e-3f);
        GradientCheck.ShouldMatch(gradient, numerical, "softmax + weighted CE ∂L/∂z", tolerance: 1e-2);

        // And the unfused gradient ∂L/∂ŷ against differences of the unfused loss.
        var p = TestData.Uniform(3, 4, seed: 15, low: 0.2f, high: 0.8f);
        GradientCheck.ShouldMatch(loss.Gradient(p, y), GradientCheck.Numerical(p, () => loss.Loss(p, y), step: 1e-3f), "weighted CE ∂L/∂ŷ", tolerance: 1e-2);
    }

    [Fact]
    public void Cross_entropy_without_options_keeps_the_gradient_y_hat_minus_y_over_N_bit_for_bit()
    {
        var z = TestData.Uniform(5, 3, seed: 16, low: -4, high: 4);
        var y = TestData.OneHot(5, 3, seed: 17);
        var plain = Matrix<float>.Build.Dense(5, 3);
        var defaults = Matrix<float>.Build.Dense(5, 3);
        new CrossEntropyLoss().LossAndGradientAtLogits(z, y, plain);
        new CrossEntropyLoss { ClassWeights = [1f, 1f, 1f], LabelSmoothing = 0f }.LossAndGradientAtLogits(z, y, defaults);
        var softmax = new Softmax().Predict(z);
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 3; j++)
            {
                plain[i, j].Should().Be((softmax[i, j] - y[i, j]) * (1f / 5));
                defaults[i, j].Should().Be(plain[i, j], "unit weights and no smoothing are the plain loss");
            }
    }

    [Fact]
    public void Cross_entropy_with_weights_and_smoothing_is_finite_and_exact_at_logits_of_plus_and_minus_1000()
    {
        var z = Matrix<float>.Build.DenseOfArray(new float[,] { { 1000f, -1000f, 0f, -1000f }, { -1000f, 1000f, 1000f, 0f } });
        var y = Matrix<float>.Build.DenseOfArray(new float[,] { { 0, 1, 0, 0 }, { 1, 0, 0, 0 } });
        var loss = new CrossEntropyLoss { ClassWeights = ClassWeights, LabelSmoothing = 0.1f };
        var gradient = Matrix<float>.Build.Dense(2, 4);
        float value = loss.LossAndGradientAtLogits(z, y, gradient);
        var (expectedLoss, expectedGradient) = CrossEntropyOracle(z, y, ClassWeights, 0.1);
        float.IsFinite(value).Should().BeTrue();
        ((double)value).Should().BeApproximately(expectedLoss, 1e-5 * expectedLoss);
        gradient.Enumerate().Should().AllSatisfy(g => float.IsFinite(g).Should().BeTrue());
        ShouldEqual(gradient, expectedGradient, 1e-6, "∂L/∂z at ±1000");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Binary_cross_entropy_fused_loss_and_gradient_are_torchs_pos_weight_formula(bool weighted)
    {
        const int n = 4, outputs = 3;
        var z = TestData.Uniform(n, outputs, seed: 21, low: -4, high: 4);
        var y = TestData.Uniform(n, outputs, seed: 22, low: 0, high: 1);
        y[0, 0] = 1f;
        y[1, 1] = 0f;
        var loss = new BinaryCrossEntropyLoss { PositiveWeights = weighted ? PositiveWeights : null };
        var gradient = Matrix<float>.Build.Dense(n, outputs);
        float value = loss.LossAndGradientAtLogits(z, y, gradient);

        var (expectedLoss, expectedGradient) = BinaryOracle(z, y, weighted ? PositiveWeights : null);
        ((double)value).Should().BeApproximately(expectedLoss, 1e-5 * Math.Max(1, expectedLoss));
        ShouldEqual(gradient, expectedGradient, 1e-6, "∂L/∂z");
        ((double)loss.Loss(new Sigmoid().Predict(z), y)).Should().BeApproximately(expectedLoss, 1e-4 * Math.Max(1, expectedLoss));
    }

    [Fact]
    public void Binary_cross_entropy_fused_gradient_matches_finite_differences_of_the_unfused_loss()
    {
        var z = TestData.Uniform(3, 3, seed: 23, low: -2, high: 2);
        var y = TestData.Uniform(3, 3, seed: 24, low: 0, high: 1);
        IFusedLoss loss = new BinaryCrossEntropyLoss { PositiveWeights = PositiveWeights };
        var gradient = Matrix<float>.Build.Dense(3, 3);
        loss.LossAndGradientAtLogits(z, y, gradient);
        GradientCheck.ShouldMatch(gradient, GradientCheck.Numerical(z, () => loss.Loss(new Sigmoid().Predict(z), y), step: 1e-3f),
            "sigmoid + pos-weighted BCE ∂L/∂z", tolerance: 1e-2);

        var p = TestData.Uniform(3, 3, seed: 25, low: 0.2f, high: 0.8f);
        GradientCheck.ShouldMatch(loss.Gradient(p, y), GradientCheck.Numerical(p, () => loss.Loss(p, y), step: 1e-3f),
            "pos-weighted BCE ∂L/∂ŷ", tolerance: 1e-2);
    }

    [Fact]
    public void Binary_cross_entropy_with_positive_weights_is_finite_and_exact_at_logits_of_plus_and_minus_1000()
    {
        var z = Matrix<float>.Build.DenseOfArray(new float[,] { { 1000f, -1000f, 0f }, { -1000f, 1000f, 1000f } });
        var y = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 0, 1 }, { 1, 1, 0 } });
        var loss = new BinaryCrossEntropyLoss { PositiveWeights = PositiveWeights };
        var gradient = Matrix<float>.Build.Dense(2, 3);
        float value = loss.LossAndGradientAtLogits(z, y, gradient);
        // Wrong by 1000 at [1, 0] (a positive, weight 3) and at [1, 2] (a negative); [0, 2] is a positive at z = 0: log 2.
        double expected = (3 * 1000 + 1000 + Math.Log(2)) / 2;
        ((double)value).Should().BeApproximately(expected, 1e-3);
        ((double)value).Should().BeApproximately(BinaryOracle(z, y, PositiveWeights).Loss, 1e-3);
        gradient.Enumerate().Should().AllSatisfy(g => float.IsFinite(g).Should().BeTrue());
        ShouldEqual(gradient, BinaryOracle(z, y, PositiveWeights).Gradient, 1e-7, "∂L/∂z at ±1000");
        gradient[1, 0].Should().Be(-1.5f, "σ − 1 scaled by p = 3, over N = 2");
    }

    [Fact]
    public void Class_and_positive_weights_of_the_wrong_width_name_both_numbers()
    {
        var gradient = Matrix<float>.Build.Dense(2, 3);
        var z = Matrix<float>.Build.Dense(2, 3);
        var y = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 0, 0 }, { 0, 1, 0 } });
        var ce = () => new CrossEntropyLoss { ClassWeights = ClassWeights }.LossAndGradientAtLogits(z, y, gradient);
        ce.Should().Throw<ArgumentException>().WithMessage("*ClassWeights has 4 weights*3 columns*").Which.ParamName.Should().Be("ClassWeights");
        var unfused = () => new CrossEntropyLoss { ClassWeights = [1f, 2f] }.Loss(z, y);
        unfused.Should().Throw<ArgumentException>().WithMessage("*2 weights*3 columns*");
        var bce = () => new BinaryCrossEntropyLoss { PositiveWeights = [1f, 2f] }.LossAndGradientAtLogits(z, y, gradient);
        bce.Should().Throw<ArgumentException>().WithMessage("*PositiveWeights has 2 weights*3 columns*");
    }

    [Theory]
    [InlineData(-0.5f, "*ClassWeights[1] is -0.5*")]
    [InlineData(float.NaN, "*ClassWeights[1] is NaN*")]
    [InlineData(float.PositiveInfinity, "*ClassWeights[1] is Infinity*")]
    public void Bad_class_weights_are_rejected_naming_the_weight(float bad, string message)
    {
        var act = () => new CrossEntropyLoss { ClassWeights = [1f, bad, 1f] };
        act.Should().Throw<ArgumentException>().WithMessage(message).Which.ParamName.Should().Be("ClassWeights");
        var positive = () => new BinaryCrossEntropyLoss { PositiveWeights = [1f, bad] };
        positive.Should().Throw<ArgumentException>().WithMessage(message.Replace("ClassWeights", "PositiveWeights"));
    }

    [Fact]
    public void Class_weights_that_are_all_zero_or_empty_are_rejected()
    {
        var zeros = () => new CrossEntropyLoss { ClassWeights = [0f, 0f] };
        zeros.Should().Throw<ArgumentException>().WithMessage("*All 2 of ClassWeights are 0*");
        var empty = () => new CrossEntropyLoss { ClassWeights = [] };
        empty.Should().Throw<ArgumentException>().WithMessage("*ClassWeights is empty*");
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void Label_smoothing_outside_0_to_1_is_rejected_naming_the_value(float smoothing)
    {
        var act = () => new CrossEntropyLoss { LabelSmoothing = smoothing };
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*{smoothing}*").Which.ParamName.Should().Be("LabelSmoothing");
    }

    [Fact]
    public void The_weights_are_copied_and_the_options_are_shown()
    {
        float[] weights = [1f, 2f];
        var loss = new CrossEntropyLoss { ClassWeights = weights, LabelSmoothing = 0.25f };
        weights[0] = 100f;
        loss.ClassWeights.Should().Equal(1f, 2f);
        loss.LabelSmoothing.Should().Be(0.25f);
        loss.ToString().Should().Be("CrossEntropyLoss(ClassWeights: 1, 2, LabelSmoothing: 0.25)");
        new CrossEntropyLoss().ToString().Should().Be("CrossEntropyLoss");
        new BinaryCrossEntropyLoss { PositiveWeights = [3f] }.ToString().Should().Be("BinaryCrossEntropyLoss(PositiveWeights: 3)");
    }
}
