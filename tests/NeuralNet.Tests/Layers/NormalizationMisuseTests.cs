using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Tests.Layers;

/// <summary>Dropout, LayerNorm and BatchNorm used on their own, wrongly: each misuse is a clear exception, never a wrong answer.</summary>
public sealed class NormalizationMisuseTests
{
    public static TheoryData<string> Layers => ["Dropout", "LayerNorm", "BatchNorm"];

    private static ILayer Create(string name) => name switch
    {
        "Dropout" => new Dropout(0.5f, seed: 1),
        "LayerNorm" => new LayerNorm(3),
        "BatchNorm" => new BatchNorm(3),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory, MemberData(nameof(Layers))]
    public void Backward_before_Forward_is_an_InvalidOperationException(string name)
    {
        var act = () => Create(name).Backward(Matrix<float>.Build.Dense(2, 3, 1f));
        act.Should().Throw<InvalidOperationException>().WithMessage($"*{name}.Backward*before Forward*");
    }

    [Theory, MemberData(nameof(Layers))]
    public void A_gradient_of_another_shape_than_the_output_is_rejected_naming_both(string name)
    {
        ILayer layer = Create(name);
        layer.Forward(TestData.Uniform(4, 3, seed: 2));
        var act = () => layer.Backward(Matrix<float>.Build.Dense(5, 3, 1f));
        act.Should().Throw<ArgumentException>().WithMessage("*4 × 3*5 × 3*").Which.ParamName.Should().Be("outputGradient");
    }

    [Theory, MemberData(nameof(Layers))]
    public void Null_batches_are_ArgumentNullExceptions(string name)
    {
        ILayer layer = Create(name);
        layer.Invoking(l => l.Forward(null!)).Should().Throw<ArgumentNullException>();
        layer.Invoking(l => l.Predict(null!)).Should().Throw<ArgumentNullException>();
        layer.Invoking(l => l.Backward(null!)).Should().Throw<ArgumentNullException>();
    }

    [Theory]
    [InlineData("LayerNorm")]
    [InlineData("BatchNorm")]
    public void A_batch_of_the_wrong_width_is_rejected_naming_both_widths(string name)
    {
        ILayer layer = Create(name);
        var batch = TestData.Uniform(4, 5, seed: 3);
        layer.Invoking(l => l.Forward(batch)).Should().Throw<ArgumentException>().WithMessage($"*{name}(3*3 input columns*has 5*");
        layer.Invoking(l => l.Predict(batch)).Should().Throw<ArgumentException>().WithMessage($"*{name}(3*3 input columns*has 5*");
    }

    [Theory]
    [InlineData("LayerNorm")]
    [InlineData("BatchNorm")]
    public void An_empty_batch_is_rejected(string name) =>
        Create(name).Invoking(l => l.Predict(Matrix<float>.Build.Dense(0, 3))).Should().Throw<ArgumentException>().WithMessage("*empty (0 × 3)*");

    [Fact]
    public void Bad_hyper_parameters_name_their_value_in_the_message()
    {
        FluentActions.Invoking(() => new Dropout(1.5f)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[0, 1)*1.5*");
        FluentActions.Invoking(() => new LayerNorm(3, epsilon: -2f)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*ε*-2*");
        FluentActions.Invoking(() => new BatchNorm(3, epsilon: 0f)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*ε*0*");
        FluentActions.Invoking(() => new BatchNorm(3, momentum: 1.25f)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[0, 1]*1.25*");
        FluentActions.Invoking(() => new LeakyReLU(float.NaN)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*finite*NaN*");
        FluentActions.Invoking(() => new ELU(float.PositiveInfinity)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*finite*Infinity*");
    }

    [Fact]
    public void LayerNorm_predicts_the_same_on_one_thread_after_a_larger_batch_shrank_its_scratch_need()
    {
        // Per-thread scratch sized by the largest batch so far must not leak values into a smaller one.
        var layer = new LayerNorm(3);
        var small = TestData.Uniform(2, 3, seed: 4);
        var first = layer.Predict(small);
        layer.Predict(TestData.Uniform(9, 3, seed: 5));
        layer.Predict(small).AsColumnMajorArray().Should().Equal(first.AsColumnMajorArray());
    }
}
