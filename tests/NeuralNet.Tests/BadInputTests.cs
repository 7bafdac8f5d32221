using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;

namespace NeuralNet.Tests;

/// <summary>Misuse gets an ArgumentException whose message names the expected and the actual numbers.</summary>
public class BadInputTests
{
    private static Mlp Model() => new(new Dense(3, 4, seed: 1), new ReLU(), new Dense(4, 2, seed: 2), new Softmax());

    [Fact]
    public void A_wrong_input_width_names_both_widths()
    {
        var act = () => Model().Predict(Matrix<float>.Build.Dense(5, 7));
        act.Should().Throw<ArgumentException>().WithMessage("*3 input columns*7*").And.ParamName.Should().Be("input");
    }

    [Fact]
    public void Targets_with_the_wrong_row_count_name_both_counts()
    {
        var act = () => Model().ComputeGradients(Matrix<float>.Build.Dense(5, 3), Matrix<float>.Build.Dense(6, 2), new CrossEntropyLoss());
        act.Should().Throw<ArgumentException>().WithMessage("*6 rows*5*").And.ParamName.Should().Be("target");
    }

    [Fact]
    public void Targets_with_the_wrong_width_name_both_widths()
    {
        var act = () => Model().ComputeGradients(Matrix<float>.Build.Dense(5, 3), Matrix<float>.Build.Dense(5, 9), new CrossEntropyLoss());
        act.Should().Throw<ArgumentException>().WithMessage("*9 columns*2 outputs*");
    }

    [Fact]
    public void An_empty_batch_is_rejected_with_its_shape()
    {
        var act = () => Model().Forward(Matrix<float>.Build.Dense(0, 3));
        act.Should().Throw<ArgumentException>().WithMessage("*empty (0 × 3)*");
    }

    [Fact]
    public void Nan_in_the_input_names_the_element()
    {
        var x = Matrix<float>.Build.Dense(4, 3);
        x[2, 1] = float.NaN;
        var act = () => Model().Predict(x);
        act.Should().Throw<ArgumentException>().WithMessage("*[2, 1]*NaN*");
        x[2, 1] = float.PositiveInfinity;
        act.Should().Throw<ArgumentException>().WithMessage("*[2, 1]*Infinity*");
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(0f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_learning_rate_that_is_not_positive_and_finite_is_rejected_with_its_value(float learningRate)
    {
        var act = () => new Sgd(learningRate);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*greater than 0*{learningRate}*").And.ParamName.Should().Be("learningRate");
    }

    [Theory]
    [InlineData(-0.5f)]
    [InlineData(1f)]
    public void Momentum_outside_zero_to_one_is_rejected_with_its_value(float momentum)
    {
        var act = () => new Sgd(0.1f, momentum);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*[0, 1)*{momentum}*");
    }

    [Fact]
    public void Negative_weight_decay_and_nesterov_without_momentum_are_rejected()
    {
        FluentActions.Invoking(() => new Sgd(0.1f, weightDecay: -1f)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*-1*");
        FluentActions.Invoking(() => new Sgd(0.1f, nesterov: true)).Should().Throw<ArgumentException>().WithMessage("*Nesterov*0*");
    }

    [Fact]
    public void Dense_layers_whose_widths_do_not_chain_are_rejected_with_both_widths()
    {
        var act = () => new Mlp(new Dense(3, 4), new ReLU(), new Dense(5, 2));
        act.Should().Throw<ArgumentException>().WithMessage("*Layer 2*5 inputs*produce 4*");
    }

    [Fact]
    public void A_network_without_layers_or_with_a_repeated_layer_is_rejected()
    {
        FluentActions.Invoking(() => new Mlp()).Should().Throw<ArgumentException>();
        var relu = new ReLU();
        FluentActions.Invoking(() => new Mlp(new Dense(2, 2), relu, new Dense(2, 2), relu)).Should().Throw<ArgumentException>().WithMessage("*same instance*");
    }

    [Fact]
    public void Backward_before_forward_is_an_invalid_operation()
    {
        var act = () => Model().Backward(Matrix<float>.Build.Dense(2, 2));
        act.Should().Throw<InvalidOperationException>();
    }
}
