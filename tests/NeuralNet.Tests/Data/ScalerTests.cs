using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Data;

namespace NeuralNet.Tests.Data;

public class ScalerTests
{
    private static readonly Matrix<float> Train = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 10, 7 }, { 3, 20, 7 }, { 5, 60, 7 } });

    [Fact]
    public void Standard_scaler_uses_training_mean_and_population_deviation()
    {
        var scaler = StandardScaler.Fit(Train);
        // Column 0: μ = 3, σ = √(8/3); column 1: μ = 30, σ = √(1400/3); column 2 constant: σ taken as 1.
        scaler.Mean.Should().Equal(3f, 30f, 7f);
        scaler.Scale[0].Should().BeApproximately((float)Math.Sqrt(8.0 / 3), 1e-5f);
        scaler.Scale[1].Should().BeApproximately((float)Math.Sqrt(1400.0 / 3), 1e-3f);
        scaler.Scale[2].Should().Be(1f);
        var test = scaler.Transform(Matrix<float>.Build.DenseOfArray(new float[,] { { 3, 30, 9 } }));
        test.Row(0).ToArray().Should().Equal(0f, 0f, 2f);
    }

    [Fact]
    public void MinMax_scaler_maps_the_training_range_to_0_1_and_test_data_with_the_same_map()
    {
        var scaler = MinMaxScaler.Fit(Train);
        scaler.Transform(Train).Column(0).ToArray().Should().Equal(0f, 0.5f, 1f);
        var test = scaler.Transform(Matrix<float>.Build.DenseOfArray(new float[,] { { 9, 0, 7 } }));
        test.Row(0).ToArray().Should().Equal(2f, -0.2f, 0f); // outside the training range stays outside [0, 1]
    }

    [Fact]
    public void Transform_rejects_a_different_width()
    {
        FluentActions.Invoking(() => StandardScaler.Fit(Train).Transform(Matrix<float>.Build.Dense(1, 2)))
            .Should().Throw<ArgumentException>().WithMessage("*3 columns*2*");
    }
}
