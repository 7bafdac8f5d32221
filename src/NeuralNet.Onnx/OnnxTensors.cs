using System.Buffers.Binary;
using Google.Protobuf;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Onnx.Protobuf;

namespace NeuralNet.Onnx;

/// <summary>
/// float32 initializers. ONNX stores a tensor's raw data row-major and little-endian; Math.NET stores a matrix
/// column-major, so a matrix is transposed on the way out.
/// </summary>
internal static class OnnxTensors
{
    /// <summary>A rows × columns tensor holding <paramref name="matrix"/> element for element.</summary>
    internal static TensorProto RowMajor(string name, Matrix<float> matrix)
    {
        int rows = matrix.RowCount, columns = matrix.ColumnCount;
        float[] columnMajor = matrix.AsColumnMajorArray() ?? matrix.ToColumnMajorArray();
        var rowMajor = new float[rows * columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                rowMajor[i * columns + j] = columnMajor[j * rows + i];
        return Tensor(name, rowMajor, rows, columns);
    }

    /// <summary>A one-dimensional tensor of <paramref name="values"/>.</summary>
    internal static TensorProto Vector(string name, float[] values) => Tensor(name, values, values.Length);

    /// <summary>A scalar (rank 0) tensor.</summary>
    internal static TensorProto Scalar(string name, float value) => Tensor(name, [value]);

    private static TensorProto Tensor(string name, float[] values, params long[] dims)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (int k = 0; k < values.Length; k++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(k * sizeof(float)), values[k]);
        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(bytes),
        };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
