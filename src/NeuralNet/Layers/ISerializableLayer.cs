namespace NeuralNet.Layers;

/// <summary>
/// A layer that a model file can hold: it says what its hyper-parameters are (<see cref="GetConfig"/>) and which
/// tensors make up its state (<see cref="State"/>). Together with <see cref="ILayerFactory{TLayer}"/>, which rebuilds
/// it, and one <see cref="LayerRegistry.Register{TLayer}"/> call, that is all <see cref="Mlp.Save(Stream)"/> and
/// <see cref="Mlp.Load(Stream)"/> need — for the library's layers and for a user's own alike.
/// </summary>
public interface ISerializableLayer : ILayer
{
    /// <summary>The hyper-parameters that rebuild this layer, fresh, through <see cref="ILayerFactory{TLayer}.FromConfig"/>.</summary>
    LayerConfig GetConfig();

    /// <summary>
    /// The tensors a saved model keeps, in a fixed order: parameter values and buffers, the layer's own matrices.
    /// A layer rebuilt from <see cref="GetConfig"/> has tensors of the same names and shapes.
    /// </summary>
    IReadOnlyList<NamedTensor> State { get; }

    /// <summary>
    /// Called by <see cref="Mlp.Load(Stream)"/> once the saved values are in <see cref="State"/>: the layer must keep
    /// them as they are (a Dense layer then draws no initial weights). Does nothing by default.
    /// </summary>
    void OnStateLoaded()
    {
    }
}
