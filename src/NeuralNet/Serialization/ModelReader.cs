using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Serialization;

/// <summary>
/// Reads a model written by <see cref="ModelWriter"/>, validating everything before it builds anything: magic,
/// version, layer records and shapes, the length of the data, the checksum, and finite parameters. Every
/// problem with the bytes is an <see cref="InvalidDataException"/> that says what is wrong and where.
/// </summary>
/// <remarks>
/// Memory grows with the bytes actually read, never with the sizes a header claims: a truncated file that claims
/// 2³¹ weights fails at its end without allocating them. Exceptions thrown by the stream itself (an
/// <see cref="IOException"/> from the disk, say) pass through unchanged.
/// </remarks>
internal sealed class ModelReader : IDisposable
{
    private const int InitialFloats = 1 << 16;
    private readonly Stream _source;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(ModelFormat.Checksum);
    private readonly byte[] _chunk = new byte[64 * 1024];
    private long _offset;

    private ModelReader(Stream source) => _source = source;

    /// <summary>Reads one model from the current position, leaving the stream just after its checksum.</summary>
    /// <param name="source">A readable stream.</param>
    /// <param name="requireEnd">Also reject bytes after the checksum (for a file that holds one model).</param>
    internal static Mlp Read(Stream source, bool requireEnd)
    {
        using var reader = new ModelReader(source);
        LayerRecord[] records = reader.ReadHeader();
        reader.RequireRemaining(records);
        float[][][] values = reader.ReadTensors(records);
        reader.ReadChecksum();
        if (requireEnd && source.ReadByte() >= 0)
            throw Invalid($"There are unexpected bytes after the model's checksum at byte {reader._offset}; the file holds more than one model.");
        RequireFinite(records, values);
        return Build(records, values);
    }

    /// <inheritdoc/>
    public void Dispose() => _hash.Dispose();

    private LayerRecord[] ReadHeader()
    {
        Span<byte> magic = stackalloc byte[ModelFormat.Magic.Length];
        int got = _source.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (got == 0) throw Invalid("The model is empty (0 bytes); a NeuralNet model starts with the magic bytes " + Hex(ModelFormat.Magic) + ".");
        if (!magic[..got].SequenceEqual(ModelFormat.Magic[..got]))
            throw Invalid($"This is not a NeuralNet model: it starts with {Hex(magic[..got])}, not the magic bytes {Hex(ModelFormat.Magic)}.");
        if (got < magic.Length) throw Truncated(got, "the magic bytes");
        Append(magic);

        uint version = ReadUInt32("the format version");
        if (version == 0) throw Invalid("The format version is 0, which does not exist; the file is corrupted.");
        if (version > ModelFormat.Version)
            throw Invalid($"The model is in format version {version}, newer than this library reads (1 … {ModelFormat.Version}); load it with a newer NeuralNet.");

        uint count = ReadUInt32("the layer count");
        if (count is 0 or > ModelFormat.MaxLayers)
            throw Invalid($"The header claims {count} layers; a model has 1 … {ModelFormat.MaxLayers}. The file is corrupted.");

        var records = new LayerRecord[count];
        int? width = null;
        for (int k = 0; k < records.Length; k++)
        {
            records[k] = version == 1 ? ReadVersion1Layer(k, ref width) : ReadLayer(k);
            foreach (TensorRecord tensor in records[k].Tensors)
                if (tensor.Count > ModelFormat.MaxParameterCount)
                    throw Invalid($"Layer {k} ({records[k]}) claims {tensor.Count} {tensor.Name} values ({tensor.Rows} × {tensor.Columns}), more than one matrix can hold ({ModelFormat.MaxParameterCount}). The file is corrupted.");
        }
        return records;
    }

    /// <summary>Version 1: a kind code, and for Dense its widths, which must chain; the tensors are implied.</summary>
    private LayerRecord ReadVersion1Layer(int k, ref int? width)
    {
        Span<byte> code = stackalloc byte[1];
        Fill(code, $"the kind of layer {k}");
        string[] kinds = ModelFormat.Version1Kinds;
        if (code[0] is 0 || code[0] >= kinds.Length)
            throw Invalid($"Layer {k} has kind code {code[0]}, which format version 1 does not have (it has 1 … {kinds.Length - 1}).");
        if (code[0] != 1) return new LayerRecord(kinds[code[0]], new LayerConfig(), []);
        int inputs = ReadWidth(k, "inputs"), outputs = ReadWidth(k, "outputs");
        if (width is { } w && inputs != w)
            throw Invalid($"Layer {k} (Dense({inputs} → {outputs})) expects {inputs} inputs but the layers before it produce {w}. The file is corrupted.");
        width = outputs;
        return new LayerRecord(kinds[1], new LayerConfig { { "inputs", inputs }, { "outputs", outputs } },
            [new TensorRecord("weights", outputs, inputs), new TensorRecord("bias", outputs, 1)]);
    }

