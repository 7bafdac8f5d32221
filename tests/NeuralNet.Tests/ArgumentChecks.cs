using NeuralNet.Optimizers;

namespace NeuralNet.Tests;

/// <summary>The house rule for bad hyper-parameters, asserted one way everywhere.</summary>
internal static class ArgumentChecks
{
    /// <summary><paramref name="act"/> throws an <see cref="ArgumentOutOfRangeException"/> naming the parameter and its value.</summary>
    public static void ThrowsOutOfRangeNaming(Action act, string name, float value)
    {
        var thrown = act.Should().Throw<ArgumentOutOfRangeException>().Which;
        thrown.ParamName.Should().Be(name);
        thrown.ActualValue.Should().Be(value);
        thrown.Message.Should().Contain(value.ToString());
    }

    /// <summary>A schedule can set the learning rate through the interface, and a bad one is refused.</summary>
    public static void LearningRateIsSettable(ILearningRateOptimizer optimizer, float rate, float badRate)
    {
        optimizer.LearningRate = rate;
        optimizer.LearningRate.Should().Be(rate);
        var act = () => optimizer.LearningRate = badRate;
        act.Should().Throw<ArgumentOutOfRangeException>();
        optimizer.LearningRate.Should().Be(rate);
    }
}
