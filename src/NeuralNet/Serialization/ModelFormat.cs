using System.Security.Cryptography;

namespace NeuralNet.Serialization;

/// <summary>
/// The constants of the model file format. <c>docs/model-format.md</c> describes it byte by byte: magic, version,
/// layer records (kind, config, tensor shapes), float32 little-endian tensors, SHA-256 of everything before it.
/// </summary>
internal static class ModelFormat
{
    /// <summary>"\x89NNMLP\r\n": a non-ASCII first byte and a CR LF pair, as in PNG, so text-mode transfers show up.</summary>
    internal static ReadOnlySpan<byte> Magic => [0x89, (byte)'N', (byte)'N', (byte)'M', (byte)'L', (byte)'P', (byte)'\r', (byte)'\n'];

    /// <summary>The version this library writes; it reads every version from 1 up to this one.</summary>
    internal const uint Version = 2;

    /// <summary>More layers than this is taken as a corrupt header, not a model.</summary>
    internal const int MaxLayers = 1 << 16;

    /// <summary>Longest kind, key, tensor name or string value, in UTF-8 bytes.</summary>
    internal const int MaxStringBytes = 1024;

    /// <summary>Most config entries, and most tensors, of one layer.</summary>
    internal const int MaxEntries = 1024;

    /// <summary>The checksum that ends the file: SHA-256 of every byte before it.</summary>
    internal static readonly HashAlgorithmName Checksum = HashAlgorithmName.SHA256;

    /// <summary>The length of <see cref="Checksum"/> in bytes.</summary>
    internal const int ChecksumLength = 32;

    /// <summary>The largest tensor a .NET array holds: larger shapes are rejected, never allocated.</summary>
    internal static long MaxParameterCount => Array.MaxLength;

    /// <summary>Bytes of one tensor value: float32.</summary>
    internal const int BytesPerValue = sizeof(float);

    /// <summary>Version 1's layer codes (the index) and the kinds they are now; code 1 was followed by a Dense's widths.</summary>
    internal static readonly string[] Version1Kinds = ["", "Dense", "ReLU", "Sigmoid", "Tanh", "Softplus", "HardTanh", "Softmax", "Identity"];

    /// <summary>The type tag of a config value in version 2.</summary>
    internal enum ValueType : byte
    {
        Int32 = 1,
        Single = 2,
        Boolean = 3,
        String = 4,
    }
}
