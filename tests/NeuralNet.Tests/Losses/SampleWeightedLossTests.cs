using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;

namespace NeuralNet.Tests.Losses;

/// <summary>
/// The sample-weighted forms Σₙ wₙℓₙ / Σₙ wₙ of every loss: integer weights against the unweighted loss of the batch with
/// each row repeated that many times, fractional ones against per-row losses and finite differences, and the default
/// interface methods a user's loss gets.
/// </summary>
public class SampleWeightedLossTests
{
    private static readonly float[] IntegerWeights = [2f, 1f, 0f, 3f];
    private static readonly float[] FractionalWeights = [0.25f, 1.5f, 0.7f, 0.05f];

    public static TheoryData<string> Losses => ["MeanSquaredError", "Huber", "L1", "CrossEntropy", "BinaryCrossEntropy"];

    private static ILoss Create(string name) => name switch
    {
        "MeanSquaredError" => new MeanSquaredErrorLoss(),
        "Huber" => new HuberLoss(0.5f),
        "L1" => new L1Loss(),
        "CrossEntropy" => new CrossEntropyLoss { ClassWeights = [0.5f, 2f, 1f], LabelSmoothing = 0.1f },
        _ => new BinaryCrossEntropyLoss { PositiveWeights = [3f, 0.5f, 1f] },
    };

    /// <summary>Logits (or predictions) and targets valid for the loss, 4 × 3.</summary>
    private static (Matrix<float> Z, Matrix<float> Y) Batch(string name) => name switch
    {
        "CrossEntropy" => (TestData.Uniform(4, 3, seed: 31, low: -2, high: 2), TestData.OneHot(4, 3, seed: 32)),
        "BinaryCrossEntropy" => (TestData.Uniform(4, 3, seed: 33, low: -2, high: 2), TestData.Uniform(4, 3, seed: 34, low: 0, high: 1)),
        _ => (TestData.AwayFromKinks(4, 3, seed: 35), TestData.Uniform(4, 3, seed: 36, low: -0.02f, high: 0.02f)),
    };

    private static Matrix<float> Repeat(Matrix<float> m, float[] counts)
    {
        var rows = Enumerable.Range(0, m.RowCount).SelectMany(i => Enumerable.Repeat(m.Row(i), (int)counts[i])).ToArray();
        return Matrix<float>.Build.DenseOfRowVectors(rows);
    }

    [Theory, MemberData(nameof(Losses))]
    public void Integer_weights_give_the_loss_and_gradient_of_the_batch_with_each_row_repeated(string name)
    {
        ILoss loss = Create(name);
        var (z, y) = Batch(name);
        Matrix<float> repeatedZ = Repeat(z, IntegerWeights), repeatedY = Repeat(y, IntegerWeights);
        var gradient = Matrix<float>.Build.Dense(4, 3);
        loss.Loss(z, y, IntegerWeights).Should().BeApproximately(loss.Loss(repeatedZ, repeatedY), 1e-6f * Math.Max(1f, loss.Loss(repeatedZ, repeatedY)));
        loss.Gradient(z, y, IntegerWeights, gradient);
        ShouldBeRowSums(gradient, loss.Gradient(repeatedZ, repeatedY), IntegerWeights, $"{name} ∂L/∂ŷ");

        if (loss is IFusedLoss fused)
        {
            var repeatedGradient = Matrix<float>.Build.Dense(repeatedZ.RowCount, 3);
            float repeated = fused.LossAndGradientAtLogits(repeatedZ, repeatedY, repeatedGradient);
            fused.LossAndGradientAtLogits(z, y, IntegerWeights, gradient).Should().BeApproximately(repeated, 1e-6f * Math.Max(1f, repeated));
            ShouldBeRowSums(gradient, repeatedGradient, IntegerWeights, $"{name} ∂L/∂z");
        }
    }

