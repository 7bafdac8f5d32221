using System.Security.Cryptography;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Serialization;
using NeuralNet.Tests.TrainingChild;
using NeuralNet.Training;

namespace NeuralNet.Tests.Serialization;

/// <summary>
/// Damaged checkpoints: truncated, bit-flipped or appended to, each is an <see cref="InvalidDataException"/> and nothing
/// else; damage under a recomputed checksum, which reaches the parser and the resume's checks, is an
/// <see cref="InvalidDataException"/>, a mismatch naming what differs, or a run that resumes.
/// </summary>
public sealed class CheckpointFuzzTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("checkpoint-fuzz").FullName;
    private static readonly (Matrix<float> X, Matrix<float> Y) Data = Scenarios.Blobs(24, 3, 2, seed: 1);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Mlp Model() => new(new Dense(3, 4, seed: 1), new ReLU(), new Dropout(0.2f, seed: 2), new Dense(4, 2, seed: 3), new Softmax());

    private static TrainingOptions Options(CheckpointOptions? checkpoint = null, string? resume = null) => new()
    {
        Epochs = 2, BatchSize = 10, Seed = 1, ValidationInputs = Data.X, ValidationTargets = Data.Y, EarlyStoppingPatience = 3,
        LearningRateSchedule = new StepDecay(1, 0.5f), Checkpoint = checkpoint, ResumeFrom = resume,
    };

    /// <summary>A checkpoint with every section: model, Adam's moments, schedule, early stopping's best weights, Dropout, history.</summary>
    private static readonly Lazy<byte[]> Original = new(() =>
    {
        string path = Path.Combine(Path.GetTempPath(), $"fuzz-{Guid.NewGuid():N}.ckpt");
        try
        {
            Model().Fit(Data.X, Data.Y, new CrossEntropyLoss(), new Adam(0.01f), Options(new CheckpointOptions(path)));
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    });

    private static void Rejected(byte[] bytes, string what)
    {
        try
        {
            CheckpointFile.Read(bytes);
        }
        catch (InvalidDataException e)
        {
            e.Message.Should().NotBeNullOrWhiteSpace();
            return;
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{what}: {e.GetType().Name} escaped: {e}");
        }
        throw new Xunit.Sdk.XunitException($"{what}: the damaged checkpoint was read.");
    }

    [Fact]
    public void Every_truncation_is_rejected()
    {
        byte[] original = Original.Value;
        CheckpointFile.Read(original).Entries.Select(e => e.Key).Should().Equal("model", "optimizer", "training", "history", "layers", "callbacks");
        for (int length = 0; length < original.Length; length++) Rejected(original[..length], $"cut to {length} bytes");
    }

    [Fact]
    public void Every_single_bit_flip_is_rejected()
    {
        byte[] original = Original.Value;
        for (int bit = 0; bit < original.Length * 8; bit++)
        {
            byte[] bytes = (byte[])original.Clone();
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            Rejected(bytes, $"bit {bit} flipped");
        }
    }

    [Fact]
    public void Bytes_appended_are_rejected()
    {
        var random = new Random(3);
        for (int n = 1; n <= 64; n++)
        {
            byte[] tail = new byte[n];
            random.NextBytes(tail);
            Rejected([.. Original.Value, .. tail], $"{n} bytes appended");
        }
        Rejected([.. Original.Value, .. Original.Value], "the file twice");
    }

    [Fact]
    public void A_damaged_file_given_to_Fit_is_an_InvalidDataException_and_leaves_the_model_alone()
    {
        string path = Path.Combine(_folder, "damaged.ckpt");
        byte[] bytes = (byte[])Original.Value.Clone();
        bytes[bytes.Length / 2] ^= 4;
        File.WriteAllBytes(path, bytes);
        Mlp model = Model();
        float[] before = model.Parameters.SelectMany(p => p.Value.AsColumnMajorArray()).ToArray();
        FluentActions.Invoking(() => model.Fit(Data.X, Data.Y, new CrossEntropyLoss(), new Adam(0.01f), Options(resume: path)))
            .Should().Throw<InvalidDataException>().WithMessage("*checksum*");
        model.Parameters.SelectMany(p => p.Value.AsColumnMajorArray()).Should().Equal(before);
    }

    private enum Outcome { Rejected, Mismatch, Resumed }

    [Fact]
    public void Damage_under_a_recomputed_checksum_is_rejected_refused_or_resumes()
    {
        byte[] original = Original.Value;
        string path = Path.Combine(_folder, "recomputed.ckpt");
        var random = new Random(2026);
        var outcomes = new Dictionary<Outcome, int>();
        for (int trial = 0; trial < 1500; trial++)
        {
            byte[] body = original[..^32];
            switch (trial % 3)
            {
                case 0: // bytes replaced
                    for (int k = random.Next(1, 4); k > 0; k--) body[random.Next(12, body.Length)] = (byte)random.Next(256);
                    break;
                case 1: // bit flips
                    for (int k = random.Next(1, 4); k > 0; k--) body[random.Next(12, body.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                default: // bytes inserted or removed
                    int at = random.Next(12, body.Length);
                    body = random.Next(2) == 0
                        ? [.. body[..at], .. Enumerable.Range(0, random.Next(1, 5)).Select(_ => (byte)random.Next(256)), .. body[at..]]
                        : [.. body[..at], .. body[Math.Min(body.Length, at + random.Next(1, 5))..]];
                    break;
            }
            File.WriteAllBytes(path, [.. body, .. SHA256.HashData(body)]);
            Outcome outcome;
            try
            {
                Model().Fit(Data.X, Data.Y, new CrossEntropyLoss(), new Adam(0.01f), Options(resume: path));
                outcome = Outcome.Resumed;
            }
            catch (InvalidDataException e)
            {
                e.Message.Should().NotBeNullOrWhiteSpace();
                outcome = Outcome.Rejected;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException && e.Message.Contains("checkpoint", StringComparison.Ordinal))
            {
                outcome = Outcome.Mismatch; // a valid value that no longer fits this run: a hyper-parameter, the data, a layer's config
            }
            catch (TrainingDivergedException)
            {
                outcome = Outcome.Resumed; // damaged weights or moments under a valid checksum may train to ∞; the guard says so
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"trial {trial}: {e.GetType().Name} escaped: {e}");
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        outcomes.GetValueOrDefault(Outcome.Rejected).Should().BePositive();
        outcomes.GetValueOrDefault(Outcome.Resumed).Should().BePositive("damage to values under a fixed checksum resumes");
    }
}
