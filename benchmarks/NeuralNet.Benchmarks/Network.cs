using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Benchmarks;

/// <summary>The networks and synthetic data the benchmarks train and query.</summary>
internal static class Network
{
    /// <summary>784-256-128-10 with ReLU and a softmax output: an MNIST-sized classifier.</summary>
    internal static Mlp Mnist() => new(new Dense(784, 256, seed: 1), new ReLU(), new Dense(256, 128, seed: 2), new ReLU(),
        new Dense(128, 10, seed: 3), new Softmax());

    /// <summary>64-32-10: small enough that per-call overhead, not arithmetic, decides the speed.</summary>
    internal static Mlp Small() => new(new Dense(64, 32, seed: 1), new ReLU(), new Dense(32, 10, seed: 2), new Softmax());

    internal static Matrix<float> Inputs(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        return Matrix<float>.Build.Dense(rows, columns, (_, _) => (float)random.NextDouble());
    }

    internal static Matrix<float> OneHot(int rows, int classes, int seed)
    {
        var random = new Random(seed);
        var target = Matrix<float>.Build.Dense(rows, classes);
        for (int i = 0; i < rows; i++) target[i, random.Next(classes)] = 1f;
        return target;
    }
}
