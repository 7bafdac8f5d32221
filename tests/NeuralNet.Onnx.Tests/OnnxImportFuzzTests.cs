using NeuralNet.Layers;

namespace NeuralNet.Onnx.Tests;

/// <summary>Damaged ONNX files: only InvalidDataException (or NotSupportedException for a damage that still parses into an unsupported graph), or a model.</summary>
public class OnnxImportFuzzTests
{
    private static byte[] Exported() => OnnxRuntimeHarness.ExportToBytes(new Mlp(
        new Dense(4, 6, seed: 1), new BatchNorm(6), new GELU(), new LayerNorm(6), new SiLU(), new Dense(6, 3, seed: 2), new Softmax()));

    private static void ImportShouldFailCleanly(byte[] bytes, string what)
    {
        try
        {
            OnnxImporter.Import(new MemoryStream(bytes));
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{what}: {e.GetType().Name}: {e}");
        }
    }

    [Fact]
    public void Truncations_fail_cleanly()
    {
        byte[] bytes = Exported();
        for (int length = 0; length < bytes.Length; length += 3) ImportShouldFailCleanly(bytes[..length], $"truncated to {length}");
    }

    [Fact]
    public void Bit_flips_fail_cleanly_or_import()
    {
        byte[] original = Exported();
        var random = new Random(7);
        for (int trial = 0; trial < 1500; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            int position = random.Next(bytes.Length);
            bytes[position] ^= (byte)(1 << random.Next(8));
            ImportShouldFailCleanly(bytes, $"bit flip at {position}");
        }
    }

    [Fact]
    public void Appended_and_random_bytes_fail_cleanly()
    {
        byte[] original = Exported();
        var random = new Random(8);
        for (int trial = 0; trial < 300; trial++)
        {
            var extra = new byte[1 + random.Next(40)];
            random.NextBytes(extra);
            ImportShouldFailCleanly([.. original, .. extra], "appended bytes");
            var noise = new byte[random.Next(2000)];
            random.NextBytes(noise);
            ImportShouldFailCleanly(noise, "random bytes");
        }
    }

    [Fact]
    public void A_length_claiming_two_gigabytes_fails_fast_without_allocating_it()
    {
        // ModelProto field 7 (graph), length-delimited, with a varint length of 2³¹ and only a few bytes behind it.
        byte[] bytes = [0x3A, 0x80, 0x80, 0x80, 0x80, 0x08, 1, 2, 3, 4];
        // A tensor's raw_data claiming 2³¹ bytes, inside a graph whose own length is honest.
        byte[] tensor = [0x4A, 0x80, 0x80, 0x80, 0x80, 0x08, 1, 2, 3];
        byte[] graph = [0x2A, (byte)tensor.Length, .. tensor];
        byte[] nested = [0x3A, (byte)graph.Length, .. graph];
        foreach (byte[] file in new[] { bytes, nested })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Action import = () => OnnxImporter.Import(new MemoryStream(file));
            import.Should().Throw<InvalidDataException>();
            (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20, "memory follows the file, not its claims");
        }
    }
}
