namespace NeuralNet.Serialization;

/// <summary>The code of a layer in a model file. Codes are permanent: a new layer type gets a new code.</summary>
internal enum LayerKind : byte
{
    /// <summary><see cref="Layers.Dense"/>, followed by its inputs and outputs.</summary>
    Dense = 1,

    /// <summary><see cref="Layers.ReLU"/>.</summary>
    ReLU = 2,

    /// <summary><see cref="Layers.Sigmoid"/>.</summary>
    Sigmoid = 3,

    /// <summary><see cref="Layers.Tanh"/>.</summary>
    Tanh = 4,

    /// <summary><see cref="Layers.Softplus"/>.</summary>
    Softplus = 5,

    /// <summary><see cref="Layers.HardTanh"/>.</summary>
    HardTanh = 6,

    /// <summary><see cref="Layers.Softmax"/>.</summary>
    Softmax = 7,

    /// <summary><see cref="Layers.Identity"/>.</summary>
    Identity = 8,
}
