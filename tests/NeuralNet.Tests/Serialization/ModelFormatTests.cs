using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Tests.Serialization;

/// <summary>The format of docs/model-format.md, pinned by files built from the document rather than by the writer.</summary>
public sealed class ModelFormatTests
{
    // Dense(2 → 3) with W = [[1, 2], [3, 4], [5, 6]] row-major and b = [0.5, −0.5, 0.25], then ReLU, then Dense(3 → 1).
    private static ModelFileBuilder Version1Header() => new ModelFileBuilder()
        .UInt32(4)
        .Byte(1).UInt32(2).UInt32(3)
        .Byte(2)
        .Byte(1).UInt32(3).UInt32(1)
        .Byte(3);

    private static byte[] Version1File() => Version1Header()
        .Floats(1, 2, 3, 4, 5, 6).Floats(0.5f, -0.5f, 0.25f)
        .Floats(1, -1, 2).Floats(0.125f)
        .WithChecksum();

    [Fact]
    public void A_version_1_file_built_from_the_document_loads_with_its_layers_and_values()
    {
        Mlp model = SampleModels.Load(Version1File());

        model.Layers.Select(l => l.GetType()).Should().Equal(typeof(Dense), typeof(ReLU), typeof(Dense), typeof(Sigmoid));
        model.Parameters[0].Value.Should().Be(Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }));
        model.Parameters[1].Value.AsColumnMajorArray().Should().Equal(0.5f, -0.5f, 0.25f);
        // x = (1, 1): z1 = (3.5, 6.5, 11.25), ReLU keeps it, z2 = 3.5 − 6.5 + 22.5 + 0.125 = 19.625, σ(19.625).
        model.Predict(Matrix<float>.Build.Dense(1, 2, 1f))[0, 0].Should().Be(1f / (1f + MathF.Exp(-19.625f)));
    }

    // The same model in version 2: each layer's kind by name, its config entries and its tensors' names and shapes.
    private static byte[] Version2File() => new ModelFileBuilder(version: 2)
        .UInt32(4)
        .DenseRecord(2, 3)
        .Plain("ReLU")
        .DenseRecord(3, 1)
        .Plain("Sigmoid")
        .Floats(1, 2, 3, 4, 5, 6).Floats(0.5f, -0.5f, 0.25f)
        .Floats(1, -1, 2).Floats(0.125f)
        .WithChecksum();

    [Fact]
    public void The_writer_produces_exactly_the_documented_version_2_bytes_also_for_a_model_read_from_version_1()
    {
        SampleModels.Bytes(SampleModels.Load(Version1File())).Should().Equal(Version2File());
        SampleModels.Bytes(SampleModels.Load(Version2File())).Should().Equal(Version2File());
    }

    public static TheoryData<string, byte[], string> InvalidFiles => new()
    {
        { "empty", [], "*empty*" },
        { "foreign", "PK\u0003\u0004 a zip file"u8.ToArray(), "*not a NeuralNet model*504B0304*" },
        { "text", "{\"layers\": []}"u8.ToArray(), "*not a NeuralNet model*" },
        { "magic cut short", Version1File()[..5], "*truncated*magic*" },
        { "version 0", new ModelFileBuilder(version: 0).UInt32(1).Byte(2).WithChecksum(), "*version is 0*" },
        { "future version", new ModelFileBuilder(version: 3).UInt32(1).Byte(2).WithChecksum(), "*format version 3*newer*" },
        { "no layers", new ModelFileBuilder().UInt32(0).WithChecksum(), "*claims 0 layers*" },
        { "absurd layer count", new ModelFileBuilder().UInt32(uint.MaxValue).WithChecksum(), "*claims 4294967295 layers*" },
        { "unknown layer kind", new ModelFileBuilder().UInt32(1).Byte(200).WithChecksum(), "*Layer 0*kind code 200*" },
        { "zero-width Dense", new ModelFileBuilder().UInt32(1).Byte(1).UInt32(0).UInt32(3).WithChecksum(), "*Layer 0*claims 0 inputs*" },
        { "Dense wider than int", new ModelFileBuilder().UInt32(1).Byte(1).UInt32(3).UInt32(0x8000_0000).WithChecksum(), "*claims 2147483648 outputs*" },
        // 2¹⁶ × 2¹⁵ = 2³¹ weights: more than an array holds, rejected from the header alone.
        { "2^31 weights", new ModelFileBuilder().UInt32(1).Byte(1).UInt32(1 << 16).UInt32(1 << 15).Floats(1, 2, 3).WithChecksum(), "*2147483648 weights*" },
        // 2¹⁵ × 2¹⁵ = 2³⁰ weights fit in an array, but the file does not hold them: rejected before allocating 4 GiB.
        { "2^30 weights, few bytes", new ModelFileBuilder().UInt32(1).Byte(1).UInt32(1 << 15).UInt32(1 << 15).Floats(1, 2, 3).WithChecksum(), "*truncated*needs 4295098400 bytes*" },
        { "widths that don't chain", new ModelFileBuilder().UInt32(2).Byte(1).UInt32(2).UInt32(3).Byte(1).UInt32(4).UInt32(1).WithChecksum(), "*Layer 1*expects 4 inputs*produce 3*" },
        { "parameters cut short", Version1Header().Floats(1, 2, 3).WithoutChecksum(), "*truncated*" },
        { "checksum missing", Version1Header().Floats(1, 2, 3, 4, 5, 6, 0.5f, -0.5f, 0.25f, 1, -1, 2, 0.125f).WithoutChecksum(), "*truncated*checksum*" },
        { "checksum wrong", [.. Version1File()[..^1], (byte)(Version1File()[^1] ^ 1)], "*checksum does not match*" },
        { "NaN weight", Version1Header().Floats(1, float.NaN, 3, 4, 5, 6, 0.5f, -0.5f, 0.25f, 1, -1, 2, 0.125f).WithChecksum(), "*Layer 0*weights value 1*NaN*" },
        { "infinite bias", Version1Header().Floats(1, 2, 3, 4, 5, 6, 0.5f, -0.5f, 0.25f, 1, -1, 2, float.PositiveInfinity).WithChecksum(), "*Layer 2*bias*Infinity*" },
    };

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void An_invalid_file_is_an_InvalidDataException_that_says_what_is_wrong(string name, byte[] bytes, string message)
    {
        Action load = () => SampleModels.Load(bytes);

        load.Should().Throw<InvalidDataException>(name).WithMessage(message);
    }

    [Fact]
    public void A_non_seekable_stream_claiming_2_to_the_30_weights_fails_at_its_end_without_allocating_them()
    {
        byte[] bytes = new ModelFileBuilder().UInt32(1).Byte(1).UInt32(1 << 15).UInt32(1 << 15).Floats(new float[1000]).WithoutChecksum();
        long before = GC.GetAllocatedBytesForCurrentThread();

        Action load = () => Mlp.Load(new NonSeekableStream(bytes));

        load.Should().Throw<InvalidDataException>().WithMessage("*truncated*weights of layer 0*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(10_000_000);
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;
    }
}
