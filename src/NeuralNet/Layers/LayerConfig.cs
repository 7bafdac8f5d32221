using System.Collections;
using System.Globalization;

namespace NeuralNet.Layers;

/// <summary>
/// A layer's hyper-parameters by name, as Keras's <c>get_config</c>: everything <see cref="ILayerFactory{TLayer}.FromConfig"/>
/// needs to rebuild the layer (its tensors come separately, from <see cref="ISerializableLayer.State"/>). Values are
/// <see cref="int"/>, <see cref="float"/>, <see cref="bool"/> or <see cref="string"/>; keys keep the order they were added in.
/// </summary>
/// <example><code>new LayerConfig { { "inputs", 64 }, { "outputs", 10 } }</code></example>
public sealed class LayerConfig : IEnumerable<KeyValuePair<string, object>>
{
    private readonly List<KeyValuePair<string, object>> _entries = [];

    /// <summary>The number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Adds an integer.</summary>
    /// <exception cref="ArgumentException">The key is empty or already present.</exception>
    public void Add(string key, int value) => AddEntry(key, value);

    /// <summary>Adds a float (stored bit for bit: NaN and ∞ survive a round trip).</summary>
    /// <exception cref="ArgumentException">The key is empty or already present.</exception>
    public void Add(string key, float value) => AddEntry(key, value);

    /// <summary>Adds a flag.</summary>
    /// <exception cref="ArgumentException">The key is empty or already present.</exception>
    public void Add(string key, bool value) => AddEntry(key, value);

    /// <summary>Adds a string.</summary>
    /// <exception cref="ArgumentException">The key is empty or already present.</exception>
    public void Add(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        AddEntry(key, value);
    }

    /// <summary>
    /// For a config read from a model file: how many tensor values the file holds for the layer; null for a config built
    /// in code. See <see cref="RequireStoredValues"/>.
    /// </summary>
    public long? StoredValueCount { get; internal set; }

    /// <summary>
    /// For a factory whose config fixes the size of its state (a Dense's widths, a norm's features): rejects a config from a
    /// file that claims more values than the file holds, before the layer allocates them, so that loading's memory follows
    /// the bytes of a file and never the sizes it claims. Does nothing for a config built in code.
    /// </summary>
    /// <param name="values">The number of tensor values a layer of this config holds.</param>
    /// <param name="layer">The layer the config describes, for the message, such as <c>Dense(4 → 3)</c>.</param>
    /// <exception cref="InvalidDataException">The file holds fewer values than <paramref name="values"/>.</exception>
    public void RequireStoredValues(long values, string layer)
    {
        if (StoredValueCount is { } held && values > held)
            throw new InvalidDataException($"Its config asks for {layer}, {values} values, but the file holds {held} for it. The file is corrupted.");
    }

    /// <summary>Whether an entry named <paramref name="key"/> exists.</summary>
    public bool Contains(string key) => IndexOf(key) >= 0;

    /// <summary>The integer named <paramref name="key"/>.</summary>
    /// <exception cref="InvalidDataException">There is no such entry, or it is not an integer (a config usually comes from a file).</exception>
    public int GetInt32(string key) => Get<int>(key);

    /// <summary>The float named <paramref name="key"/>.</summary>
    /// <exception cref="InvalidDataException">There is no such entry, or it is not a float.</exception>
    public float GetSingle(string key) => Get<float>(key);

    /// <summary>The flag named <paramref name="key"/>.</summary>
    /// <exception cref="InvalidDataException">There is no such entry, or it is not a flag.</exception>
    public bool GetBoolean(string key) => Get<bool>(key);

    /// <summary>The string named <paramref name="key"/>.</summary>
    /// <exception cref="InvalidDataException">There is no such entry, or it is not a string.</exception>
    public string GetString(string key) => Get<string>(key);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(", ", _entries.Select(e => $"{e.Key}={Convert.ToString(e.Value, CultureInfo.InvariantCulture)}"));

    private void AddEntry(string key, object value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (Contains(key)) throw new ArgumentException($"The config already has an entry '{key}'.", nameof(key));
        _entries.Add(new(key, value));
    }

    private T Get<T>(string key) where T : notnull
    {
        int index = IndexOf(key);
        if (index < 0) throw new InvalidDataException($"The layer config ({this}) has no entry '{key}'.");
        return _entries[index].Value is T value
            ? value
            : throw new InvalidDataException($"The layer config entry '{key}' is a {_entries[index].Value.GetType().Name}, not a {typeof(T).Name}.");
    }

    private int IndexOf(string key) => _entries.FindIndex(e => e.Key == key);
}
