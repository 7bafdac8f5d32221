using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Tests.Serialization;

/// <summary>Models and inputs shared by the serialization tests.</summary>
internal static class SampleModels
{
    /// <summary>Every layer type the format stores, with trained-looking (non-initial) parameters.</summary>
    internal static Mlp EveryLayerKind()
    {
        var model = new Mlp(
            new Dense(5, 7, seed: 1), new ReLU(), new Dense(7, 6, seed: 2), new Sigmoid(), new Dense(6, 6, seed: 3), new Tanh(),
            new Dense(6, 4, seed: 4), new Softplus(), new Dense(4, 4, seed: 5), new HardTanh(), new Dense(4, 3, seed: 6),
            new Identity(), new Softmax());
        var random = new Random(7);
        foreach (Parameter parameter in model.Parameters)
        {
            float[] values = parameter.Value.AsColumnMajorArray();
            for (int k = 0; k < values.Length; k++) values[k] += (float)(random.NextDouble() - 0.5);
        }
        return model;
    }

    /// <summary>A small model whose file is short enough to mutate byte by byte.</summary>
    internal static Mlp Small() => new(new Dense(3, 4, seed: 11), new Tanh(), new Dense(4, 2, seed: 12), new Softmax());

    internal static Matrix<float> Inputs(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        return Matrix<float>.Build.Dense(rows, columns, (_, _) => (float)(random.NextDouble() * 4 - 2));
    }

    internal static byte[] Bytes(Mlp model)
    {
        using var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    internal static Mlp Load(byte[] bytes) => Mlp.Load(new MemoryStream(bytes, writable: false));
}
