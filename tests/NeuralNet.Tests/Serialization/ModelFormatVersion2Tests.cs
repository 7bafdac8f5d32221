using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Tests.Serialization;

/// <summary>
/// Every way a version-2 file can be wrong, each built byte by byte from docs/model-format.md: each is an
/// <see cref="InvalidDataException"/> whose message says what is wrong and where.
/// </summary>
public sealed class ModelFormatVersion2Tests
{
    private static ModelFileBuilder V2(uint layers) => new ModelFileBuilder(version: 2).UInt32(layers);

    // Dense(2 → 3), W = [[1, 2], [3, 4], [5, 6]] row-major, b = [0.5, −0.5, 0.25]: 9 values.
    private static readonly float[] DenseValues = [1, 2, 3, 4, 5, 6, 0.5f, -0.5f, 0.25f];

    /// <summary>Dense(2 → 3) then ReLU, valid; the byte offsets of its fields are in <see cref="Truncations"/>.</summary>
    private static byte[] ValidFile() => V2(2).DenseRecord(2, 3).Plain("ReLU").Floats(DenseValues).WithChecksum();

    /// <summary>A Dense record with the given config entries and tensors written by <paramref name="body"/>.</summary>
    private static ModelFileBuilder DenseWith(Func<ModelFileBuilder, ModelFileBuilder> body) => body(V2(1).String("Dense"));

    private static ModelFileBuilder DenseConfig(ModelFileBuilder b, int inputs, int outputs) =>
        b.UInt16(2).String("inputs").Byte(1).Int32(inputs).String("outputs").Byte(1).Int32(outputs);

    private static ModelFileBuilder DenseTensors(ModelFileBuilder b, uint weightRows, uint weightColumns, uint biasRows) =>
        b.UInt16(2).String("weights").UInt32(weightRows).UInt32(weightColumns).String("bias").UInt32(biasRows).UInt32(1);

