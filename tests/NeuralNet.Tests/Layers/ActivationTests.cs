using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using NeuralNet.Layers;

namespace NeuralNet.Tests.Layers;

public class ActivationTests
{
    // The closed forms of DESIGN.md, in double: the oracle for each layer's forward pass.
    public static TheoryData<string> Activations => ["ReLU", "Sigmoid", "Tanh", "Softplus", "HardTanh", "Identity"];

    private static ActivationLayer Create(string name) => name switch
    {
        "ReLU" => new ReLU(),
        "Sigmoid" => new Sigmoid(),
        "Tanh" => new Tanh(),
        "Softplus" => new Softplus(),
        "HardTanh" => new HardTanh(),
        "Identity" => new Identity(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static double ClosedForm(string name, double z) => name switch
    {
        "ReLU" => Math.Max(0, z),
        "Sigmoid" => 1 / (1 + Math.Exp(-z)),
        "Tanh" => Math.Tanh(z),
        "Softplus" => z > 30 ? z : Math.Log(1 + Math.Exp(z)),
        "HardTanh" => Math.Max(-1, Math.Min(1, z)),
        "Identity" => z,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory, MemberData(nameof(Activations))]
    public void Forward_matches_the_closed_form(string name)
    {
        var z = TestData.AwayFromKinks(5, 7, seed: 1, scale: 4f);
        var h = Create(name).Forward(z);
        for (int i = 0; i < z.RowCount; i++)
            for (int j = 0; j < z.ColumnCount; j++)
                ((double)h[i, j]).Should().BeApproximately(ClosedForm(name, z[i, j]), 2e-6, $"{name}({z[i, j]})");
    }

    [Theory, MemberData(nameof(Activations))]
    public void Backward_matches_finite_differences(string name)
    {
        var layer = Create(name);
        var z = TestData.AwayFromKinks(4, 6, seed: 2);
        var r = TestData.Uniform(4, 6, seed: 3);
        layer.Forward(z);
        var analytic = layer.Backward(r).Clone();
        var numerical = GradientCheck.Numerical(z, () => GradientCheck.Weighted(Create(name).Predict(z), r), step: 1e-3f);
        GradientCheck.ShouldMatch(analytic, numerical, $"{name} ∂J/∂z");
    }

    [Fact]
    public void ReLU_and_HardTanh_derivatives_are_zero_at_their_kinks()
    {
        var z = Matrix<float>.Build.DenseOfArray(new float[,] { { 0f, 1f, -1f, 0.5f } });
        var ones = Matrix<float>.Build.Dense(1, 4, 1f);
        var relu = new ReLU();
        relu.Forward(z);
        relu.Backward(ones).Row(0).ToArray().Should().Equal(0f, 1f, 0f, 1f);
        var hardTanh = new HardTanh();
        hardTanh.Forward(z);
        hardTanh.Backward(ones).Row(0).ToArray().Should().Equal(1f, 0f, 0f, 1f);
    }

    [Theory]
    [InlineData(1000f)]
    [InlineData(-1000f)]
    [InlineData(88.8f)]
    [InlineData(-88.8f)]
    public void Sigmoid_and_Softplus_of_extreme_inputs_are_finite_and_exact(float z)
    {
        var input = Matrix<float>.Build.Dense(3, 17, z); // 51 values: vector body and scalar tail
        var ones = Matrix<float>.Build.Dense(3, 17, 1f);
        var sigmoid = new Sigmoid();
        var s = sigmoid.Forward(input);
        s.Enumerate().Should().AllSatisfy(v => ((double)v).Should().BeApproximately(1 / (1 + Math.Exp(-z)), 1e-6));
        sigmoid.Backward(ones).Enumerate().Should().AllSatisfy(v => float.IsFinite(v).Should().BeTrue());

        var softplus = new Softplus();
        var sp = softplus.Forward(input);
        double expected = Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
        sp.Enumerate().Should().AllSatisfy(v => ((double)v).Should().BeApproximately(expected, 1e-4 * Math.Max(1, Math.Abs(expected))));
        softplus.Backward(ones).Enumerate().Should().AllSatisfy(v =>
            ((double)v).Should().BeApproximately(1 / (1 + Math.Exp(-z)), 1e-6));
    }

    [Theory, MemberData(nameof(Activations))]
    public void Predict_equals_Forward_and_keeps_no_state(string name)
    {
        var layer = Create(name);
        var z = TestData.Uniform(3, 5, seed: 4, low: -3, high: 3);
        var forward = layer.Forward(z).Clone();
        var other = TestData.Uniform(2, 5, seed: 5);
        layer.Predict(other);
        layer.Predict(z).Should().Be(forward);
        // Backward still refers to the Forward batch, not to what Predict saw.
        layer.Backward(Matrix<float>.Build.Dense(3, 5, 1f)).RowCount.Should().Be(3);
    }

    [Fact]
    public void Backward_before_Forward_is_an_invalid_operation()
    {
        var act = () => new Tanh().Backward(Matrix<float>.Build.Dense(1, 1));
        act.Should().Throw<InvalidOperationException>().WithMessage("*before Forward*");
    }

    [Fact]
    public void Backward_with_a_gradient_of_the_wrong_shape_names_both_shapes()
    {
        var layer = new Sigmoid();
        layer.Forward(Matrix<float>.Build.Dense(2, 3));
        var act = () => layer.Backward(Matrix<float>.Build.Dense(3, 2));
        act.Should().Throw<ArgumentException>().WithMessage("*2 × 3*3 × 2*");
    }

    // Widths as ints: SimdWidth is internal and a public test method cannot take it.
    public static TheoryData<string, int> ActivationsAndWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in new[] { "ReLU", "Sigmoid", "Tanh", "Softplus", "HardTanh" })
            foreach (var width in new[] { SimdWidth.Vector512, SimdWidth.Vector256, SimdWidth.Vector128 })
                data.Add(name, (int)width);
        return data;
    }

    [Theory, MemberData(nameof(ActivationsAndWidths))]
    public void Every_vector_width_matches_the_scalar_path_for_every_length(string name, int forcedWidth)
    {
        var width = (SimdWidth)forcedWidth;
        Simd.Supported.Should().BeOneOf(SimdWidth.Vector512, SimdWidth.Vector256, SimdWidth.Vector128);
        for (int length = 0; length <= 67; length++)
        {
            var z = length == 0 ? Matrix<float>.Build.Dense(1, 1) : TestData.Uniform(1, length, seed: length, low: -3, high: 3);
            var dh = length == 0 ? Matrix<float>.Build.Dense(1, 1) : TestData.Uniform(1, length, seed: 100 + length);
            var (scalarH, scalarDz) = Run(name, z, dh, SimdWidth.Scalar);
            var (vectorH, vectorDz) = Run(name, z, dh, width);
            for (int k = 0; k < z.ColumnCount; k++)
            {
                vectorH[0, k].Should().BeApproximately(scalarH[0, k], 1e-6f, $"{name} forward at {width}, length {length}, index {k}");
                vectorDz[0, k].Should().BeApproximately(scalarDz[0, k], 1e-6f, $"{name} backward at {width}, length {length}, index {k}");
            }
        }
    }

    private static (Matrix<float> H, Matrix<float> Dz) Run(string name, Matrix<float> z, Matrix<float> dh, SimdWidth width)
    {
        using var _ = Simd.Force(width);
        Simd.Width.Should().Be(width);
        var layer = Create(name);
        var h = layer.Forward(z).Clone();
        return (h, layer.Backward(dh).Clone());
    }
}
