using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Serialization;

/// <summary>
/// Writes a model in the current format version. The constructor asks every layer for its kind, config and state and
/// checks them, so a failure happens before a single byte is written; <see cref="WriteTo"/> then streams the file.
/// </summary>
internal sealed class ModelWriter
{
    private readonly LayerRecord[] _records;
    private readonly Matrix<float>[][] _tensors;

    /// <summary>Checks the model: every layer serializable and registered, every tensor finite.</summary>
    /// <exception cref="NotSupportedException">A layer that is not an <see cref="ISerializableLayer"/> of a registered kind.</exception>
    /// <exception cref="InvalidOperationException">A tensor holds NaN or ∞; such a model could not be loaded again.</exception>
    internal ModelWriter(Mlp model)
    {
        IReadOnlyList<ILayer> layers = model.Layers;
        _records = new LayerRecord[layers.Count];
        _tensors = new Matrix<float>[layers.Count][];
        for (int k = 0; k < layers.Count; k++)
        {
            ILayer layer = layers[k];
            string? kind = LayerRegistry.KindOf(layer);
            if (layer is not ISerializableLayer serializable || kind is null)
                throw new NotSupportedException(
                    $"Layer {k} ({layer}, of type {layer.GetType().FullName}) cannot be saved: a model file holds layers that implement " +
                    $"{nameof(ISerializableLayer)} and {nameof(ILayerFactory<Dense>)}<T> and are registered with {nameof(LayerRegistry)}.{nameof(LayerRegistry.Register)}<T>(). " +
                    $"Registered kinds: {string.Join(", ", LayerRegistry.KindNames)}.");
            IReadOnlyList<NamedTensor> state = serializable.State;
            var tensors = new TensorRecord[state.Count];
            _tensors[k] = new Matrix<float>[state.Count];
            for (int t = 0; t < state.Count; t++)
            {
                (string name, Matrix<float> value) = state[t];
                int bad = Shapes.IndexOfNonFinite(Shapes.Dense(value).AsColumnMajorArray());
                if (bad >= 0)
                    throw new InvalidOperationException(
                        $"Layer {k} ({layer}) cannot be saved: its {name} [{bad % value.RowCount}, {bad / value.RowCount}] " +
                        $"is {value.AsColumnMajorArray()[bad]}; a saved model must hold finite values.");
                tensors[t] = new TensorRecord(name, value.RowCount, value.ColumnCount);
                _tensors[k][t] = value;
            }
            _records[k] = new LayerRecord(kind, serializable.GetConfig(), tensors);
        }
    }

    /// <summary>Writes the whole file to <paramref name="destination"/>, ending with the SHA-256 of every byte before it.</summary>
    internal void WriteTo(Stream destination)
    {
        using var hash = IncrementalHash.CreateHash(ModelFormat.Checksum);
        var header = new BinaryWriter(new MemoryStream(), Encoding.UTF8);
        header.Write(ModelFormat.Magic);
        header.Write(ModelFormat.Version);
        header.Write((uint)_records.Length);
        foreach (LayerRecord record in _records)
        {
            WriteString(header, record.Kind);
            header.Write((ushort)record.Config.Count);
            foreach ((string key, object value) in record.Config)
            {
                WriteString(header, key);
                switch (value)
                {
                    case int i: header.Write((byte)ModelFormat.ValueType.Int32); header.Write(i); break;
                    case float f: header.Write((byte)ModelFormat.ValueType.Single); header.Write(f); break;
                    case bool b: header.Write((byte)ModelFormat.ValueType.Boolean); header.Write(b); break;
                    case string s: header.Write((byte)ModelFormat.ValueType.String); WriteString(header, s); break;
                }
            }
            header.Write((ushort)record.Tensors.Length);
            foreach (TensorRecord tensor in record.Tensors)
            {
                WriteString(header, tensor.Name);
                header.Write((uint)tensor.Rows);
                header.Write((uint)tensor.Columns);
            }
        }
        header.Flush();
        // BinaryWriter is little-endian on every platform, as the format is.
        ReadOnlySpan<byte> headerBytes = ((MemoryStream)header.BaseStream).GetBuffer().AsSpan(0, (int)header.BaseStream.Length);
        hash.AppendData(headerBytes);
        destination.Write(headerBytes);

        byte[] chunk = new byte[64 * 1024];
        foreach (Matrix<float>[] tensors in _tensors)
            foreach (Matrix<float> tensor in tensors)
            {
                // Row-major (element [i, j] at i · columns + j, as PyTorch and ONNX store tensors); Math.NET keeps them
                // column-major, so the transpose's column-major array is exactly that order.
                float[] rowMajor = tensor.ColumnCount == 1 ? Shapes.Dense(tensor).AsColumnMajorArray() : tensor.Transpose().AsColumnMajorArray();
                PutFloats(rowMajor, chunk, hash, destination);
            }

        destination.Write(hash.GetHashAndReset());
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > ModelFormat.MaxStringBytes)
            throw new InvalidOperationException($"'{value[..40]}…' is {bytes.Length} bytes in UTF-8; a model file's names and strings hold at most {ModelFormat.MaxStringBytes}.");
        writer.Write((ushort)bytes.Length);
        writer.Write(bytes);
    }

    private static void PutFloats(ReadOnlySpan<float> values, byte[] chunk, IncrementalHash hash, Stream destination)
    {
        int perChunk = chunk.Length / ModelFormat.BytesPerValue;
        for (int start = 0; start < values.Length; start += perChunk)
        {
            ReadOnlySpan<float> part = values.Slice(start, Math.Min(perChunk, values.Length - start));
            for (int k = 0; k < part.Length; k++)
                BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(k * ModelFormat.BytesPerValue), part[k]);
            hash.AppendData(chunk, 0, part.Length * ModelFormat.BytesPerValue);
            destination.Write(chunk, 0, part.Length * ModelFormat.BytesPerValue);
        }
    }
}