    // Row n of the weighted gradient equals the sum of its copies' rows in the repeated batch (0 for weight 0).
    private static void ShouldBeRowSums(Matrix<float> weighted, Matrix<float> repeated, float[] counts, string what)
    {
        int r = 0;
        for (int i = 0; i < weighted.RowCount; i++)
        {
            for (int j = 0; j < weighted.ColumnCount; j++)
            {
                double sum = 0;
                for (int c = 0; c < counts[i]; c++) sum += repeated[r + c, j];
                ((double)weighted[i, j]).Should().BeApproximately(sum, 1e-7 + 1e-6 * Math.Abs(sum), $"{what}[{i}, {j}]");
            }
            r += (int)counts[i];
        }
    }

    [Theory, MemberData(nameof(Losses))]
    public void Fractional_weights_give_the_weighted_mean_of_the_rows_losses(string name)
    {
        ILoss loss = Create(name);
        var (z, y) = Batch(name);
        var p = loss is IFusedLoss ? Output(loss, z) : z;
        double weighted = 0, total = FractionalWeights.Sum();
        for (int i = 0; i < 4; i++)
            weighted += FractionalWeights[i] * loss.Loss(Matrix<float>.Build.DenseOfRowVectors(p.Row(i)), Matrix<float>.Build.DenseOfRowVectors(y.Row(i)));
        ((double)loss.Loss(p, y, FractionalWeights)).Should().BeApproximately(weighted / total, 1e-6 * Math.Max(1, weighted / total));
        if (loss is IFusedLoss fused)
            ((double)fused.LossAndGradientAtLogits(z, y, FractionalWeights, Matrix<float>.Build.Dense(4, 3)))
                .Should().BeApproximately(weighted / total, 1e-5 * Math.Max(1, weighted / total));
    }

    private static Matrix<float> Output(ILoss loss, Matrix<float> z) =>
        ((IFusedLoss)loss).FusedOutputUnit == typeof(Softmax) ? new Softmax().Predict(z) : new Sigmoid().Predict(z);

    [Theory, MemberData(nameof(Losses))]
    public void Weighted_gradients_match_finite_differences_of_the_weighted_loss(string name)
    {
        ILoss loss = Create(name);
        var (z, y) = Batch(name);
        if (loss is IFusedLoss fused)
        {
            var atLogits = Matrix<float>.Build.Dense(4, 3);
            fused.LossAndGradientAtLogits(z, y, FractionalWeights, atLogits);
            GradientCheck.ShouldMatch(atLogits, GradientCheck.Numerical(z, () => loss.Loss(Output(loss, z), y, FractionalWeights), step: 1e-3f),
                $"{name} weighted ∂L/∂z", tolerance: 1e-2);
            z = Output(loss, z);
        }
        var gradient = Matrix<float>.Build.Dense(4, 3);
        loss.Gradient(z, y, FractionalWeights, gradient);
        GradientCheck.ShouldMatch(gradient, GradientCheck.Numerical(z, () => loss.Loss(z, y, FractionalWeights), step: 1e-3f),
            $"{name} weighted ∂L/∂ŷ", tolerance: 1e-2);
    }