    /// <summary>Version 2: the kind's name, its config entries, and the names and shapes of its tensors.</summary>
    private LayerRecord ReadLayer(int k)
    {
        string kind = ReadString($"the kind of layer {k}");
        var config = new LayerConfig();
        Span<byte> tag = stackalloc byte[1];
        int entries = ReadCount($"the config entry count of layer {k}");
        for (int e = 0; e < entries; e++)
        {
            string key = ReadString($"config entry {e} of layer {k}");
            Fill(tag, $"the type of config entry '{key}' of layer {k}");
            string what = $"config entry '{key}' of layer {k}";
            if (config.Contains(key)) throw Invalid($"Layer {k} ({kind}) has config entry '{key}' twice. The file is corrupted.");
            switch ((ModelFormat.ValueType)tag[0])
            {
                case ModelFormat.ValueType.Int32: config.Add(key, (int)ReadUInt32(what)); break;
                case ModelFormat.ValueType.Single: config.Add(key, BitConverter.UInt32BitsToSingle(ReadUInt32(what))); break;
                case ModelFormat.ValueType.Boolean:
                    Fill(tag, what);
                    if (tag[0] > 1) throw Invalid($"Layer {k} ({kind}): {what} is a flag of value {tag[0]}; flags are 0 or 1. The file is corrupted.");
                    config.Add(key, tag[0] == 1);
                    break;
                case ModelFormat.ValueType.String: config.Add(key, ReadString(what)); break;
                default: throw Invalid($"Layer {k} ({kind}): {what} has type tag {tag[0]}, which the format does not have (1 … 4). The file is corrupted.");
            }
        }
        int count = ReadCount($"the tensor count of layer {k}");
        var tensors = new TensorRecord[count];
        for (int t = 0; t < count; t++)
        {
            string name = ReadString($"the name of tensor {t} of layer {k}");
            int rows = ReadWidth(k, $"rows of its {name}"), columns = ReadWidth(k, $"columns of its {name}");
            tensors[t] = new TensorRecord(name, rows, columns);
        }
        return new LayerRecord(kind, config, tensors);
    }

    /// <summary>On a seekable stream, rejects a short file at once instead of reading up to its end.</summary>
    private void RequireRemaining(LayerRecord[] records)
    {
        if (!_source.CanSeek) return;
        long needed = ModelFormat.ChecksumLength;
        foreach (LayerRecord record in records)
            foreach (TensorRecord tensor in record.Tensors) needed += tensor.Count * ModelFormat.BytesPerValue;
        long remaining = _source.Length - _source.Position;
        if (remaining < needed)
            throw Invalid($"The model is truncated: after its {_offset}-byte header it needs {needed} bytes of tensors and checksum, but only {remaining} remain.");
    }

    private float[][][] ReadTensors(LayerRecord[] records)
    {
        var values = new float[records.Length][][];
        for (int k = 0; k < records.Length; k++)
        {
            TensorRecord[] tensors = records[k].Tensors;
            values[k] = new float[tensors.Length][];
            for (int t = 0; t < tensors.Length; t++)
                values[k][t] = ReadFloats(tensors[t].Count, $"the {tensors[t].Name} of layer {k}");
        }
        return values;
    }

    private void ReadChecksum()
    {
        byte[] expected = _hash.GetHashAndReset();
        Span<byte> stored = stackalloc byte[ModelFormat.ChecksumLength];
        int got = _source.ReadAtLeast(stored, stored.Length, throwOnEndOfStream: false);
        if (got < stored.Length) throw Truncated(got, "the checksum");
        if (!stored.SequenceEqual(expected))
            throw Invalid($"The checksum does not match: the model is corrupted (stored SHA-256 {Hex(stored[..8])}…, computed {Hex(expected.AsSpan(0, 8))}…).");
        _offset += got;
    }

    private static void RequireFinite(LayerRecord[] records, float[][][] values)
    {
        for (int k = 0; k < records.Length; k++)
            for (int t = 0; t < values[k].Length; t++)
            {
                int bad = Shapes.IndexOfNonFinite(values[k][t]);
                if (bad >= 0)
                    throw Invalid($"Layer {k} ({records[k]}) has {records[k].Tensors[t].Name} value {bad} equal to {values[k][t][bad]}; a model's tensors must be finite.");
            }
    }

