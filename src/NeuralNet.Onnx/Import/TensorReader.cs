using System.Buffers.Binary;
using NeuralNet.Onnx.Protobuf;

namespace NeuralNet.Onnx.Import;

/// <summary>A constant tensor's values (row-major, as ONNX stores them) and its dimensions.</summary>
internal sealed record ConstantTensor(string Name, long[] Dims, float[] Values)
{
    /// <summary>The dimensions as ONNX writes them, e.g. <c>[4, 6]</c>.</summary>
    internal string Shape => $"[{string.Join(", ", Dims)}]";
}

/// <summary>
/// Reads float tensors out of <see cref="TensorProto"/>s. Every length is checked against the data actually in the file
/// before anything is allocated from it: the values array is never larger than the bytes that hold it.
/// </summary>
internal static class TensorReader
{
    private const int Float = (int)TensorProto.Types.DataType.Float;
    private const int Double = (int)TensorProto.Types.DataType.Double;
    private const int Int64 = (int)TensorProto.Types.DataType.Int64;
    private const int Int32 = (int)TensorProto.Types.DataType.Int32;
    private const int Bool = (int)TensorProto.Types.DataType.Bool;

    /// <summary>The float32 values of <paramref name="tensor"/>, from raw_data (little-endian) or float_data.</summary>
    /// <exception cref="NotSupportedException">The tensor is not float32, or its data is external.</exception>
    /// <exception cref="InvalidDataException">Its data does not hold as many values as its dimensions say.</exception>
    internal static ConstantTensor ReadFloat(TensorProto tensor, bool allowDouble = false)
    {
        RejectExternal(tensor);
        long count = ElementCount(tensor);
        if (tensor.DataType == Float)
        {
            if (tensor.RawData.Length > 0)
            {
                ReadOnlySpan<byte> raw = tensor.RawData.Span;
                if (raw.Length != count * sizeof(float))
                    throw new InvalidDataException(
                        $"Tensor '{tensor.Name}' of shape {Shape(tensor)} holds {count} float32 values, but its raw_data has {raw.Length} bytes, not {count * sizeof(float)}.");
                var values = new float[count];
                for (int k = 0; k < values.Length; k++) values[k] = BinaryPrimitives.ReadSingleLittleEndian(raw[(k * sizeof(float))..]);
                return new ConstantTensor(tensor.Name, [.. tensor.Dims], values);
            }
            if (tensor.FloatData.Count != count)
                throw new InvalidDataException(
                    $"Tensor '{tensor.Name}' of shape {Shape(tensor)} holds {count} float32 values, but its float_data has {tensor.FloatData.Count}.");
            return new ConstantTensor(tensor.Name, [.. tensor.Dims], [.. tensor.FloatData]);
        }
        if (allowDouble && tensor.DataType == Double)
        {
            if (tensor.RawData.Length > 0)
            {
                ReadOnlySpan<byte> raw = tensor.RawData.Span;
                if (raw.Length != count * sizeof(double))
                    throw new InvalidDataException(
                        $"Tensor '{tensor.Name}' of shape {Shape(tensor)} holds {count} float64 values, but its raw_data has {raw.Length} bytes, not {count * sizeof(double)}.");
                var values = new float[count];
                for (int k = 0; k < values.Length; k++) values[k] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(k * sizeof(double))..]);
                return new ConstantTensor(tensor.Name, [.. tensor.Dims], values);
            }
            if (tensor.DoubleData.Count != count)
                throw new InvalidDataException(
                    $"Tensor '{tensor.Name}' of shape {Shape(tensor)} holds {count} float64 values, but its double_data has {tensor.DoubleData.Count}.");
            return new ConstantTensor(tensor.Name, [.. tensor.Dims], tensor.DoubleData.Select(v => (float)v).ToArray());
        }
        throw new NotSupportedException(
            $"Tensor '{tensor.Name}' is of ONNX type {TypeName(tensor.DataType)}; the importer reads float32 weights only.");
    }

    /// <summary>The integer values of an int64 (or int32) tensor, such as Reshape's shape or ReduceMean's axes.</summary>
    internal static long[] ReadIntegers(TensorProto tensor)
    {
        RejectExternal(tensor);
        long count = ElementCount(tensor);
        if (tensor.DataType is not (Int64 or Int32 or Bool))
            throw new NotSupportedException($"Tensor '{tensor.Name}' is of ONNX type {TypeName(tensor.DataType)}, not an integer type.");
        // ONNX keeps bool in int32_data, but one byte per value in raw_data.
        int size = tensor.DataType switch { Int64 => sizeof(long), Int32 => sizeof(int), _ => 1 };
        if (tensor.RawData.Length > 0)
        {
            ReadOnlySpan<byte> raw = tensor.RawData.Span;
            if (raw.Length != count * size)
                throw new InvalidDataException($"Tensor '{tensor.Name}' of shape {Shape(tensor)} has {raw.Length} bytes of raw_data, not {count * size}.");
            var values = new long[count];
            for (int k = 0; k < values.Length; k++)
                values[k] = size switch
                {
                    sizeof(long) => BinaryPrimitives.ReadInt64LittleEndian(raw[(k * size)..]),
                    sizeof(int) => BinaryPrimitives.ReadInt32LittleEndian(raw[(k * size)..]),
                    _ => raw[k],
                };
            return values;
        }
        if (tensor.DataType == Int64)
        {
            if (tensor.Int64Data.Count != count)
                throw new InvalidDataException($"Tensor '{tensor.Name}' of shape {Shape(tensor)} has {tensor.Int64Data.Count} int64_data values, not {count}.");
            return [.. tensor.Int64Data];
        }
        if (tensor.Int32Data.Count != count)
            throw new InvalidDataException($"Tensor '{tensor.Name}' of shape {Shape(tensor)} has {tensor.Int32Data.Count} int32_data values, not {count}.");
        return tensor.Int32Data.Select(v => (long)v).ToArray();
    }

    /// <summary>The product of the dimensions; a negative dimension or a product beyond an array's reach is corrupt.</summary>
    private static long ElementCount(TensorProto tensor)
    {
        long count = 1;
        foreach (long dim in tensor.Dims)
        {
            if (dim < 0) throw new InvalidDataException($"Tensor '{tensor.Name}' has a negative dimension: {Shape(tensor)}.");
            if (dim != 0 && count > Array.MaxLength / dim)
                throw new InvalidDataException($"Tensor '{tensor.Name}' of shape {Shape(tensor)} has more elements than an array holds.");
            count *= dim;
        }
        return count;
    }

    private static void RejectExternal(TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
            throw new NotSupportedException(
                $"Tensor '{tensor.Name}' keeps its data in an external file; the importer reads models whose weights are inside the .onnx file.");
    }

    private static string Shape(TensorProto tensor) => $"[{string.Join(", ", tensor.Dims)}]";

    internal static string TypeName(int dataType) =>
        Enum.IsDefined((TensorProto.Types.DataType)dataType)
            ? ((TensorProto.Types.DataType)dataType).ToString().ToLowerInvariant()
            : dataType.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
