using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace NeuralNet.Serialization;

/// <summary>
/// The checkpoint file: magic, version, one <see cref="StateDict"/> tree, SHA-256 of everything before it.
/// <c>docs/checkpoint-format.md</c> describes it byte by byte.
/// </summary>
/// <remarks>
/// Reading takes the whole file into memory (a checkpoint is a few times its model, and the file's real size bounds
/// every allocation, whatever its header claims), checks magic, version and checksum before it parses anything, and
/// then parses with every length checked against the bytes left. Every problem with the bytes is an
/// <see cref="InvalidDataException"/>; errors of the file system pass through unchanged.
/// </remarks>
internal static class CheckpointFile
{
    /// <summary>"\x89NNCKP\r\n": the model file's pattern (<see cref="ModelFormat.Magic"/>) with another name.</summary>
    internal static ReadOnlySpan<byte> Magic => [0x89, (byte)'N', (byte)'N', (byte)'C', (byte)'K', (byte)'P', (byte)'\r', (byte)'\n'];

    /// <summary>The version this library writes and the only one it reads so far.</summary>
    internal const uint Version = 1;

    /// <summary>Nesting deeper than this is taken as corruption (and keeps the recursive parser's stack small).</summary>
    internal const int MaxDepth = 8;

    private const int HeaderLength = 12;

    /// <summary>The type tag of a value.</summary>
    internal enum Tag : byte
    {
        Int64 = 1,
        Float64 = 2,
        String = 3,
        Float32Array = 4,
        Bytes = 5,
        Dict = 6,
    }

