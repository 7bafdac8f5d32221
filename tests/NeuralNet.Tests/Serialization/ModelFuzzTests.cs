using System.Security.Cryptography;
using MathNet.Numerics.LinearAlgebra;

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

    private enum Result { Rejected, LoadedAndPredicted }

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
