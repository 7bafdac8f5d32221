using NeuralNet.Layers;

namespace NeuralNet.Serialization;

/// <summary>One tensor of a layer as the file describes it: its name and shape; its values follow the header.</summary>
internal readonly record struct TensorRecord(string Name, int Rows, int Columns)
{
    /// <summary>rows × columns, without overflow.</summary>
    internal long Count => (long)Rows * Columns;
}

/// <summary>One layer as the file describes it: its kind's name, its config and its tensors.</summary>
internal sealed record LayerRecord(string Kind, LayerConfig Config, TensorRecord[] Tensors)
{
    /// <inheritdoc/>
    public override string ToString() => Config.Count == 0 ? Kind : $"{Kind}({Config})";
}
