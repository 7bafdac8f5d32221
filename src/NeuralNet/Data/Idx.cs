using System.Buffers.Binary;
using System.IO.Compression;

namespace NeuralNet.Data;

/// <summary>
/// An array read from an IDX file (the MNIST format): a shape and its unsigned bytes in row-major order.
/// </summary>
/// <param name="Shape">The dimensions, outermost first (for MNIST images: count, rows, columns).</param>
/// <param name="Data">The values, row-major.</param>
public sealed record IdxArray(int[] Shape, byte[] Data);

/// <summary>
/// Reads IDX files: magic 0x00 0x00, a type byte (0x08 = unsigned byte, the only type MNIST uses), a dimension
/// count, then each dimension as a big-endian 32-bit integer, then the data. Plain or gzip'd (detected by content).
/// </summary>
public static class Idx
{
    /// <summary>Reads an IDX file, plain or gzip'd.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The header is wrong, the type is not unsigned byte, or the data is truncated.</exception>
    public static IdxArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The IDX file '{path}' does not exist.", path);
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>Reads an IDX array from a stream, plain or gzip'd.</summary>
    /// <param name="stream">The stream, positioned at the start of the file.</param>
    /// <param name="source">A name for error messages.</param>
    /// <exception cref="InvalidDataException">The header is wrong, the type is not unsigned byte, or the data is truncated.</exception>
    public static IdxArray Read(Stream stream, string source = "IDX stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffered = new BufferedStream(stream);
        Span<byte> magic = stackalloc byte[4];
        ReadExactly(buffered, magic, source, "the header");
        if (magic[0] == 0x1f && magic[1] == 0x8b)
        {
            // gzip: start again from the beginning through a decompressor.
            var rest = new MemoryStream();
            rest.Write(magic);
            buffered.CopyTo(rest);
            rest.Position = 0;
            using var gzip = new GZipStream(rest, CompressionMode.Decompress);
            return Read(gzip, source);
        }
        if (magic[0] != 0 || magic[1] != 0)
            throw new InvalidDataException($"{source} is not an IDX file: it starts with 0x{magic[0]:x2} 0x{magic[1]:x2}, not 0x00 0x00.");
        if (magic[2] != 0x08)
            throw new InvalidDataException($"{source} holds IDX type 0x{magic[2]:x2}; only unsigned bytes (0x08) are supported.");
        int rank = magic[3];
        if (rank == 0) throw new InvalidDataException($"{source} declares 0 dimensions.");

        var shape = new int[rank];
        Span<byte> dimension = stackalloc byte[4];
        long length = 1;
        for (int d = 0; d < rank; d++)
        {
            ReadExactly(buffered, dimension, source, $"dimension {d}");
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(dimension);
            if (shape[d] < 0) throw new InvalidDataException($"{source}: dimension {d} is {shape[d]}.");
            length *= shape[d];
        }
        if (length > Array.MaxLength) throw new InvalidDataException($"{source} declares {length} values, too many for one array.");
        var data = new byte[length];
        ReadExactly(buffered, data, source, $"the {length} data bytes");
        return new IdxArray(shape, data);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string source, string what)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
            throw new InvalidDataException($"{source} is truncated: it ends after {read} of the {buffer.Length} bytes of {what}.");
    }
}
