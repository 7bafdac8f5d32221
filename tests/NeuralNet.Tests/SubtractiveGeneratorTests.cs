namespace NeuralNet.Tests;

public class SubtractiveGeneratorTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(-7)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Draws_what_a_seeded_System_Random_draws(int seed)
    {
        // System.Random(seed) is the oracle: the generator must be it, draw for draw, across many wraps of its 55 slots.
        var expected = new Random(seed);
        var generator = new SubtractiveGenerator(seed);
        for (int k = 0; k < 20_000; k++)
        {
            if (k % 2 == 0) generator.NextSingle().Should().Be(expected.NextSingle(), $"draw {k}");
            else generator.NextDouble().Should().Be(expected.NextDouble(), $"draw {k}");
        }
    }

    [Fact]
    public void A_saved_state_continues_the_same_sequence()
    {
        var generator = new SubtractiveGenerator(3);
        for (int k = 0; k < 1000; k++) generator.NextSingle();
        var copy = new SubtractiveGenerator(99);
        copy.SetState(generator.GetState());
        for (int k = 0; k < 1000; k++) copy.NextDouble().Should().Be(generator.NextDouble());
    }

    [Fact]
    public void A_state_it_never_reaches_is_rejected()
    {
        byte[] state = new SubtractiveGenerator(3).GetState();
        var generator = new SubtractiveGenerator(3);
        FluentActions.Invoking(() => generator.SetState(state.AsSpan(1))).Should().Throw<InvalidDataException>();
        byte[] badIndex = (byte[])state.Clone();
        badIndex[^1] = 7; // inextp no longer 21 after inext
        FluentActions.Invoking(() => generator.SetState(badIndex)).Should().Throw<InvalidDataException>().WithMessage("*indices*");
        byte[] negative = (byte[])state.Clone();
        negative[7] = 0x80; // value 1's sign bit
        FluentActions.Invoking(() => generator.SetState(negative)).Should().Throw<InvalidDataException>().WithMessage("*value 1*");
    }
}
