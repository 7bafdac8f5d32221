using System.Buffers.Binary;
using System.Security.Cryptography;
using NeuralNet.Layers;

namespace NeuralNet.Serialization;

/// <summary>
/// Writes a model in the current format. The constructor checks that the model can be saved, so a failure
/// happens before a single byte is written; <see cref="WriteTo"/> then streams the file and its checksum.
/// </summary>
internal sealed class ModelWriter
{
    private readonly ILayer[] _layers;
    private readonly LayerRecord[] _records;

    /// <summary>Checks the model: every layer of a storable type, every parameter finite.</summary>
    /// <exception cref="NotSupportedException">A layer type the format cannot store, such as a user's own ILayer.</exception>
    /// <exception cref="InvalidOperationException">A parameter holds NaN or ∞; such a model could not be loaded again.</exception>
    internal ModelWriter(Mlp model)
    {
        _layers = [.. model.Layers];
        _records = new LayerRecord[_layers.Length];
        for (int k = 0; k < _layers.Length; k++)
        {
            _records[k] = LayerRecord.Of(_layers[k]) ?? throw new NotSupportedException(
                $"Layer {k} ({_layers[k]}, of type {_layers[k].GetType().FullName}) cannot be saved: the model format stores only " +
                $"{string.Join(", ", Enum.GetNames<LayerKind>())} layers.");
            foreach (Parameter parameter in _layers[k].Parameters)
            {
                int bad = Shapes.IndexOfNonFinite(parameter.Value.AsColumnMajorArray());
                if (bad >= 0)
                    throw new InvalidOperationException(
                        $"Layer {k} ({_layers[k]}) cannot be saved: its {parameter.Name} [{bad % parameter.Value.RowCount}, {bad / parameter.Value.RowCount}] " +
                        $"is {parameter.Value.AsColumnMajorArray()[bad]}; a saved model must hold finite parameters.");
            }
        }
    }

    /// <summary>Writes the whole file to <paramref name="destination"/>, ending with the SHA-256 of every byte before it.</summary>
    internal void WriteTo(Stream destination)
    {
        using var hash = IncrementalHash.CreateHash(ModelFormat.Checksum);
        void Put(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(bytes);
            destination.Write(bytes);
        }

        Span<byte> word = stackalloc byte[4];
        Put(ModelFormat.Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(word, ModelFormat.Version);
        Put(word);
        BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)_records.Length);
        Put(word);
        foreach (LayerRecord record in _records)
        {
            Put([(byte)record.Kind]);
            if (record.Kind != LayerKind.Dense) continue;
            BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)record.Inputs);
            Put(word);
            BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)record.Outputs);
            Put(word);
        }

        byte[] chunk = new byte[64 * 1024];
        foreach (Dense dense in _layers.OfType<Dense>())
        {
            // Weights row-major (W[i, j] at i · inputs + j, as PyTorch and ONNX store them); Math.NET keeps them
            // column-major, so the transpose's column-major array is exactly that order.
            PutFloats(dense.Weights.Value.Transpose().AsColumnMajorArray(), chunk, Put);
            PutFloats(dense.Bias.Value.AsColumnMajorArray(), chunk, Put);
        }

        destination.Write(hash.GetHashAndReset());
    }

    private static void PutFloats(ReadOnlySpan<float> values, byte[] chunk, PutBytes put)
    {
        int perChunk = chunk.Length / ModelFormat.BytesPerValue;
        for (int start = 0; start < values.Length; start += perChunk)
        {
            ReadOnlySpan<float> part = values.Slice(start, Math.Min(perChunk, values.Length - start));
            for (int k = 0; k < part.Length; k++)
                BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(k * ModelFormat.BytesPerValue), part[k]);
            put(chunk.AsSpan(0, part.Length * ModelFormat.BytesPerValue));
        }
    }

    private delegate void PutBytes(ReadOnlySpan<byte> bytes);
}
