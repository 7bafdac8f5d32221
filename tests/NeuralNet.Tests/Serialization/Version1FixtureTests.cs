using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Tests.Serialization;

/// <summary>
/// Files of format version 1 written by NeuralNet 0.1.0 (Fixtures/v1, see its README) load unchanged and predict, as one
/// batch, exactly the bits 0.1.0 predicted; saved again they become version 2 and still predict the same bits.
/// </summary>
public sealed class Version1FixtureTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Serialization", "Fixtures", "v1");

    public static TheoryData<string> Models => new() { "every-kind", "digits-relu-softmax", "sigmoid-binary", "activations-only" };

    [Theory]
    [MemberData(nameof(Models))]
    public void A_file_written_by_0_1_loads_and_predicts_its_stored_output_bit_for_bit(string name)
    {
        byte[] file = File.ReadAllBytes(Path.Combine(Folder, name + ".nnmlp"));
        BitConverter.ToUInt32(file, 8).Should().Be(1u, "the fixture is a version-1 file");
        Matrix<float> input = ReadHex(name + ".input.csv");
        Matrix<float> expected = ReadHex(name + ".output.csv");

        Mlp model = Mlp.Load(Path.Combine(Folder, name + ".nnmlp"));

        ShouldBeBitIdentical(model.Predict(input), expected, $"{name} loaded from version 1");
        var into = Matrix<float>.Build.Dense(expected.RowCount, expected.ColumnCount);
        model.Predict(input, into);
        ShouldBeBitIdentical(into, expected, $"{name} loaded from version 1, Predict(input, output)");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Saved_again_it_is_a_version_2_file_that_predicts_the_same_bits(string name)
    {
        Matrix<float> input = ReadHex(name + ".input.csv");
        Matrix<float> expected = ReadHex(name + ".output.csv");
        Mlp original = Mlp.Load(Path.Combine(Folder, name + ".nnmlp"));

        string path = Path.Combine(Path.GetTempPath(), $"v1fixture-{name}-{Guid.NewGuid():N}.nnmlp");
        try
        {
            original.Save(path);
            byte[] saved = File.ReadAllBytes(path);
            saved.AsSpan(0, 8).ToArray().Should().Equal(File.ReadAllBytes(Path.Combine(Folder, name + ".nnmlp")).AsSpan(0, 8).ToArray(), "the same magic");
            BitConverter.ToUInt32(saved, 8).Should().Be(2u, "the library writes version 2");

            Mlp reloaded = Mlp.Load(path);

            reloaded.Layers.Select(l => l.GetType()).Should().Equal(original.Layers.Select(l => l.GetType()));
            ShouldBeBitIdentical(reloaded.Predict(input), expected, $"{name} saved as version 2 and loaded");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Matrix<float> ReadHex(string file)
    {
        string text = File.ReadAllText(Path.Combine(Folder, file));
        text.Should().EndWith("\n").And.NotContain("\r", "the README's format: LF line ends, the last one included");
        string[][] rows = text[..^1].Split('\n').Select(line => line.Split(',')).ToArray();
        return Matrix<float>.Build.Dense(rows.Length, rows[0].Length, (i, j) =>
        {
            string word = rows[i][j];
            word.Should().StartWith("0x").And.HaveLength(10);
            return BitConverter.UInt32BitsToSingle(uint.Parse(word.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
        });
    }

    private static void ShouldBeBitIdentical(Matrix<float> actual, Matrix<float> expected, string what)
    {
        actual.RowCount.Should().Be(expected.RowCount, what);
        actual.ColumnCount.Should().Be(expected.ColumnCount, what);
        for (int i = 0; i < expected.RowCount; i++)
            for (int j = 0; j < expected.ColumnCount; j++)
                BitConverter.SingleToUInt32Bits(actual[i, j]).Should().Be(BitConverter.SingleToUInt32Bits(expected[i, j]),
                    $"{what}: [{i}, {j}] is {actual[i, j]:R}, 0.1.0 predicted {expected[i, j]:R}");
    }
}