    /// <summary>Rebuilds every layer through the registry, checks its state against the file's and copies the values in.</summary>
    private static Mlp Build(LayerRecord[] records, float[][][] values)
    {
        var layers = new ILayer[records.Length];
        for (int k = 0; k < records.Length; k++)
        {
            LayerRecord record = records[k];
            ISerializableLayer layer;
            record.Config.StoredValueCount = record.Tensors.Sum(t => t.Count);
            try
            {
                layer = LayerRegistry.Create(record.Kind, record.Config) ?? throw Invalid(
                    $"Layer {k} is of kind '{record.Kind}', which is not registered. Register the class that implements it with " +
                    $"LayerRegistry.Register<T>() before loading. Registered kinds: {string.Join(", ", LayerRegistry.KindNames)}.");
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                throw Invalid($"Layer {k} ({record}) cannot be built from its config: {e.Message}", e);
            }
            catch (InvalidDataException e) when (!e.Message.StartsWith($"Layer {k} ", StringComparison.Ordinal))
            {
                throw Invalid($"Layer {k} ({record}): {e.Message}", e);
            }

            IReadOnlyList<NamedTensor> state = layer.State;
            string Describe(IEnumerable<(string Name, int Rows, int Columns)> tensors) =>
                string.Join(", ", tensors.Select(t => $"{t.Name} {t.Rows} × {t.Columns}"));
            bool matches = state.Count == record.Tensors.Length;
            for (int t = 0; matches && t < state.Count; t++)
                matches = state[t].Name == record.Tensors[t].Name
                    && state[t].Value.RowCount == record.Tensors[t].Rows && state[t].Value.ColumnCount == record.Tensors[t].Columns;
            if (!matches)
                throw Invalid(
                    $"Layer {k} ({record}) holds tensors [{Describe(record.Tensors.Select(t => (t.Name, t.Rows, t.Columns)))}] but a {record.Kind} of that " +
                    $"config has [{Describe(state.Select(t => (t.Name, t.Value.RowCount, t.Value.ColumnCount)))}]. The file is corrupted.");
            for (int t = 0; t < state.Count; t++)
            {
                // The file is row-major: the column-major storage of the transpose.
                Matrix<float> target = state[t].Value;
                Matrix<float> saved = Matrix<float>.Build.Dense(target.ColumnCount, target.RowCount, values[k][t]);
                saved.Transpose().CopyTo(target);
            }
            layer.OnStateLoaded();
            layers[k] = layer;
        }
        try
        {
            return new Mlp(layers);
        }
        catch (ArgumentException e)
        {
            throw Invalid($"The layers do not make a network: {e.Message} The file is corrupted.", e);
        }
    }

    private int ReadCount(string what)
    {
        int value = ReadUInt16(what);
        if (value > ModelFormat.MaxEntries)
            throw Invalid($"The file claims {value} for {what}; at most {ModelFormat.MaxEntries} are allowed. The file is corrupted.");
        return value;
    }

    private string ReadString(string what)
    {
        int length = ReadUInt16($"the length of {what}");
        if (length is 0 or > ModelFormat.MaxStringBytes)
            throw Invalid($"The file claims {length} bytes for {what}; a name or string has 1 … {ModelFormat.MaxStringBytes}. The file is corrupted.");
        Span<byte> bytes = _chunk.AsSpan(0, length);
        Fill(bytes, what);
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid($"{char.ToUpperInvariant(what[0])}{what[1..]} is not valid UTF-8. The file is corrupted.");
        }
    }

    private ushort ReadUInt16(string what)
    {
        Span<byte> bytes = stackalloc byte[2];
        Fill(bytes, what);
        return BinaryPrimitives.ReadUInt16LittleEndian(bytes);
    }

    private int ReadWidth(int layer, string what)
    {
        uint value = ReadUInt32($"the {what} of layer {layer}");
        if (value is 0 or > int.MaxValue)
            throw Invalid($"Layer {layer} claims {value} {what}; a width is 1 … {int.MaxValue}. The file is corrupted.");
        return (int)value;
    }

    private uint ReadUInt32(string what)
    {
        Span<byte> bytes = stackalloc byte[4];
        Fill(bytes, what);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    /// <summary>Reads <paramref name="count"/> float32 values, growing the array only as bytes actually arrive.</summary>
    private float[] ReadFloats(long count, string what)
    {
        var values = new float[Math.Min(count, InitialFloats)];
        int perChunk = _chunk.Length / ModelFormat.BytesPerValue;
        for (long start = 0; start < count; start += perChunk)
        {
            int n = (int)Math.Min(perChunk, count - start);
            Span<byte> bytes = _chunk.AsSpan(0, n * ModelFormat.BytesPerValue);
            Fill(bytes, what);
            if (start + n > values.Length) Array.Resize(ref values, (int)Math.Min(count, Math.Max(2L * values.Length, start + n)));
            for (int k = 0; k < n; k++)
                values[start + k] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(k * ModelFormat.BytesPerValue)..]);
        }
        return values;
    }

    private void Fill(Span<byte> bytes, string what)
    {
        int got = _source.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (got < bytes.Length) throw Truncated(got, what);
        Append(bytes);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        _hash.AppendData(bytes);
        _offset += bytes.Length;
    }

    private InvalidDataException Truncated(int got, string what) =>
        Invalid($"The model is truncated: it ends at byte {_offset + got}, inside {what}.");

    private static InvalidDataException Invalid(string message, Exception? inner = null) => new(message, inner);

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
