using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Tests;

/// <summary>Seeded random matrices for tests.</summary>
internal static class TestData
{
    internal static Matrix<float> Uniform(int rows, int columns, int seed, float low = -1f, float high = 1f)
    {
        var random = new Random(seed);
        return Matrix<float>.Build.Dense(rows, columns, (_, _) => low + (high - low) * (float)random.NextDouble());
    }

    /// <summary>Values away from the kinks of ReLU / HardTanh (0 and ±1), so finite differences never straddle one.</summary>
    internal static Matrix<float> AwayFromKinks(int rows, int columns, int seed, float scale = 2f)
    {
        var random = new Random(seed);
        return Matrix<float>.Build.Dense(rows, columns, (_, _) =>
        {
            float v;
            do v = scale * (2f * (float)random.NextDouble() - 1f);
            while (MathF.Abs(v) < 0.05f || MathF.Abs(MathF.Abs(v) - 1f) < 0.05f);
            return v;
        });
    }

    internal static Matrix<float> OneHot(int rows, int classes, int seed)
    {
        var random = new Random(seed);
        var target = Matrix<float>.Build.Dense(rows, classes);
        for (int i = 0; i < rows; i++) target[i, random.Next(classes)] = 1f;
        return target;
    }
}