    [Fact]
    public void Mean_squared_error_with_weights_is_the_weighted_formula_in_double()
    {
        var p = TestData.Uniform(4, 2, seed: 37);
        var y = TestData.Uniform(4, 2, seed: 38);
        var gradient = Matrix<float>.Build.Dense(4, 2);
        var loss = new MeanSquaredErrorLoss();
        loss.Gradient(p, y, FractionalWeights, gradient);
        double total = FractionalWeights.Sum(), expected = 0;
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 2; j++)
            {
                double d = (double)p[i, j] - y[i, j];
                expected += FractionalWeights[i] * 0.5 * d * d / total;
                ((double)gradient[i, j]).Should().BeApproximately(FractionalWeights[i] * d / total, 1e-7);
            }
        ((double)loss.Loss(p, y, FractionalWeights)).Should().BeApproximately(expected, 1e-7);
    }

    /// <summary>A user's loss that implements only what 0.1 asked for: the weighted forms come from the interface.</summary>
    private sealed class UserSquaredError : ILoss
    {
        public float Loss(Matrix<float> prediction, Matrix<float> target) => new MeanSquaredErrorLoss().Loss(prediction, target);

        public void Gradient(Matrix<float> prediction, Matrix<float> target, Matrix<float> gradient) =>
            new MeanSquaredErrorLoss().Gradient(prediction, target, gradient);
    }

    private sealed class UserSoftmaxCrossEntropy : IFusedLoss
    {
        private readonly CrossEntropyLoss _inner = new() { ClassWeights = [0.5f, 2f, 1f], LabelSmoothing = 0.1f };

        public Type FusedOutputUnit => typeof(Softmax);

        public float Loss(Matrix<float> prediction, Matrix<float> target) => _inner.Loss(prediction, target);

        public void Gradient(Matrix<float> prediction, Matrix<float> target, Matrix<float> gradient) => _inner.Gradient(prediction, target, gradient);

        public float LossAndGradientAtLogits(Matrix<float> logits, Matrix<float> target, Matrix<float> gradient) =>
            _inner.LossAndGradientAtLogits(logits, target, gradient);
    }

    [Fact]
    public void A_users_loss_gets_weighted_forms_that_agree_with_the_built_in_ones()
    {
        var (p, y) = Batch("MeanSquaredError");
        ILoss user = new UserSquaredError(), builtIn = new MeanSquaredErrorLoss();
        user.Loss(p, y, FractionalWeights).Should().BeApproximately(builtIn.Loss(p, y, FractionalWeights), 1e-6f);
        Matrix<float> expected = Matrix<float>.Build.Dense(4, 3), actual = Matrix<float>.Build.Dense(4, 3);
        builtIn.Gradient(p, y, FractionalWeights, expected);
        user.Gradient(p, y, FractionalWeights, actual);
        actual.Should().BeEquivalentTo(expected, o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-7f)).WhenTypeIs<float>());

        var (z, labels) = Batch("CrossEntropy");
        IFusedLoss userFused = new UserSoftmaxCrossEntropy(), builtInFused = (IFusedLoss)Create("CrossEntropy");
        float expectedLoss = builtInFused.LossAndGradientAtLogits(z, labels, FractionalWeights, expected);
        userFused.LossAndGradientAtLogits(z, labels, FractionalWeights, actual).Should().BeApproximately(expectedLoss, 1e-6f);
        for (int k = 0; k < 12; k++)
            actual.AsColumnMajorArray()[k].Should().BeApproximately(expected.AsColumnMajorArray()[k], 1e-7f);
    }

    public static TheoryData<float[], string> BadWeights => new()
    {
        { [1f, 1f, 1f], "*3 sample weights*4 rows*" },
        { [1f, -1f, 1f, 1f], "*sampleWeights[1] is -1*" },
        { [1f, 1f, float.NaN, 1f], "*sampleWeights[2] is NaN*" },
        { [float.PositiveInfinity, 1f, 1f, 1f], "*sampleWeights[0] is Infinity*" },
        { [0f, 0f, 0f, 0f], "*All 4 of sampleWeights are 0*" },
    };

    [Theory, MemberData(nameof(BadWeights))]
    public void Bad_sample_weights_are_rejected_naming_the_problem(float[] weights, string message)
    {
        foreach (string name in new[] { "MeanSquaredError", "CrossEntropy", "BinaryCrossEntropy" })
        {
            ILoss loss = Create(name);
            var (z, y) = Batch(name);
            var gradient = Matrix<float>.Build.Dense(4, 3);
            var value = () => loss.Loss(loss is IFusedLoss ? Output(loss, z) : z, y, weights);
            value.Should().Throw<ArgumentException>().WithMessage(message).Which.ParamName.Should().Be("sampleWeights");
            var grad = () => loss.Gradient(loss is IFusedLoss ? Output(loss, z) : z, y, weights, gradient);
            grad.Should().Throw<ArgumentException>().WithMessage(message);
            if (loss is IFusedLoss fused)
            {
                var atLogits = () => fused.LossAndGradientAtLogits(z, y, weights, gradient);
                atLogits.Should().Throw<ArgumentException>().WithMessage(message);
            }
        }
        var user = () => ((ILoss)new UserSquaredError()).Loss(Matrix<float>.Build.Dense(4, 3), Matrix<float>.Build.Dense(4, 3), weights);
        user.Should().Throw<ArgumentException>().WithMessage(message);
    }
}