    [Fact]
    public void The_valid_file_loads()
    {
        Mlp model = SampleModels.Load(ValidFile());
        model.Layers.Select(l => l.GetType()).Should().Equal(typeof(Dense), typeof(ReLU));
        model.Parameters[0].Value.Should().Be(Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }));
    }

    [Fact]
    public void Config_values_of_every_type_reach_the_factory_and_extra_entries_are_ignored_by_Dense()
    {
        // Dense reads inputs and outputs; a float, a flag and a string beside them are read by the reader and passed on.
        byte[] file = V2(1).String("Dense").UInt16(5)
            .String("inputs").Byte(1).Int32(2).String("outputs").Byte(1).Int32(3)
            .String("f").Byte(2).Floats(float.NaN).String("b").Byte(3).Byte(1).String("s").Byte(4).String("é")
            .UInt16(2).String("weights").UInt32(3).UInt32(2).String("bias").UInt32(3).UInt32(1)
            .Floats(DenseValues).WithChecksum();
        SampleModels.Load(file).Layers.Should().ContainSingle().Which.Should().BeOfType<Dense>();
    }

    public static TheoryData<string, byte[], string> InvalidFiles => new()
    {
        { "unknown kind name", V2(1).Plain("Conv2D").WithChecksum(), "*Layer 0*'Conv2D'*not registered*LayerRegistry.Register<T>()*Registered kinds:*Dense*" },
        { "kind name not UTF-8", V2(1).UInt16(2).Byte(0xC3).Byte(0x28).UInt16(0).UInt16(0).WithChecksum(), "*kind of layer 0 is not valid UTF-8*" },
        { "config key not UTF-8", DenseWith(b => b.UInt16(1).UInt16(1).Byte(0xFF).Byte(1).Int32(2)).WithChecksum(), "*config entry 0 of layer 0 is not valid UTF-8*" },
        { "zero-length kind", V2(1).UInt16(0).UInt16(0).UInt16(0).WithChecksum(), "*claims 0 bytes for the kind of layer 0*1 … 1024*" },
        { "zero-length config key", DenseWith(b => b.UInt16(1).UInt16(0)).WithChecksum(), "*claims 0 bytes for config entry 0 of layer 0*" },
        { "zero-length string value", DenseWith(b => b.UInt16(1).String("s").Byte(4).UInt16(0)).WithChecksum(), "*claims 0 bytes for config entry 's' of layer 0*" },
        { "zero-length tensor name", DenseWith(b => DenseConfig(b, 2, 3).UInt16(1).UInt16(0)).WithChecksum(), "*claims 0 bytes for the name of tensor 0 of layer 0*" },
        { "string longer than 1024 bytes", V2(1).UInt16(1025).WithChecksum(), "*claims 1025 bytes for the kind of layer 0*1 … 1024*" },
        { "duplicate config key", DenseWith(b => b.UInt16(2).String("inputs").Byte(1).Int32(2).String("inputs").Byte(1).Int32(2)).WithChecksum(), "*Layer 0 (Dense)*'inputs' twice*" },
        { "type tag 0", DenseWith(b => b.UInt16(1).String("inputs").Byte(0).Int32(2)).WithChecksum(), "*Layer 0 (Dense)*'inputs'*type tag 0*1 … 4*" },
        { "type tag 5", DenseWith(b => b.UInt16(1).String("inputs").Byte(5).Int32(2)).WithChecksum(), "*Layer 0 (Dense)*'inputs'*type tag 5*1 … 4*" },
        { "flag value 2", DenseWith(b => b.UInt16(1).String("bias_on").Byte(3).Byte(2)).WithChecksum(), "*Layer 0 (Dense)*'bias_on'*flag of value 2*0 or 1*" },
        { "too many config entries", DenseWith(b => b.UInt16(1025)).WithChecksum(), "*claims 1025 for the config entry count of layer 0*at most 1024*" },
        { "too many tensors", DenseWith(b => DenseConfig(b, 2, 3).UInt16(1025)).WithChecksum(), "*claims 1025 for the tensor count of layer 0*at most 1024*" },
        { "tensor with 0 rows", DenseWith(b => DenseTensors(DenseConfig(b, 2, 3), 0, 2, 3)).WithChecksum(), "*Layer 0 claims 0 rows of its weights*" },
        { "Dense weights 3 × 3 for inputs 2, outputs 3", DenseWith(b => DenseTensors(DenseConfig(b, 2, 3), 3, 3, 3)).Floats(new float[12]).WithChecksum(),
            "*Layer 0 (Dense(inputs=2, outputs=3)) holds tensors [weights 3 × 3, bias 3 × 1] but a Dense of that config has [weights 3 × 2, bias 3 × 1]*" },
        { "Dense weights transposed", DenseWith(b => DenseTensors(DenseConfig(b, 2, 3), 2, 3, 3)).Floats(DenseValues).WithChecksum(), "*holds tensors [weights 2 × 3, bias 3 × 1]*has [weights 3 × 2, bias 3 × 1]*" },
        { "Dense tensors misnamed", DenseWith(b => DenseConfig(b, 2, 3).UInt16(2).String("W").UInt32(3).UInt32(2).String("bias").UInt32(3).UInt32(1)).Floats(DenseValues).WithChecksum(),
            "*holds tensors [W 3 × 2, bias 3 × 1]*has [weights 3 × 2, bias 3 × 1]*" },
        { "Dense without its bias", DenseWith(b => DenseConfig(b, 2, 3).UInt16(1).String("weights").UInt32(3).UInt32(2)).Floats(1, 2, 3, 4, 5, 6).WithChecksum(), "*Layer 0 (Dense(inputs=2, outputs=3))*asks for Dense(2 → 3), 9 values*file holds 6*" },
        { "ReLU with a tensor", V2(1).String("ReLU").UInt16(0).UInt16(1).String("alpha").UInt32(1).UInt32(1).Floats(0.5f).WithChecksum(), "*Layer 0 (ReLU) holds tensors [alpha 1 × 1] but a ReLU of that config has []*" },
        { "widths that don't chain", V2(2).DenseRecord(2, 3).DenseRecord(4, 1).Floats(DenseValues).Floats(1, 2, 3, 4, 0.5f).WithChecksum(),
            "*layers do not make a network*Layer 1 (Dense(4 → 1)) expects 4 inputs*produce 3*" },
        { "Dense inputs = 0", DenseWith(b => DenseTensors(DenseConfig(b, 0, 3), 3, 2, 3)).Floats(DenseValues).WithChecksum(), "*Layer 0 (Dense(inputs=0, outputs=3)) cannot be built from its config*inputs*0*" },
        { "Dense outputs = -1", DenseWith(b => DenseTensors(DenseConfig(b, 2, -1), 3, 2, 3)).Floats(DenseValues).WithChecksum(), "*Layer 0*cannot be built from its config*outputs*-1*" },
        { "Dense without inputs", DenseWith(b => b.UInt16(1).String("outputs").Byte(1).Int32(3).UInt16(0)).WithChecksum(), "*Layer 0 (Dense(outputs=3))*no entry 'inputs'*" },
        { "Dense inputs as a float", DenseWith(b => b.UInt16(2).String("inputs").Byte(2).Floats(2f).String("outputs").Byte(1).Int32(3).UInt16(0)).WithChecksum(), "*Layer 0*'inputs' is a Single, not a Int32*" },
        { "checksum wrong", [.. ValidFile()[..^1], (byte)(ValidFile()[^1] ^ 1)], "*checksum does not match*" },
        { "NaN weight", V2(2).DenseRecord(2, 3).Plain("ReLU").Floats(1, 2, float.NaN, 4, 5, 6, 0.5f, -0.5f, 0.25f).WithChecksum(), "*Layer 0*weights value 2*NaN*" },
        { "values cut short", V2(2).DenseRecord(2, 3).Plain("ReLU").Floats(1, 2, 3).WithChecksum(), "*truncated*needs 68 bytes*" },
    };

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void An_invalid_version_2_file_is_an_InvalidDataException_that_says_what_is_wrong(string name, byte[] bytes, string message)
    {
        Action load = () => SampleModels.Load(bytes);

        load.Should().Throw<InvalidDataException>(name).WithMessage(message);
    }

    [Fact]
    public void A_factory_that_rejects_its_config_is_wrapped_with_the_layer_not_passed_on_as_an_ArgumentException()
    {
        byte[] file = DenseWith(b => DenseTensors(DenseConfig(b, 0, 3), 3, 2, 3)).Floats(DenseValues).WithChecksum();

        var error = FluentActions.Invoking(() => SampleModels.Load(file)).Should().Throw<InvalidDataException>().Which;

        error.InnerException.Should().BeAssignableTo<ArgumentException>();
    }

    // Byte offsets in ValidFile(): magic 0–7, version 8–11, layer count 12–15; layer 0: kind length 16–17, "Dense" 18–22,
    // entry count 23–24, key length 25–26, "inputs" 27–32, tag 33, value 34–37, key length 38–39, "outputs" 40–46, tag 47,
    // value 48–51, tensor count 52–53, name length 54–55, "weights" 56–62, rows 63–66, columns 67–70, name length 71–72,
    // "bias" 73–76, rows 77–80, columns 81–84; layer 1: kind length 85–86, "ReLU" 87–90, entry count 91–92,
    // tensor count 93–94; values 95–130 (9 floats); SHA-256 131–162.
    public static TheoryData<int, string> Truncations => new()
    {
        { 10, "the format version" },
        { 14, "the layer count" },
        { 17, "the length of the kind of layer 0" },
        { 20, "the kind of layer 0" },
        { 24, "the config entry count of layer 0" },
        { 26, "the length of config entry 0 of layer 0" },
        { 30, "config entry 0 of layer 0" },
        { 33, "the type of config entry 'inputs' of layer 0" },
        { 36, "config entry 'inputs' of layer 0" },
        { 44, "config entry 1 of layer 0" },
        { 50, "config entry 'outputs' of layer 0" },
        { 53, "the tensor count of layer 0" },
        { 55, "the length of the name of tensor 0 of layer 0" },
        { 60, "the name of tensor 0 of layer 0" },
        { 65, "the rows of its weights of layer 0" },
        { 69, "the columns of its weights of layer 0" },
        { 75, "the name of tensor 1 of layer 0" },
        { 79, "the rows of its bias of layer 0" },
        { 83, "the columns of its bias of layer 0" },
        { 86, "the length of the kind of layer 1" },
        { 89, "the kind of layer 1" },
        { 92, "the config entry count of layer 1" },
        { 94, "the tensor count of layer 1" },
    };

    [Theory]
    [MemberData(nameof(Truncations))]
    public void A_file_cut_inside_the_header_says_which_field_it_ends_in(int length, string field)
    {
        byte[] cut = ValidFile()[..length];

        FluentActions.Invoking(() => SampleModels.Load(cut)).Should().Throw<InvalidDataException>()
            .WithMessage($"The model is truncated: it ends at byte {length}, inside {field}.");
    }

    [Theory]
    [InlineData(95)]
    [InlineData(110)]
    [InlineData(130)]
    public void A_file_cut_inside_the_values_is_rejected_from_the_header_on_a_seekable_stream_and_at_its_end_otherwise(int length)
    {
        byte[] cut = ValidFile()[..length];

        FluentActions.Invoking(() => SampleModels.Load(cut)).Should().Throw<InvalidDataException>()
            .WithMessage($"*truncated*after its 95-byte header it needs 68 bytes*only {length - 95} remain*");
        FluentActions.Invoking(() => Mlp.Load(new NonSeekableStream(cut))).Should().Throw<InvalidDataException>()
            .WithMessage($"*truncated*ends at byte {length}, inside the * of layer 0*");
    }

    [Theory]
    [InlineData(131)]
    [InlineData(150)]
    [InlineData(162)]
    public void A_file_cut_inside_the_checksum_says_so(int length)
    {
        byte[] file = ValidFile();
        file.Length.Should().Be(163, "the offsets above");
        FluentActions.Invoking(() => Mlp.Load(new NonSeekableStream(file[..length]))).Should().Throw<InvalidDataException>()
            .WithMessage($"The model is truncated: it ends at byte {length}, inside the checksum.");
    }

    [Fact]
    public void A_config_that_claims_a_huge_Dense_is_rejected_without_allocating_it()
    {
        // The tensors say 3 × 2, so the file is short and passes every check of the header; the config claims 4096 × 4096
        // (64 MiB of weights). Memory must follow the bytes in the file, not the sizes it claims.
        byte[] file = DenseWith(b => DenseTensors(DenseConfig(b, 4096, 4096), 3, 2, 3)).Floats(DenseValues).WithChecksum();
        long before = GC.GetAllocatedBytesForCurrentThread();

        FluentActions.Invoking(() => SampleModels.Load(file)).Should().Throw<InvalidDataException>().WithMessage("*Layer 0*4096*");

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(4_000_000);
    }

    [Theory]
    [InlineData("LayerNorm", 2)]
    [InlineData("BatchNorm", 4)]
    public void A_norm_config_that_claims_more_features_than_the_file_holds_is_rejected_without_allocating_them(string kind, int tensors)
    {
        // Config: 2²⁴ features (a norm's four vectors would be 64 MiB each); tensors: one value each, as the file holds.
        var builder = V2(1).String(kind).UInt16(kind == "LayerNorm" ? (ushort)2 : (ushort)3)
            .String("features").Byte(1).Int32(1 << 24);
        if (kind == "BatchNorm") builder.String("momentum").Byte(2).Floats(0.1f);
        builder.String("epsilon").Byte(2).Floats(1e-5f).UInt16((ushort)tensors);
        foreach (string name in new[] { "weight", "bias", "running_mean", "running_var" }.Take(tensors))
            builder.String(name).UInt32(1).UInt32(1);
        byte[] file = builder.Floats(new float[tensors]).WithChecksum();
        long before = GC.GetAllocatedBytesForCurrentThread();

        FluentActions.Invoking(() => SampleModels.Load(file)).Should().Throw<InvalidDataException>()
            .WithMessage($"*Layer 0*asks for {kind}(16777216), {tensors * (1L << 24)} values, but the file holds {tensors}*");

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(4_000_000);
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;
    }
}
