using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Layers;

/// <summary>
/// A layer that can run inference into a caller's buffer, so that <see cref="Mlp.Predict(Matrix{float}, Matrix{float})"/>
/// allocates nothing once warm. Like <see cref="ILayer.Predict"/>, it touches no cached state and is thread-safe.
/// </summary>
internal interface IPredictInto
{
    /// <summary>The width of the output for an input of <paramref name="inputColumns"/> columns.</summary>
    int OutputColumns(int inputColumns);

    /// <summary>Writes the layer's output for <paramref name="input"/> into <paramref name="output"/> (dense, the right shape, not the input).</summary>
    void Predict(Matrix<float> input, Matrix<float> output);
}

/// <summary>The one way a layer's <see cref="ILayer.Predict"/> builds its new matrix from <see cref="IPredictInto"/>.</summary>
internal static class PredictIntoExtensions
{
    /// <summary>The layer's output for <paramref name="input"/> (already checked) in a new dense matrix.</summary>
    internal static Matrix<float> PredictNew(this IPredictInto layer, Matrix<float> input)
    {
        var output = Matrix<float>.Build.Dense(input.RowCount, layer.OutputColumns(input.ColumnCount));
        layer.Predict(input, output);
        return output;
    }
}
