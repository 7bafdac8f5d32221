using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using NeuralNet.Layers;
using NeuralNet.Losses;

namespace NeuralNet.Tests.Layers;

/// <summary>LeakyReLU, ELU, GELU (both forms) and SiLU against PyTorch's formulas written out in double.</summary>
public class ModernActivationTests
{
    public static TheoryData<string> Activations =>
        ["LeakyReLU", "LeakyReLU(0.2)", "LeakyReLU(-1.5)", "ELU", "ELU(0.5)", "GELU", "GELU(tanh)", "SiLU"];

    private static ActivationLayer Create(string name) => name switch
    {
        "LeakyReLU" => new LeakyReLU(),
        "LeakyReLU(0.2)" => new LeakyReLU(0.2f),
        "LeakyReLU(-1.5)" => new LeakyReLU(-1.5f),
        "ELU" => new ELU(),
        "ELU(0.5)" => new ELU(0.5f),
        "GELU" => new GELU(),
        "GELU(tanh)" => new GELU(tanhApproximation: true),
        "SiLU" => new SiLU(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private const double Sqrt2OverPi = 0.79788456080286536, Kappa = 0.044715;

    /// <summary>g(z) in double, as torch defines it. Φ via Math.NET's erfc, so that the tail z ≪ 0 is not cancelled.</summary>
    private static double Forward(string name, double z) => name switch
    {
        "LeakyReLU" => z > 0 ? z : 0.01 * z,
        "LeakyReLU(0.2)" => z > 0 ? z : (double)0.2f * z,
        "LeakyReLU(-1.5)" => z > 0 ? z : -1.5 * z,
        "ELU" => z > 0 ? z : Math.Exp(z) - 1,
        "ELU(0.5)" => z > 0 ? z : 0.5 * (Math.Exp(z) - 1),
        "GELU" => z * 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2)),
        "GELU(tanh)" => 0.5 * z * (1 + Math.Tanh(Sqrt2OverPi * (z + Kappa * z * z * z))),
        "SiLU" => z / (1 + Math.Exp(-z)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>g'(z) in double, and the size of its terms: the scale of the rounding a float sum of them makes.</summary>
    private static (double Value, double Scale) Slope(string name, double z)
    {
        double Phi(double x) => 0.5 * SpecialFunctions.Erfc(-x / Math.Sqrt(2));
        double phi(double x) => Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);
        switch (name)
        {
            case "LeakyReLU": return (z > 0 ? 1 : (double)0.01f, 1);
            case "LeakyReLU(0.2)": return (z > 0 ? 1 : (double)0.2f, 1);
            case "LeakyReLU(-1.5)": return (z > 0 ? 1 : -1.5, 1);
            case "ELU": { double v = z > 0 ? 1 : Math.Exp(z); return (v, v); }
            case "ELU(0.5)": { double v = z > 0 ? 1 : 0.5 * Math.Exp(z); return (v, v); }
            case "GELU": return (Phi(z) + z * phi(z), Phi(z) + Math.Abs(z * phi(z)));
            case "GELU(tanh)":
            {
                double t = Math.Tanh(Sqrt2OverPi * (z + Kappa * z * z * z));
                double left = 0.5 * (1 + t), right = 0.5 * z * (1 - t) * (1 + t) * Sqrt2OverPi * (1 + 3 * Kappa * z * z);
                return (left + right, Math.Abs(left) + Math.Abs(right));
            }
            case "SiLU":
            {
                double s = 1 / (1 + Math.Exp(-z)), right = z * s * (1 / (1 + Math.Exp(z)));
                return (s + right, s + Math.Abs(right));
            }
            default: throw new ArgumentOutOfRangeException(nameof(name));
        }
    }

    // Float rounding of z², z³ and 2u before the exponential costs GELU a few 1e-7 relative; the rest are near 1 ulp.
    private static double RelativeTolerance(string name) => name.StartsWith("GELU", StringComparison.Ordinal) ? 4e-6 : 1e-6;

    private const double Floor = 1e-30; // below it, the double value underflows float anyway

    private static readonly float[] Extremes = [1000f, -1000f, 1e-6f, -1e-6f, 0f, -0f, 20f, -20f, 88f, -88f, 5f, -5f, 1e-30f];

    /// <summary>Random values in [−6, 6] with an extreme value at every third position, so every lane sees some.</summary>
    private static Matrix<float> Sweep(int length, int seed)
    {
        var random = new Random(seed);
        return Matrix<float>.Build.Dense(1, Math.Max(length, 1), (_, k) =>
            length == 0 ? 0f : k % 3 == 0 ? Extremes[(k / 3 + seed) % Extremes.Length] : 12f * (float)random.NextDouble() - 6f);
    }

    public static TheoryData<string, int> ActivationsAndWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in (string[])["LeakyReLU(0.2)", "ELU(0.5)", "ELU", "GELU", "GELU(tanh)", "SiLU"])
            foreach (var width in (SimdWidth[])[SimdWidth.Scalar, SimdWidth.Vector128, SimdWidth.Vector256, SimdWidth.Vector512])
                data.Add(name, (int)width);
        return data;
    }

    [Theory, MemberData(nameof(ActivationsAndWidths))]
    public void Forward_and_derivative_match_the_closed_form_at_every_width_and_length(string name, int forcedWidth)
    {
        var width = (SimdWidth)forcedWidth;
        double tolerance = RelativeTolerance(name);
        for (int length = 0; length <= 70; length++)
        {
            var z = Sweep(length, seed: length);
            var ones = Matrix<float>.Build.Dense(1, z.ColumnCount, 1f);
            var (h, dz) = Run(name, z, ones, width);
            for (int k = 0; k < z.ColumnCount; k++)
            {
                double expected = Forward(name, z[0, k]);
                double error = Math.Abs(h[0, k] - expected);
                error.Should().BeLessThanOrEqualTo(tolerance * Math.Abs(expected) + Floor,
                    $"{name}({z[0, k]:R}) at {width}, length {length}: {h[0, k]:R} vs {expected:R}");
                var (slope, scale) = Slope(name, z[0, k]);
                Math.Abs(dz[0, k] - slope).Should().BeLessThanOrEqualTo(tolerance * scale + Floor,
                    $"{name}'({z[0, k]:R}) at {width}, length {length}: {dz[0, k]:R} vs {slope:R}");
            }
        }
    }

    [Theory, MemberData(nameof(ActivationsAndWidths))]
    public void Every_width_matches_the_scalar_path(string name, int forcedWidth)
    {
        var width = (SimdWidth)forcedWidth;
        for (int length = 1; length <= 70; length++)
        {
            var z = Sweep(length, seed: 200 + length);
            var dh = TestData.Uniform(1, length, seed: 300 + length);
            var (scalarH, scalarDz) = Run(name, z, dh, SimdWidth.Scalar);
            var (vectorH, vectorDz) = Run(name, z, dh, width);
            for (int k = 0; k < length; k++)
            {
                vectorH[0, k].Should().BeApproximately(scalarH[0, k], 1e-6f * Math.Max(1f, Math.Abs(scalarH[0, k])), $"{name} at {width}, length {length}, index {k}");
                vectorDz[0, k].Should().BeApproximately(scalarDz[0, k], 1e-6f * Math.Max(1f, Math.Abs(scalarDz[0, k])), $"{name}' at {width}, length {length}, index {k}");
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

    [Theory, MemberData(nameof(Activations))]
    public void Extreme_inputs_give_finite_values_and_NaN_propagates(string name)
    {
        var z = Matrix<float>.Build.DenseOfRowArrays([1000f, -1000f, 1e-6f, -1e-6f, 0f, float.NaN, 3f, -3f, 1000f, -1000f, float.NaN, 0.5f, -0.5f, 2f, -2f, 1f, float.NaN]);
        var layer = Create(name);
        var h = layer.Forward(z);
        var dz = layer.Backward(Matrix<float>.Build.Dense(1, z.ColumnCount, 1f));
        for (int k = 0; k < z.ColumnCount; k++)
        {
            if (float.IsNaN(z[0, k])) { float.IsNaN(h[0, k]).Should().BeTrue($"{name}(NaN)"); continue; }
            float.IsFinite(h[0, k]).Should().BeTrue($"{name}({z[0, k]}) = {h[0, k]}");
            float.IsFinite(dz[0, k]).Should().BeTrue($"{name}'({z[0, k]}) = {dz[0, k]}");
        }
        // At ±1000 every one of them is z or a constant, and its slope 1 or a constant (torch's values).
        h[0, 0].Should().Be(1000f);
        dz[0, 0].Should().Be(1f);
    }

    [Fact]
    public void Slopes_at_zero_are_torchs()
    {
        var z = Matrix<float>.Build.DenseOfRowArrays([0f, 0f]);
        var ones = Matrix<float>.Build.Dense(1, 2, 1f);
        var leaky = new LeakyReLU(0.2f);
        leaky.Forward(z);
        leaky.Backward(ones)[0, 0].Should().Be(0.2f);
        var elu = new ELU(0.5f);
        elu.Forward(z);
        elu.Backward(ones)[0, 0].Should().Be(0.5f);
        var gelu = new GELU();
        gelu.Forward(z);
        gelu.Backward(ones)[0, 0].Should().BeApproximately(0.5f, 1e-7f);
        var silu = new SiLU();
        silu.Forward(z);
        silu.Backward(ones)[0, 0].Should().Be(0.5f);
    }

    [Theory, MemberData(nameof(Activations))]
    public void Backward_matches_finite_differences(string name)
    {
        var layer = Create(name);
        var z = TestData.AwayFromKinks(4, 6, seed: 2, scale: 3f);
        var r = TestData.Uniform(4, 6, seed: 3);
        layer.Forward(z);
        var analytic = layer.Backward(r).Clone();
        var numerical = GradientCheck.Numerical(z, () => GradientCheck.Weighted(Create(name).Predict(z), r), step: 1e-3f);
        GradientCheck.ShouldMatch(analytic, numerical, $"{name} ∂J/∂z", tolerance: 5e-3);
    }

    [Theory, MemberData(nameof(Activations))]
    public void Every_parameter_gradient_of_an_Mlp_matches_finite_differences(string name)
    {
        var model = new Mlp(new Dense(5, 6, seed: 1), Create(name), new Dense(6, 3, seed: 2));
        foreach (var p in model.Parameters.Where(p => !p.IsWeight)) p.Value.MapInplace(_ => 0.1f);
        var x = TestData.Uniform(4, 5, seed: 3, low: -2f, high: 2f);
        var target = TestData.Uniform(4, 3, seed: 4);
        var loss = new MeanSquaredErrorLoss();
        model.ComputeGradients(x, target, loss);

        var analytic = model.Parameters.Select(p => p.Gradient.Clone()).ToArray();
        for (int k = 0; k < analytic.Length; k++)
        {
            var parameter = model.Parameters[k];
            var numerical = GradientCheck.Numerical(parameter.Value, () => loss.Loss(model.Predict(x), target), step: 2e-3f);
            GradientCheck.ShouldMatch(analytic[k], numerical, $"Dense → {name} → Dense: parameter {k} ({parameter.Name})", tolerance: 2e-2);
        }
    }

    [Theory, MemberData(nameof(Activations))]
    public void A_model_saved_and_loaded_predicts_bit_identically_with_its_hyper_parameters(string name)
    {
        var model = new Mlp(new Dense(5, 8, seed: 1), Create(name), new Dense(8, 2, seed: 2));
        var x = TestData.Uniform(7, 5, seed: 3, low: -3f, high: 3f);
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        Mlp loaded = Mlp.Load(stream);

        loaded.Predict(x).AsColumnMajorArray().Should().Equal(model.Predict(x).AsColumnMajorArray());
        ILayer original = model.Layers[1], restored = loaded.Layers[1];
        restored.GetType().Should().Be(original.GetType());
        restored.ToString().Should().Be(original.ToString());
        switch (original)
        {
            case LeakyReLU leaky: ((LeakyReLU)restored).NegativeSlope.Should().Be(leaky.NegativeSlope); break;
            case ELU elu: ((ELU)restored).Alpha.Should().Be(elu.Alpha); break;
            case GELU gelu: ((GELU)restored).TanhApproximation.Should().Be(gelu.TanhApproximation); break;
        }
    }

    [Fact]
    public void Hyper_parameters_are_named_in_the_config_and_shown_by_ToString()
    {
        new LeakyReLU(0.2f).GetConfig().GetSingle("negativeSlope").Should().Be(0.2f);
        new ELU(0.5f).GetConfig().GetSingle("alpha").Should().Be(0.5f);
        new GELU(true).GetConfig().GetBoolean("tanhApproximation").Should().BeTrue();
        new SiLU().GetConfig().Count.Should().Be(0);
        new LeakyReLU().ToString().Should().Be("LeakyReLU(0.01)");
        new LeakyReLU(0.2f).ToString().Should().Be("LeakyReLU(0.2)");
        new ELU().ToString().Should().Be("ELU(1)");
        new GELU().ToString().Should().Be("GELU(exact)");
        new GELU(tanhApproximation: true).ToString().Should().Be("GELU(tanh)");
        new SiLU().ToString().Should().Be("SiLU");
        new LeakyReLU().NegativeSlope.Should().Be(0.01f);
        new ELU().Alpha.Should().Be(1f);
        new GELU().TanhApproximation.Should().BeFalse();
        foreach (var kind in new[] { "LeakyReLU", "ELU", "GELU", "SiLU" })
            LayerRegistry.IsRegistered(kind).Should().BeTrue(kind);
    }

    [Theory, MemberData(nameof(Activations))]
    public void A_Dense_before_them_is_He_initialised(string name) =>
        Create(name).InitializationBefore.Should().Be(WeightInitialization.He);

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_hyper_parameters_are_rejected_by_name(float value)
    {
        FluentActions.Invoking(() => new LeakyReLU(value)).Should().Throw<ArgumentOutOfRangeException>()
            .Which.ParamName.Should().Be("negativeSlope");
        FluentActions.Invoking(() => new ELU(value)).Should().Throw<ArgumentOutOfRangeException>()
            .Which.ParamName.Should().Be("alpha");
    }

    [Fact]
    public void The_float_erf_is_within_3e_7_of_the_double_one()
    {
        foreach (var width in (SimdWidth[])[SimdWidth.Scalar, SimdWidth.Vector128, SimdWidth.Vector256, SimdWidth.Vector512])
        {
            using var _ = Simd.Force(width);
            float[] x = [.. Enumerable.Range(0, 2001).Select(k => -10f + k * 0.01f)];
            var erf = new float[x.Length];
            var erfc = new float[x.Length];
            Elementwise.Apply<Erf>(x, erf);
            Elementwise.Apply<Erfc>(x, erfc);
            for (int k = 0; k < x.Length; k++)
            {
                Math.Abs(erf[k] - SpecialFunctions.Erf(x[k])).Should().BeLessThan(3e-7, $"erf({x[k]}) at {width}");
                // Relative in the tail: the fit's 1.2e-7, plus the rounding of x² in float that exp(−x²) magnifies.
                double expected = SpecialFunctions.Erfc(x[k]);
                Math.Abs(erfc[k] - expected).Should().BeLessThanOrEqualTo((3e-7 + 1.2e-7 * x[k] * x[k]) * expected + 1e-37, $"erfc({x[k]}) at {width}");
            }
        }
    }
}