    /// <summary>Writes <paramref name="root"/> as a whole checkpoint file to <paramref name="destination"/>.</summary>
    internal static void Write(Stream destination, StateDict root)
    {
        var body = new MemoryStream();
        // BinaryWriter is little-endian on every platform, as the format is.
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            WriteDict(writer, root);
        }
        ReadOnlySpan<byte> bytes = body.GetBuffer().AsSpan(0, (int)body.Length);
        destination.Write(bytes);
        destination.Write(SHA256.HashData(bytes));
    }

    /// <summary>Reads a checkpoint file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint; the message says why.</exception>
    internal static StateDict Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && new FileInfo(path).Length > Array.MaxLength)
        {
            throw new InvalidDataException($"The checkpoint '{path}' is larger than 2 GiB, more than a checkpoint of this library holds.", e);
        }
        return Read(bytes);
    }

    /// <summary>Reads a checkpoint from its bytes.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid checkpoint; the message says why.</exception>
    internal static StateDict Read(ReadOnlySpan<byte> file)
    {
        if (file.Length == 0) throw Invalid("The checkpoint is empty (0 bytes).");
        int prefix = Math.Min(file.Length, Magic.Length);
        if (!file[..prefix].SequenceEqual(Magic[..prefix]))
            throw Invalid($"This is not a NeuralNet checkpoint: it starts with {Convert.ToHexString(file[..prefix])}, not the magic bytes {Convert.ToHexString(Magic)}.");
        if (file.Length < HeaderLength + ModelFormat.ChecksumLength)
            throw Invalid($"The checkpoint is truncated: it is {file.Length} bytes long, shorter than the {HeaderLength + ModelFormat.ChecksumLength} of an empty one.");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(file[Magic.Length..]);
        if (version != Version)
            throw Invalid(version > Version
                ? $"The checkpoint is in format version {version}, newer than this library reads ({Version}); resume with a newer NeuralNet."
                : $"The checkpoint's format version is {version}, which does not exist; the file is corrupted.");
        ReadOnlySpan<byte> body = file[..^ModelFormat.ChecksumLength];
        Span<byte> computed = stackalloc byte[ModelFormat.ChecksumLength];
        SHA256.HashData(body, computed);
        if (!computed.SequenceEqual(file[^ModelFormat.ChecksumLength..]))
            throw Invalid("The checkpoint's checksum does not match: the file is truncated, corrupted or has bytes appended " +
                          $"(stored SHA-256 {Convert.ToHexString(file[^ModelFormat.ChecksumLength..][..8])}…, computed {Convert.ToHexString(computed[..8])}…).");
        var parser = new Parser(body, HeaderLength);
        StateDict root = parser.ReadDict("checkpoint", depth: 1);
        if (parser.Offset != body.Length)
            throw Invalid($"The checkpoint has {body.Length - parser.Offset} unexpected bytes after its contents, at byte {parser.Offset}.");
        return root;
    }

    private static void WriteDict(BinaryWriter writer, StateDict dict)
    {
        writer.Write((uint)dict.Entries.Count);
        foreach ((string key, object value) in dict.Entries)
        {
            WriteString(writer, key);
            switch (value)
            {
                case long l: writer.Write((byte)Tag.Int64); writer.Write(l); break;
                case double d: writer.Write((byte)Tag.Float64); writer.Write(d); break;
                case string s: writer.Write((byte)Tag.String); WriteString(writer, s); break;
                case float[] floats:
                    writer.Write((byte)Tag.Float32Array);
                    writer.Write((uint)floats.Length);
                    foreach (float f in floats) writer.Write(f);
                    break;
                case byte[] b: writer.Write((byte)Tag.Bytes); writer.Write((uint)b.Length); writer.Write(b); break;
                case StateDict child: writer.Write((byte)Tag.Dict); WriteDict(writer, child); break;
                default: throw new InvalidOperationException($"{dict.Path}/{key} is a {value.GetType().Name}, which a checkpoint cannot hold.");
            }
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length is 0 or > ModelFormat.MaxStringBytes)
            throw new InvalidOperationException($"A checkpoint string has 1 … {ModelFormat.MaxStringBytes} UTF-8 bytes, but '{value}' has {bytes.Length}.");
        writer.Write((ushort)bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>Reads values from the checksummed body, every length checked against what is left.</summary>
    private ref struct Parser(ReadOnlySpan<byte> body, int offset)
    {
        private readonly ReadOnlySpan<byte> _body = body;

        internal int Offset { get; private set; } = offset;

        internal StateDict ReadDict(string path, int depth)
        {
            if (depth > MaxDepth) throw Invalid($"{path} is nested deeper than {MaxDepth} levels; the file is corrupted.");
            var dict = new StateDict(path);
            uint count = ReadUInt32($"the entry count of {path}");
            // An entry takes at least 7 bytes (a key of one byte, its tag, the shortest value): a count the bytes left cannot
            // hold is corruption, found before anything is allocated for it.
            if (count > (_body.Length - Offset) / 7)
                throw Invalid($"{path} claims {count} entries at byte {Offset - 4}, more than the {_body.Length - Offset} bytes left can hold.");
            for (uint e = 0; e < count; e++)
            {
                string key = ReadString($"the key of entry {e} of {path}");
                string where = $"{path}/{key}";
                byte tag = Take(1, $"the type of {where}")[0];
                object value = (Tag)tag switch
                {
                    Tag.Int64 => BinaryPrimitives.ReadInt64LittleEndian(Take(8, where)),
                    Tag.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, where)),
                    Tag.String => ReadString(where),
                    Tag.Float32Array => ReadFloats(where),
                    Tag.Bytes => Take(ReadLength(where, 1), where).ToArray(),
                    Tag.Dict => ReadDict(where, depth + 1),
                    _ => throw Invalid($"{where} has type tag {tag}, which the format does not have (1 … 6); the file is corrupted."),
                };
                dict.AddRead(key, value);
            }
            return dict;
        }

        private float[] ReadFloats(string where)
        {
            ReadOnlySpan<byte> bytes = Take(checked(ReadLength(where, sizeof(float)) * sizeof(float)), where);
            var values = new float[bytes.Length / sizeof(float)];
            for (int k = 0; k < values.Length; k++) values[k] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(k * sizeof(float))..]);
            return values;
        }

        /// <summary>A uint32 count of items of <paramref name="itemSize"/> bytes, which must fit in the bytes left.</summary>
        private int ReadLength(string where, int itemSize)
        {
            uint length = ReadUInt32($"the length of {where}");
            if (length > (_body.Length - Offset) / itemSize)
                throw Invalid($"{where} claims {length} values at byte {Offset - 4}, more than the {_body.Length - Offset} bytes left hold; the file is corrupted.");
            return (int)length;
        }

        private string ReadString(string what)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(Take(2, $"the length of {what}"));
            if (length is 0 or > ModelFormat.MaxStringBytes)
                throw Invalid($"The checkpoint claims {length} bytes for {what}; a name or string has 1 … {ModelFormat.MaxStringBytes}. The file is corrupted.");
            ReadOnlySpan<byte> bytes = Take(length, what);
            try
            {
                return Strict.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw Invalid($"{what} is not valid UTF-8; the file is corrupted.");
            }
        }

        private uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

        private ReadOnlySpan<byte> Take(int count, string what)
        {
            if (count > _body.Length - Offset)
                throw Invalid($"The checkpoint ends at byte {_body.Length}, inside {what} (at byte {Offset}, {count} bytes needed).");
            ReadOnlySpan<byte> bytes = _body.Slice(Offset, count);
            Offset += count;
            return bytes;
        }
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static InvalidDataException Invalid(string message) => new(message);
}
