using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Data;

/// <summary>The column-wise (x − offset) / scale shared by the scalers.</summary>
internal static class ColumnScaling
{
    internal static float[][] Columns(Matrix<float> training)
    {
        ArgumentNullException.ThrowIfNull(training);
        Shapes.RequireRows(training, nameof(training));
        Shapes.RequireFinite(training, nameof(training));
        float[] values = Shapes.Dense(training).AsColumnMajorArray();
        int n = training.RowCount;
        return Enumerable.Range(0, training.ColumnCount).Select(j => values.AsSpan(j * n, n).ToArray()).ToArray();
    }

    internal static Matrix<float> Apply(Matrix<float> inputs, int columns, Func<int, float> offset, Func<int, float> scale)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.ColumnCount != columns)
            throw new ArgumentException($"The scaler was fitted on {columns} columns but the inputs have {inputs.ColumnCount} ({Shapes.Describe(inputs)}).", nameof(inputs));
        float[] x = Shapes.Dense(inputs).AsColumnMajorArray();
        int n = inputs.RowCount;
        var result = new float[x.Length];
        for (int j = 0; j < columns; j++)
        {
            float o = offset(j), s = scale(j);
            for (int i = 0; i < n; i++) result[j * n + i] = (x[j * n + i] - o) / s;
        }
        return Matrix<float>.Build.Dense(n, columns, result);
    }
}
