using System.Security.Cryptography;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Tests.Layers;

namespace NeuralNet.Tests.Serialization;

/// <summary>
/// Thousands of damaged files: each must either load a model that predicts without error, or throw
/// <see cref="InvalidDataException"/> — never anything else.
/// </summary>
public sealed class ModelFuzzTests
{
    private static readonly byte[] Original = SampleModels.Bytes(SampleModels.Small());

    [Fact]
    public void Every_truncation_is_rejected()
    {
        for (int length = 0; length < Original.Length; length++)
            Outcome(Original[..length]).Should().Be(Result.Rejected, $"the file cut to {length} of {Original.Length} bytes");
    }

    [Fact]
    public void Every_single_bit_flip_is_rejected()
    {
        for (int bit = 0; bit < Original.Length * 8; bit++)
        {
            byte[] bytes = (byte[])Original.Clone();
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            Outcome(bytes).Should().Be(Result.Rejected, $"bit {bit} flipped");
        }
    }

    [Fact]
    public void Random_damage_loads_a_working_model_or_is_rejected()
    {
        var random = new Random(2024);
        var outcomes = new Dictionary<Result, int>();
        for (int trial = 0; trial < 6000; trial++)
        {
            byte[] bytes = Mutate(random, trial % 6);
            Result result = Outcome(bytes);
            outcomes[result] = outcomes.GetValueOrDefault(result) + 1;
        }

        outcomes.Keys.Should().OnlyContain(r => r == Result.Rejected || r == Result.LoadedAndPredicted);
        outcomes.GetValueOrDefault(Result.LoadedAndPredicted).Should().BePositive("damage to the parameters under a fixed checksum loads");
    }

    /// <summary>Kinds 0–3 damage the file as disks and networks do; 4 and 5 also fix the checksum to reach the deeper checks.</summary>
    private static byte[] Mutate(Random random, int kind)
    {
        byte[] bytes = (byte[])Original.Clone();
        switch (kind)
        {
            case 0: // several bit flips
                for (int k = random.Next(1, 8); k > 0; k--) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 1: // a run of bytes overwritten
                int start = random.Next(bytes.Length);
                random.NextBytes(bytes.AsSpan(start, Math.Min(bytes.Length - start, random.Next(1, 9))));
                return bytes;
            case 2: // bytes appended, or the tail cut and replaced
                byte[] tail = new byte[random.Next(1, 64)];
                random.NextBytes(tail);
                return [.. bytes[..random.Next(bytes.Length / 2, bytes.Length + 1)], .. tail];
            case 3: // random files, half of them with a valid magic and version
                byte[] noise = new byte[random.Next(0, 300)];
                random.NextBytes(noise);
                if (noise.Length >= 12 && random.Next(2) == 0) Original.AsSpan(0, 12).CopyTo(noise);
                return noise;
            default: // header or parameter bytes changed, then the checksum recomputed over the damage
                int body = bytes.Length - 32;
                int at = kind == 4 ? random.Next(12, Math.Min(body, 40)) : random.Next(body);
                bytes[at] = (byte)random.Next(256);
                SHA256.HashData(bytes.AsSpan(0, body)).CopyTo(bytes, body);
                return bytes;
        }
    }

    /// <summary>
    /// A version-2 file from the writer holding every registered kind, the library's and the tests' <see cref="Scale"/>
    /// (whose config has an int, a float, a flag and a string).
    /// </summary>
    private static byte[] EveryKindVersion2()
    {
        LayerRegistry.Register<Scale>();
        Mlp model = SampleModels.EveryLayerKind();
        var layers = model.Layers.ToList();
        layers.Insert(1, new Scale(7, 0.5f, negate: true, label: "fuzz"));
        var every = new Mlp([.. layers]);
        every.Layers.Select(l => LayerRegistry.KindNames.Single(name => l.GetType().Name == name || l is Scale && name == "Tests.Scale"))
            .Distinct().Should().BeEquivalentTo(LayerRegistry.KindNames.Where(n => !n.StartsWith("Tests.", StringComparison.Ordinal) || n == "Tests.Scale"),
                "the file holds every registered kind");
        return SampleModels.Bytes(every);
    }

    private static readonly Lazy<byte[]> Version2 = new(EveryKindVersion2);

