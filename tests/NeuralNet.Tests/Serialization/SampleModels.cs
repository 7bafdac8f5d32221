using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Tests.Serialization;

/// <summary>Models and inputs shared by the serialization tests.</summary>
internal static class SampleModels
{
    /// <summary>Every layer kind the library registers, with trained-looking (non-initial) parameters and buffers.</summary>
    /// <remarks>
    /// With <paramref name="wideInputs"/> the network starts with a wide pair of Dense layers from that many inputs, so that
    /// a batch has enough arithmetic to be run in row blocks on several cores.
    /// </remarks>
    internal static Mlp EveryLayerKind(int wideInputs = 0)
    {
        ILayer[] wide = wideInputs > 0 ? [new Dense(wideInputs, 512, seed: 12), new ReLU(), new Dense(512, 5, seed: 13)] : [];
        var model = new Mlp([.. wide,
            new Dense(5, 7, seed: 1), new ReLU(), new Dense(7, 6, seed: 2), new Sigmoid(), new Dense(6, 6, seed: 3), new Tanh(),
            new Dense(6, 4, seed: 4), new Softplus(), new Dense(4, 4, seed: 5), new HardTanh(),
            new Dense(4, 5, seed: 8), new LeakyReLU(0.2f), new BatchNorm(5, momentum: 0.3f), new ELU(0.7f),
            new Dense(5, 5, seed: 9), new LayerNorm(5), new GELU(), new Dense(5, 4, seed: 10), new GELU(tanhApproximation: true),
            new Dropout(0.3f, seed: 11), new SiLU(),
            new Dense(4, 3, seed: 6), new Identity(), new Softmax()]);
        var random = new Random(7);
        // Parameters and buffers alike (BatchNorm's running variance stays positive: it starts at 1).
        foreach (NamedTensor tensor in model.Layers.OfType<ISerializableLayer>().SelectMany(layer => layer.State))
        {
            float[] values = tensor.Value.AsColumnMajorArray();
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
