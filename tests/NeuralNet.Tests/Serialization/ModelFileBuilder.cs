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

    internal ModelFileBuilder UInt16(ushort value) { _writer.Write(value); return this; }

    internal ModelFileBuilder Int32(int value) { _writer.Write(value); return this; }

    /// <summary>A version-2 string: its UTF-8 length as uint16, then the bytes.</summary>
    internal ModelFileBuilder String(string value)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(value);
        _writer.Write((ushort)bytes.Length);
        _writer.Write(bytes);
        return this;
    }

    /// <summary>A version-2 layer record without config or tensors.</summary>
    internal ModelFileBuilder Plain(string kind) => String(kind).UInt16(0).UInt16(0);

    /// <summary>A version-2 Dense record: config inputs and outputs, tensors weights (outputs × inputs) and bias (outputs × 1).</summary>
    internal ModelFileBuilder DenseRecord(int inputs, int outputs) => String("Dense")
        .UInt16(2).String("inputs").Byte(1).Int32(inputs).String("outputs").Byte(1).Int32(outputs)
        .UInt16(2).String("weights").UInt32((uint)outputs).UInt32((uint)inputs).String("bias").UInt32((uint)outputs).UInt32(1);

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