    private static byte[] WithChecksum(ReadOnlySpan<byte> body) => [.. body, .. SHA256.HashData(body)];

    /// <summary>The length of the writer's header: everything before the first tensor value.</summary>
    private static int HeaderLength(byte[] file)
    {
        Mlp model = SampleModels.Load(file);
        int values = model.Layers.OfType<ISerializableLayer>().SelectMany(l => l.State).Sum(t => t.Value.RowCount * t.Value.ColumnCount);
        return file.Length - 32 - 4 * values;
    }

    [Fact]
    public void Version_2_every_header_bit_flipped_under_a_recomputed_checksum_loads_or_is_rejected()
    {
        byte[] original = Version2.Value;
        BitConverter.ToUInt32(original, 8).Should().Be(2u);
        int header = HeaderLength(original);
        var outcomes = new Dictionary<Result, int>();
        for (int bit = 12 * 8; bit < header * 8; bit++)
        {
            byte[] body = original[..^32];
            body[bit / 8] ^= (byte)(1 << (bit % 8));
            Result result = Outcome(WithChecksum(body), $"header bit {bit} flipped");
            outcomes[result] = outcomes.GetValueOrDefault(result) + 1;
        }
        outcomes.GetValueOrDefault(Result.Rejected).Should().BePositive();
    }

    [Fact]
    public void Version_2_every_truncation_under_a_recomputed_checksum_is_rejected()
    {
        byte[] original = Version2.Value;
        for (int length = 0; length < original.Length - 32; length++)
            Outcome(WithChecksum(original.AsSpan(0, length)), $"cut to {length} bytes, checksum recomputed").Should().Be(Result.Rejected);
    }

    [Fact]
    public void Version_2_random_damage_under_a_recomputed_checksum_loads_a_working_model_or_is_rejected()
    {
        byte[] original = Version2.Value;
        int header = HeaderLength(original);
        var random = new Random(2026);
        var outcomes = new Dictionary<Result, int>();
        for (int trial = 0; trial < 6000; trial++)
        {
            byte[] body = original[..^32];
            switch (trial % 4)
            {
                case 0: // a few header bytes replaced
                    for (int k = random.Next(1, 4); k > 0; k--) body[random.Next(12, header)] = (byte)random.Next(256);
                    break;
                case 1: // bit flips anywhere
                    for (int k = random.Next(1, 8); k > 0; k--) body[random.Next(body.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 2: // bytes inserted or removed inside the header
                    int at = random.Next(12, header);
                    body = random.Next(2) == 0
                        ? [.. body[..at], .. Enumerable.Range(0, random.Next(1, 5)).Select(_ => (byte)random.Next(256)), .. body[at..]]
                        : [.. body[..at], .. body[Math.Min(body.Length, at + random.Next(1, 5))..]];
                    break;
                default: // cut, then random bytes appended
                    byte[] tail = new byte[random.Next(0, 40)];
                    random.NextBytes(tail);
                    body = [.. body[..random.Next(12, body.Length)], .. tail];
                    break;
            }
            Result result = Outcome(WithChecksum(body), $"trial {trial}");
            outcomes[result] = outcomes.GetValueOrDefault(result) + 1;
        }
        outcomes.GetValueOrDefault(Result.Rejected).Should().BePositive();
        outcomes.GetValueOrDefault(Result.LoadedAndPredicted).Should().BePositive("value damage under a fixed checksum loads");
    }

    private enum Result { Rejected, LoadedAndPredicted }

    private static Result Outcome(byte[] bytes, string what)
    {
        try
        {
            return Outcome(bytes);
        }
        catch (Exception e) when (e is not InvalidDataException && e is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{what}: {e.GetType().Name} escaped: {e}");
        }
    }

    private static Result Outcome(byte[] bytes)
    {
        Mlp model;
        try
        {
            model = SampleModels.Load(bytes);
        }
        catch (InvalidDataException e)
        {
            e.Message.Should().NotBeNullOrWhiteSpace();
            return Result.Rejected;
        }
        Matrix<float> output = model.Predict(SampleModels.Inputs(4, model.InputCount ?? 3, seed: 3));
        output.RowCount.Should().Be(4);
        return Result.LoadedAndPredicted;
    }
}
