using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Losses;

namespace NeuralNet.Tests.Losses;

public class LossTests
{
    [Fact]
    public void Cross_entropy_is_minus_the_mean_log_probability_of_the_true_class()
    {
        var p = Matrix<float>.Build.DenseOfArray(new float[,] { { 0.7f, 0.2f, 0.1f }, { 0.1f, 0.1f, 0.8f } });
        var y = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 0, 0 }, { 0, 1, 0 } });
        double expected = -(Math.Log(0.7) + Math.Log(0.1)) / 2;
        ((double)new CrossEntropyLoss().Loss(p, y)).Should().BeApproximately(expected, 1e-6);
        ((double)new CrossEntropyLoss().Loss(p, new[] { 0, 1 })).Should().BeApproximately(expected, 1e-6);
    }

    [Fact]
    public void Binary_cross_entropy_sums_outputs_and_averages_rows()
    {
        var p = Matrix<float>.Build.DenseOfArray(new float[,] { { 0.9f, 0.3f }, { 0.2f, 0.6f }, { 0.5f, 0.99f } });
        var y = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } });
        double expected = -(Math.Log(0.9) + Math.Log(0.7) + Math.Log(0.8) + Math.Log(0.6) + Math.Log(0.5) + Math.Log(0.99)) / 3;
        ((double)new BinaryCrossEntropyLoss().Loss(p, y)).Should().BeApproximately(expected, 1e-6);
    }

    [Fact]
    public void Mean_squared_error_carries_the_lectures_one_half()
    {
        var p = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 2 }, { 3, 5 } });
        var y = Matrix<float>.Build.DenseOfArray(new float[,] { { 0, 2 }, { 1, 1 } });
        // (1/(2N)) Σ ‖y − ŷ‖² = (1 + 0 + 4 + 16) / 4
        new MeanSquaredErrorLoss().Loss(p, y).Should().Be(21f / 4);
    }

    public static TheoryData<string> Losses => ["CrossEntropy", "BinaryCrossEntropy", "MeanSquaredError"];

    [Theory, MemberData(nameof(Losses))]
    public void Gradient_matches_finite_differences(string name)
    {
        const int batch = 3, outputs = 4;
        ILoss loss = name switch
        {
            "CrossEntropy" => new CrossEntropyLoss(),
            "BinaryCrossEntropy" => new BinaryCrossEntropyLoss(),
            _ => new MeanSquaredErrorLoss(),
        };
        var prediction = TestData.Uniform(batch, outputs, seed: 1, low: 0.2f, high: 0.8f);
        var target = name == "MeanSquaredError" ? TestData.Uniform(batch, outputs, seed: 2)
            : name == "CrossEntropy" ? TestData.OneHot(batch, outputs, seed: 2)
            : TestData.Uniform(batch, outputs, seed: 2, low: 0f, high: 1f);

        var analytic = loss.Gradient(prediction, target);
        var numerical = GradientCheck.Numerical(prediction, () => loss.Loss(prediction, target), step: 1e-3f);
        GradientCheck.ShouldMatch(analytic, numerical, $"{name} ∂L/∂ŷ");
    }

    [Theory, MemberData(nameof(Losses))]
    public void Targets_of_the_wrong_shape_name_both_shapes(string name)
    {
        ILoss loss = name switch
        {
            "CrossEntropy" => new CrossEntropyLoss(),
            "BinaryCrossEntropy" => new BinaryCrossEntropyLoss(),
            _ => new MeanSquaredErrorLoss(),
        };
        var act = () => loss.Loss(Matrix<float>.Build.Dense(4, 3, 0.5f), Matrix<float>.Build.Dense(4, 2));
        act.Should().Throw<ArgumentException>().WithMessage("*4 × 2*4 × 3*");
    }

    [Fact]
    public void Cross_entropy_rejects_targets_that_are_not_distributions()
    {
        var act = () => new CrossEntropyLoss().Loss(Matrix<float>.Build.Dense(2, 3, 1f / 3), Matrix<float>.Build.Dense(2, 3, 1f));
        act.Should().Throw<ArgumentException>().WithMessage("*row 0 sums to 3*");
    }

    [Fact]
    public void Class_labels_out_of_range_are_rejected_with_the_label_and_the_range()
    {
        var act = () => new CrossEntropyLoss().Loss(Matrix<float>.Build.Dense(2, 3, 1f / 3), new[] { 0, 3 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*3*0 … 2*");
    }

    [Fact]
    public void Nan_targets_are_rejected()
    {
        var target = Matrix<float>.Build.Dense(2, 2);
        target[1, 0] = float.NaN;
        var act = () => new MeanSquaredErrorLoss().Loss(Matrix<float>.Build.Dense(2, 2), target);
        act.Should().Throw<ArgumentException>().WithMessage("*[1, 0]*NaN*");
    }
}
