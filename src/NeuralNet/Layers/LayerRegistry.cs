namespace NeuralNet.Layers;

/// <summary>
/// The layer kinds a model file can hold, by name, as Keras's serializable-object registry: saving asks a layer for
/// its kind name, config and state; loading looks the name up here and rebuilds the layer. The library's own kinds
/// are registered from the start; a user registers their own once, before saving or loading models that hold it.
/// </summary>
/// <example>
/// <code>
/// public sealed class Swish2 : ActivationLayer, ISerializableLayer, ILayerFactory&lt;Swish2&gt; { ... }
/// LayerRegistry.Register&lt;Swish2&gt;();
/// model.Save("model.nnmlp");   // and Mlp.Load reads it back
/// </code>
/// </example>
/// <remarks>Thread-safe. Registration is by generic type, with no reflection, so it is trimming- and AOT-safe.</remarks>
public static class LayerRegistry
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Func<LayerConfig, ISerializableLayer>> Factories = new(StringComparer.Ordinal);
    private static readonly Dictionary<Type, string> Names = [];

    static LayerRegistry()
    {
        // The library's kinds. Each declares its name and how it is rebuilt in its own file.
        Add<Dense>();
        Add<ReLU>();
        Add<Sigmoid>();
        Add<Tanh>();
        Add<Softplus>();
        Add<HardTanh>();
        Add<Softmax>();
        Add<Identity>();
        Add<Dropout>();
        Add<LayerNorm>();
        Add<BatchNorm>();
    }

    /// <summary>Registers <typeparamref name="TLayer"/> under its <see cref="ILayerFactory{TLayer}.KindName"/>.</summary>
    /// <typeparam name="TLayer">The layer class.</typeparam>
    /// <exception cref="ArgumentException">Another class is registered under that name, or the name is empty.</exception>
    /// <remarks>Registering the same class twice does nothing.</remarks>
    public static void Register<TLayer>() where TLayer : ISerializableLayer, ILayerFactory<TLayer> => Add<TLayer>();

    /// <summary>Whether a kind of this name is registered.</summary>
    public static bool IsRegistered(string kindName)
    {
        ArgumentNullException.ThrowIfNull(kindName);
        lock (Gate) return Factories.ContainsKey(kindName);
    }

    /// <summary>The names of every registered kind.</summary>
    public static IReadOnlyList<string> KindNames
    {
        get { lock (Gate) return [.. Factories.Keys.Order(StringComparer.Ordinal)]; }
    }

    /// <summary>The kind name of <paramref name="layer"/>'s class, or null when it is not registered.</summary>
    internal static string? KindOf(ILayer layer)
    {
        lock (Gate) return Names.GetValueOrDefault(layer.GetType());
    }

    /// <summary>A new layer of a registered kind from its config, or null when no kind has that name.</summary>
    internal static ISerializableLayer? Create(string kindName, LayerConfig config)
    {
        Func<LayerConfig, ISerializableLayer>? factory;
        lock (Gate) factory = Factories.GetValueOrDefault(kindName);
        return factory?.Invoke(config);
    }

    private static void Add<TLayer>() where TLayer : ISerializableLayer, ILayerFactory<TLayer>
    {
        string name = TLayer.KindName;
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException($"{typeof(TLayer).FullName}.KindName is empty; a kind needs a name.", nameof(TLayer));
        lock (Gate)
        {
            if (Names.TryGetValue(typeof(TLayer), out string? existing) && existing == name) return;
            if (Factories.ContainsKey(name))
                throw new ArgumentException($"A layer kind named '{name}' is already registered; {typeof(TLayer).FullName} needs another name.", nameof(TLayer));
            Factories.Add(name, static config => TLayer.FromConfig(config));
            Names[typeof(TLayer)] = name;
        }
    }
}
