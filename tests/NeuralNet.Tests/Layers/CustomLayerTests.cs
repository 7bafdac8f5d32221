using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Tests.Serialization;
using NeuralNet.Training;

namespace NeuralNet.Tests.Layers;

/// <summary>A layer defined outside the library (<see cref="Scale"/>) trains, saves and loads once registered.</summary>
public sealed class CustomLayerTests
{
    static CustomLayerTests() => LayerRegistry.Register<Scale>();

    private static Mlp Model(float offset = 0.25f) =>
        new(new Dense(3, 4, seed: 1), new Tanh(), new Scale(4, offset, negate: true, label: "γ-layer"), new Dense(4, 2, seed: 2));

    private static (Matrix<float> X, Matrix<float> Y) Data()
    {
        Matrix<float> x = TestData.Uniform(24, 3, seed: 5);
        // A smooth target the model can fit: y = (x₀ − x₁, x₂ · x₀).
        var y = Matrix<float>.Build.Dense(24, 2, (n, j) => j == 0 ? x[n, 0] - x[n, 1] : x[n, 2] * x[n, 0]);
        return (x, y);
    }

    [Fact]
    public void Fit_trains_a_model_with_the_custom_layer_and_the_loss_goes_down()
    {
        var (x, y) = Data();
        Mlp model = Model();
        var scale = (Scale)model.Layers[2];
        float[] gammaBefore = scale.Gamma.Value.AsColumnMajorArray().ToArray();

        TrainingHistory history = model.Fit(x, y, new MeanSquaredErrorLoss(), new Sgd(0.05f),
            new TrainingOptions { Epochs = 40, BatchSize = 8, Seed = 3 });

        history.Epochs[^1].TrainingLoss.Should().BeLessThan(0.5f * history.Epochs[0].TrainingLoss);
        scale.Gamma.Value.AsColumnMajorArray().Should().NotEqual(gammaBefore, "the optimizer steps the custom layer's parameter too");
        model.Parameters.Should().Contain(scale.Gamma);
    }

    [Fact]
    public void Its_parameter_gradient_in_a_network_matches_finite_differences()
    {
        var (x, y) = Data();
        Mlp model = Model();
        // Move γ away from its initial ones, so the check is not at a special point.
        model.Fit(x, y, new MeanSquaredErrorLoss(), new Sgd(0.05f), new TrainingOptions { Epochs = 3, BatchSize = 8, Seed = 3 });
        var scale = (Scale)model.Layers[2];
        var loss = new MeanSquaredErrorLoss();

        model.ComputeGradients(x, y, loss);
        Matrix<float> analytic = scale.Gamma.Gradient.Clone();
        double[] numerical = GradientCheck.Numerical(scale.Gamma.Value, () => loss.Loss(model.Predict(x), y));

        GradientCheck.ShouldMatch(analytic, numerical, "∂L/∂γ");
        analytic.Enumerate().Should().Contain(v => v != 0f);
    }

    [Fact]
    public void Save_and_load_restore_the_layer_its_config_and_predictions_bit_for_bit()
    {
        var (x, y) = Data();
        Mlp model = Model(offset: -0.375f);
        model.Fit(x, y, new MeanSquaredErrorLoss(), new Sgd(0.05f), new TrainingOptions { Epochs = 5, BatchSize = 8, Seed = 3 });

        Mlp loaded = SampleModels.Load(SampleModels.Bytes(model));

        Scale restored = loaded.Layers[2].Should().BeOfType<Scale>().Which;
        (restored.Features, restored.Offset, restored.Negate, restored.Label).Should().Be((4, -0.375f, true, "γ-layer"));
        restored.Gamma.Value.AsColumnMajorArray().Should().Equal(((Scale)model.Layers[2]).Gamma.Value.AsColumnMajorArray());
        loaded.Predict(x).AsColumnMajorArray().Should().Equal(model.Predict(x).AsColumnMajorArray());
    }

