using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

public class MetricsTests
{
    [Fact]
    public void OneHot_puts_a_single_one_in_each_labels_column()
    {
        Metrics.OneHot([2, 0, 1], 3).ToArray().Should().BeEquivalentTo(new float[,] { { 0, 0, 1 }, { 1, 0, 0 }, { 0, 1, 0 } });
        FluentActions.Invoking(() => Metrics.OneHot([0, 3], 3)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*3*0 … 2*");
    }

    [Fact]
    public void ArgMax_takes_the_first_of_ties()
    {
        var scores = Matrix<float>.Build.DenseOfArray(new float[,] { { 0.1f, 0.7f, 0.2f }, { 5, 5, 1 }, { -3, -2, -1 } });
        Metrics.ArgMax(scores).Should().Equal(1, 0, 2);
    }

    [Fact]
    public void Accuracy_counts_matches()
    {
        Metrics.Accuracy([1, 2, 3, 4], [1, 0, 3, 0]).Should().Be(0.5f);
        var p = Matrix<float>.Build.DenseOfArray(new float[,] { { 0.9f }, { 0.2f }, { 0.6f } });
        var y = Matrix<float>.Build.DenseOfArray(new float[,] { { 1 }, { 0 }, { 0 } });
        Metrics.Accuracy(p, y).Should().BeApproximately(2f / 3, 1e-6f);
        FluentActions.Invoking(() => Metrics.Accuracy([1], [1, 2])).Should().Throw<ArgumentException>().WithMessage("*1 predicted*2 actual*");
    }

    [Fact]
    public void Confusion_matrix_counts_true_rows_against_predicted_columns()
    {
        int[,] counts = Metrics.ConfusionMatrix(actual: [0, 0, 1, 2, 2, 2], predicted: [0, 1, 1, 2, 0, 2], classes: 3);
        counts.Should().BeEquivalentTo(new int[,] { { 1, 1, 0 }, { 0, 1, 0 }, { 1, 0, 2 } });
    }
}
