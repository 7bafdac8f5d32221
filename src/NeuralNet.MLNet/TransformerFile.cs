using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NeuralNet.Layers;
using NeuralNet.Serialization;

namespace NeuralNet.MLNet;

/// <summary>
/// The file of an <see cref="MlpTransformer"/>: magic "NNMLNET", a format version byte, the payload's length (Int64), the
/// payload, and its SHA-256. The payload (little-endian, strings length-prefixed UTF-8 as <see cref="BinaryWriter"/>
/// writes them) holds the task (byte), the feature column's name and size, the class count, whether class names follow
/// and then them (<see cref="MLNet.ClassNames.Write"/>), and last the network in NeuralNet's own model format.
/// </summary>
internal static class TransformerFile
{
    private static ReadOnlySpan<byte> Magic => "NNMLNET"u8;
    private const byte Version = 1;
    private const int HashBytes = 32;

    public static void Write(MlpTransformer transformer, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(stream));
        WriteFrame(stream, Payload(transformer));
    }

    public static void Write(MlpTransformer transformer, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] payload = Payload(transformer); // Before the file is touched: a model that cannot be saved leaves it as it was.
        AtomicFile.Write(path, stream => WriteFrame(stream, payload));
    }

    private static void WriteFrame(Stream stream, byte[] payload)
    {
        stream.Write(Magic);
        stream.WriteByte(Version);
        Span<byte> length = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(length, payload.Length);
        stream.Write(length);
        stream.Write(payload);
        stream.Write(SHA256.HashData(payload));
    }

    public static MlpTransformer Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The MLP transformer file '{path}' does not exist.", path);
        using FileStream stream = File.OpenRead(path);
        return Read(stream);
    }

    public static MlpTransformer Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ArgumentException("The stream is not readable.", nameof(stream));
        Span<byte> header = stackalloc byte[Magic.Length + 1 + sizeof(long)];
        ReadExactly(stream, header, "its header");
        if (!header[..Magic.Length].SequenceEqual(Magic))
            throw new InvalidDataException("This is not an MLP transformer file (NeuralNet.MLNet): its first bytes are not \"NNMLNET\".");
        if (header[Magic.Length] != Version)
            throw new InvalidDataException($"The MLP transformer file has format version {header[Magic.Length]}; this NeuralNet.MLNet reads version {Version}.");
        long length = BinaryPrimitives.ReadInt64LittleEndian(header[(Magic.Length + 1)..]);
        if (length <= 0 || length > Array.MaxLength || (stream.CanSeek && length > stream.Length - stream.Position))
            throw new InvalidDataException($"The MLP transformer file claims a payload of {length} bytes, which the file does not hold.");
        byte[] payload = new byte[length];
        ReadExactly(stream, payload, "its payload");
        Span<byte> hash = stackalloc byte[HashBytes];
        ReadExactly(stream, hash, "its checksum");
        if (!hash.SequenceEqual(SHA256.HashData(payload)))
            throw new InvalidDataException("The MLP transformer file is corrupted: its SHA-256 checksum does not match its content.");
        try
        {
            return Parse(payload);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The MLP transformer file is invalid: its payload ends early.", e);
        }
    }

    private static byte[] Payload(MlpTransformer transformer)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((byte)transformer.Task);
            writer.Write(transformer.FeatureColumnName);
            writer.Write(transformer.FeatureCount);
            writer.Write(transformer.Classes);
            writer.Write(transformer.ClassNames is not null);
            transformer.ClassNames?.Write(writer);
        }
        transformer.Model.Save(buffer);
        return buffer.ToArray();
    }

    private static MlpTransformer Parse(byte[] payload)
    {
        using var buffer = new MemoryStream(payload, writable: false);
        using var reader = new BinaryReader(buffer, Encoding.UTF8, leaveOpen: true);
        byte taskCode = reader.ReadByte();
        if (!Enum.IsDefined((MlpTask)taskCode)) throw new InvalidDataException($"The MLP transformer file names the unknown task {taskCode}.");
        var task = (MlpTask)taskCode;
        string featureColumnName = reader.ReadString();
        int featureCount = reader.ReadInt32(), classes = reader.ReadInt32();
        if (featureColumnName.Length == 0 || featureCount < 1)
            throw new InvalidDataException($"The MLP transformer file has an invalid feature column ('{featureColumnName}', {featureCount} values).");
        bool multiclass = task == MlpTask.MulticlassClassification;
        if (multiclass ? classes < 2 : classes != 0)
            throw new InvalidDataException($"The MLP transformer file holds {classes} classes for {task}.");
        ClassNames? names = reader.ReadBoolean() ? ClassNames.Read(reader, classes) : null;
        if (names is not null && !multiclass) throw new InvalidDataException($"The MLP transformer file holds class names for {task}.");
        Mlp model = Mlp.Load(buffer);
        if (buffer.Position != buffer.Length)
            throw new InvalidDataException($"The MLP transformer file has {buffer.Length - buffer.Position} bytes after the network.");
        RequireFits(model, task, featureCount, classes);
        return new MlpTransformer(task, model, featureColumnName, featureCount, classes, names, history: null);
    }

    /// <summary>The network must read the features and end as the task's scorer expects.</summary>
    private static void RequireFits(Mlp model, MlpTask task, int featureCount, int classes)
    {
        int outputs = task == MlpTask.MulticlassClassification ? classes : 1;
        Type? last = task switch
        {
            MlpTask.MulticlassClassification => typeof(Softmax),
            MlpTask.BinaryClassification => typeof(Sigmoid),
            _ => null,
        };
        if (model.InputCount != featureCount || model.OutputCount != outputs || (last is not null && model.Layers[^1].GetType() != last)
            || (last is not null && model.Layers.Count < 2))
            throw new InvalidDataException(
                $"The MLP transformer file's network ({model}) does not fit its columns: {task} of {featureCount} features needs {featureCount} inputs and {outputs} outputs{(last is null ? "" : $", ending with {last.Name}")}.");
    }

    private static void ReadExactly(Stream stream, Span<byte> destination, string what)
    {
        try
        {
            stream.ReadExactly(destination);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"The MLP transformer file is truncated: it ends inside {what}.", e);
        }
    }
}
