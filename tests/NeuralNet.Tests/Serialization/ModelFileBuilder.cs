using System.Security.Cryptography;

namespace NeuralNet.Tests.Serialization;

/// <summary>
/// Writes model files straight from docs/model-format.md, independently of the library's writer: the tests that use
/// it pin the format itself, so that a file written today stays readable by every later version.
/// </summary>
internal sealed class ModelFileBuilder
{
    private readonly MemoryStream _bytes = new();
    private readonly BinaryWriter _writer;

    internal ModelFileBuilder(uint version = 1)
    {
        _writer = new BinaryWriter(_bytes); // BinaryWriter is little-endian on every platform.
        _writer.Write([0x89, (byte)'N', (byte)'N', (byte)'M', (byte)'L', (byte)'P', (byte)'\r', (byte)'\n']);
        _writer.Write(version);
    }

    internal ModelFileBuilder UInt32(uint value) { _writer.Write(value); return this; }

    internal ModelFileBuilder Byte(byte value) { _writer.Write(value); return this; }

    internal ModelFileBuilder Floats(params float[] values) { foreach (float v in values) _writer.Write(v); return this; }

    /// <summary>The bytes so far, followed by their SHA-256.</summary>
    internal byte[] WithChecksum()
    {
        _writer.Flush();
        byte[] body = _bytes.ToArray();
        return [.. body, .. SHA256.HashData(body)];
    }

    /// <summary>The bytes so far, without a checksum (a file cut short).</summary>
    internal byte[] WithoutChecksum()
    {
        _writer.Flush();
        return _bytes.ToArray();
    }
}
