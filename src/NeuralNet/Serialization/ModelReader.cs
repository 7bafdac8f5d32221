using System.Buffers.Binary;
using System.Security.Cryptography;
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
        float[][] values = reader.ReadParameters(records);
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
        Span<byte> kind = stackalloc byte[1];
        for (int k = 0; k < records.Length; k++)
        {
            Fill(kind, $"the kind of layer {k}");
            if (!Enum.IsDefined((LayerKind)kind[0]))
                throw Invalid($"Layer {k} has kind code {kind[0]}, which this library does not know (it knows 1 … {Enum.GetValues<LayerKind>().Length}).");
            if ((LayerKind)kind[0] != LayerKind.Dense)
            {
                records[k] = new LayerRecord((LayerKind)kind[0]);
                continue;
            }
            int inputs = ReadWidth(k, "inputs"), outputs = ReadWidth(k, "outputs");
            var record = new LayerRecord(LayerKind.Dense, inputs, outputs);
            if (record.WeightCount > ModelFormat.MaxParameterCount)
                throw Invalid($"Layer {k} claims {record} = {record.WeightCount} weights, more than one matrix can hold ({ModelFormat.MaxParameterCount}). The file is corrupted.");
            if (width is { } w && inputs != w)
                throw Invalid($"Layer {k} ({record}) expects {inputs} inputs but the layers before it produce {w}. The file is corrupted.");
            width = outputs;
            records[k] = record;
        }
        return records;
    }

    /// <summary>On a seekable stream, rejects a short file at once instead of reading up to its end.</summary>
    private void RequireRemaining(LayerRecord[] records)
    {
        if (!_source.CanSeek) return;
        long needed = ModelFormat.ChecksumLength;
        foreach (LayerRecord record in records) needed += (record.WeightCount + record.Outputs) * ModelFormat.BytesPerValue;
        long remaining = _source.Length - _source.Position;
        if (remaining < needed)
            throw Invalid($"The model is truncated: after its {_offset}-byte header it needs {needed} bytes of parameters and checksum, but only {remaining} remain.");
    }

    private float[][] ReadParameters(LayerRecord[] records)
    {
        var values = new List<float[]>();
        for (int k = 0; k < records.Length; k++)
        {
            if (records[k].Kind != LayerKind.Dense) continue;
            values.Add(ReadFloats(records[k].WeightCount, $"the weights of layer {k}"));
            values.Add(ReadFloats(records[k].Outputs, $"the bias of layer {k}"));
        }
        return [.. values];
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

    private static void RequireFinite(LayerRecord[] records, float[][] values)
    {
        int p = 0;
        for (int k = 0; k < records.Length; k++)
        {
            if (records[k].Kind != LayerKind.Dense) continue;
            foreach (string name in (ReadOnlySpan<string>)["weights", "bias"])
            {
                int bad = Shapes.IndexOfNonFinite(values[p]);
                if (bad >= 0) throw Invalid($"Layer {k} ({records[k]}) has {name} value {bad} equal to {values[p][bad]}; a model's parameters must be finite.");
                p++;
            }
        }
    }

    private static Mlp Build(LayerRecord[] records, float[][] values)
    {
        var layers = new ILayer[records.Length];
        int p = 0;
        for (int k = 0; k < records.Length; k++)
        {
            LayerRecord record = records[k];
            if (record.Kind != LayerKind.Dense)
            {
                layers[k] = record.CreateActivation();
                continue;
            }
            var dense = new Dense(record.Inputs, record.Outputs);
            // The row-major W is the column-major storage of Wᵀ (inputs × outputs).
            Matrix<float> transposed = Matrix<float>.Build.Dense(record.Inputs, record.Outputs, values[p++]);
            dense.Restore(transposed.Transpose(), Matrix<float>.Build.Dense(record.Outputs, 1, values[p++]));
            layers[k] = dense;
        }
        return new Mlp(layers);
    }

    private int ReadWidth(int layer, string what)
    {
        uint value = ReadUInt32($"the {what} of layer {layer}");
        if (value is 0 or > int.MaxValue)
            throw Invalid($"Layer {layer} (Dense) claims {value} {what}; a Dense layer has 1 … {int.MaxValue}. The file is corrupted.");
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

    private static InvalidDataException Invalid(string message) => new(message);

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