    [Fact]
    public void Its_kind_name_and_config_are_in_the_file_as_the_format_describes()
    {
        byte[] bytes = SampleModels.Bytes(new Mlp(new Scale(2, 1.5f, negate: false, label: "ab")));
        byte[] expected = new ModelFileBuilder(version: 2).UInt32(1)
            .String("Tests.Scale").UInt16(4)
            .String("features").Byte(1).Int32(2)
            .String("offset").Byte(2).Floats(1.5f)
            .String("negate").Byte(3).Byte(0)
            .String("label").Byte(4).String("ab")
            .UInt16(1).String("gamma").UInt32(1).UInt32(2)
            .Floats(1f, 1f)
            .WithChecksum();
        bytes.Should().Equal(expected);
    }

    [Fact]
    public void Saving_an_unregistered_custom_layer_is_NotSupportedException_naming_it()
    {
        var model = new Mlp(new Dense(2, 2, seed: 1), new Unregistered());

        var error = FluentActions.Invoking(() => SampleModels.Bytes(model)).Should().Throw<NotSupportedException>().Which;

        error.Message.Should().Contain("Layer 1").And.Contain(typeof(Unregistered).FullName).And.Contain("LayerRegistry.Register");
        LayerRegistry.IsRegistered("Tests.Unregistered").Should().BeFalse();
    }

    [Fact]
    public void Registering_another_class_under_an_existing_kind_name_is_an_ArgumentException()
    {
        FluentActions.Invoking(LayerRegistry.Register<FakeDense>).Should().Throw<ArgumentException>()
            .WithMessage($"*'Dense' is already registered*{typeof(FakeDense).FullName}*");
        FluentActions.Invoking(LayerRegistry.Register<SecondScale>).Should().Throw<ArgumentException>()
            .WithMessage("*'Tests.Scale' is already registered*");
        // The original kinds still load and save as before.
        SampleModels.Load(SampleModels.Bytes(new Mlp(new Dense(2, 2, seed: 1)))).Layers.Single().Should().BeOfType<Dense>();
    }

    [Fact]
    public void Registering_the_same_class_twice_does_nothing()
    {
        IReadOnlyList<string> before = LayerRegistry.KindNames;

        LayerRegistry.Register<Scale>();
        LayerRegistry.Register<Scale>();
        LayerRegistry.Register<Dense>();

        LayerRegistry.KindNames.Should().Equal(before);
        LayerRegistry.IsRegistered("Tests.Scale").Should().BeTrue();
    }

    private sealed class Unregistered : ActivationLayer, ILayerFactory<Unregistered>
    {
        static string ILayerFactory<Unregistered>.KindName => "Tests.Unregistered";
        static Unregistered ILayerFactory<Unregistered>.FromConfig(LayerConfig config) => new();
        protected override void Activate(ReadOnlySpan<float> z, Span<float> h) => z.CopyTo(h);
        protected override void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h, ReadOnlySpan<float> outputGradient, Span<float> inputGradient) =>
            outputGradient.CopyTo(inputGradient);
    }

    private sealed class FakeDense : ActivationLayer, ILayerFactory<FakeDense>
    {
        static string ILayerFactory<FakeDense>.KindName => "Dense";
        static FakeDense ILayerFactory<FakeDense>.FromConfig(LayerConfig config) => new();
        protected override void Activate(ReadOnlySpan<float> z, Span<float> h) => z.CopyTo(h);
        protected override void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h, ReadOnlySpan<float> outputGradient, Span<float> inputGradient) =>
            outputGradient.CopyTo(inputGradient);
    }

    private sealed class SecondScale : ActivationLayer, ILayerFactory<SecondScale>
    {
        static string ILayerFactory<SecondScale>.KindName => "Tests.Scale";
        static SecondScale ILayerFactory<SecondScale>.FromConfig(LayerConfig config) => new();
        protected override void Activate(ReadOnlySpan<float> z, Span<float> h) => z.CopyTo(h);
        protected override void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h, ReadOnlySpan<float> outputGradient, Span<float> inputGradient) =>
            outputGradient.CopyTo(inputGradient);
    }
}
