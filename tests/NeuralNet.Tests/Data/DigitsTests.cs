using NeuralNet.Data;
using NeuralNet.Samples;

namespace NeuralNet.Tests.Data;

public class DigitsTests
{
    [Fact]
    public void Loads_the_committed_set_with_its_known_class_counts()
    {
        var digits = Digits.Load(SamplePaths.Digits);
        digits.Count.Should().Be(1797);
        digits.Inputs.ColumnCount.Should().Be(64);
        // scikit-learn's load_digits: class sizes and the first label.
        digits.Labels.GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()).Should().Equal(178, 182, 177, 183, 181, 182, 181, 179, 174, 180);
        digits.Labels[0].Should().Be(0);
        digits.Inputs.Enumerate().Max().Should().Be(16f);
        digits.Inputs.Enumerate().Min().Should().Be(0f);
    }

    [Fact]
    public void Rejects_a_file_whose_checksum_differs()
    {
        string path = Path.Combine(Path.GetTempPath(), $"digits-{Guid.NewGuid():N}.csv.gz");
        byte[] bytes = File.ReadAllBytes(SamplePaths.Digits);
        bytes[^10] ^= 0xff;
        File.WriteAllBytes(path, bytes);
        try
        {
            FluentActions.Invoking(() => Digits.Load(path)).Should().Throw<InvalidDataException>().WithMessage($"*{Digits.Sha256}*");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Split_is_seeded_and_disjoint()
    {
        var digits = Digits.Load(SamplePaths.Digits);
        var (train, test) = digits.Split(0.2, seed: 3);
        (train.Count, test.Count).Should().Be((1438, 359));
        digits.Split(0.2, seed: 3).Test.Labels.Should().Equal(test.Labels);
    }
}
