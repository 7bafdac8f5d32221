using NeuralNet.Layers;

namespace NeuralNet.Serialization;

/// <summary>One layer as the file describes it: its kind and, for <see cref="LayerKind.Dense"/>, its shape.</summary>
internal readonly record struct LayerRecord(LayerKind Kind, int Inputs = 0, int Outputs = 0)
{
    /// <summary>The number of weights of a Dense layer (outputs × inputs), without overflow.</summary>
    internal long WeightCount => (long)Inputs * Outputs;

    /// <summary>The record of a layer, or null for a layer type the format cannot store.</summary>
    /// <remarks>Every library layer is sealed, so a user's subclass of <see cref="ActivationLayer"/> never matches.</remarks>
    internal static LayerRecord? Of(ILayer layer) => layer switch
    {
        Dense dense => new LayerRecord(LayerKind.Dense, dense.Inputs, dense.Outputs),
        ReLU => new LayerRecord(LayerKind.ReLU),
        Sigmoid => new LayerRecord(LayerKind.Sigmoid),
        Tanh => new LayerRecord(LayerKind.Tanh),
        Softplus => new LayerRecord(LayerKind.Softplus),
        HardTanh => new LayerRecord(LayerKind.HardTanh),
        Softmax => new LayerRecord(LayerKind.Softmax),
        Identity => new LayerRecord(LayerKind.Identity),
        _ => null,
    };

    /// <summary>A new parameterless layer of this kind; Dense layers are built by the reader from their values.</summary>
    internal ILayer CreateActivation() => Kind switch
    {
        LayerKind.ReLU => new ReLU(),
        LayerKind.Sigmoid => new Sigmoid(),
        LayerKind.Tanh => new Tanh(),
        LayerKind.Softplus => new Softplus(),
        LayerKind.HardTanh => new HardTanh(),
        LayerKind.Softmax => new Softmax(),
        LayerKind.Identity => new Identity(),
        _ => throw new InvalidOperationException($"{Kind} is not a parameterless layer."),
    };

    /// <inheritdoc/>
    public override string ToString() => Kind == LayerKind.Dense ? $"Dense({Inputs} → {Outputs})" : Kind.ToString();
}
