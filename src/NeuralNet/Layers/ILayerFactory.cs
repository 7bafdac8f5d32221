namespace NeuralNet.Layers;

/// <summary>
/// How a layer kind is named in a model file and rebuilt from its config, as Keras's <c>from_config</c>. Implemented by
/// the layer class itself, so that everything about a kind lives in its own file; see <see cref="LayerRegistry"/>.
/// </summary>
/// <typeparam name="TLayer">The layer class.</typeparam>
public interface ILayerFactory<TLayer> where TLayer : ISerializableLayer
{
    /// <summary>The kind's permanent name in model files, such as <c>Dense</c>; unique among registered kinds.</summary>
    static abstract string KindName { get; }

    /// <summary>A new layer from the hyper-parameters its <see cref="ISerializableLayer.GetConfig"/> wrote.</summary>
    /// <exception cref="InvalidDataException">An entry is missing or of the wrong type.</exception>
    /// <exception cref="ArgumentException">A value is out of range (a corrupt or foreign file).</exception>
    static abstract TLayer FromConfig(LayerConfig config);
}
