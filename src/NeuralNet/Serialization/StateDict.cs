using System.Globalization;

namespace NeuralNet.Serialization;

/// <summary>
/// Named values in the order they were added, as PyTorch's <c>state_dict</c>: integers, doubles, strings, float arrays,
/// bytes, and nested dictionaries. A checkpoint is one tree of them (<see cref="CheckpointFile"/>); whatever a part of
/// training must keep to resume exactly (an optimizer's moments, early stopping's best loss, a generator's state) it
/// writes into its own dictionary and reads back from it.
/// </summary>
/// <remarks>
/// The getters are for reading a file: a missing entry, a value of another type or out of range is an
/// <see cref="InvalidDataException"/> naming <see cref="Path"/> and the key. A value that is valid but does not fit the
/// run being resumed (another optimizer, another hyper-parameter) is the reader's own <see cref="ArgumentException"/>.
/// </remarks>
internal sealed class StateDict
{
    private readonly List<KeyValuePair<string, object>> _entries = [];
    private readonly Dictionary<string, object> _byKey = new(StringComparer.Ordinal);

    internal StateDict(string path) => Path = path;

    /// <summary>Where in the checkpoint this dictionary sits, such as <c>optimizer</c>, for messages.</summary>
    internal string Path { get; }

    internal IReadOnlyList<KeyValuePair<string, object>> Entries => _entries;

    internal void Add(string key, long value) => AddValue(key, value);

    internal void Add(string key, double value) => AddValue(key, value);

    internal void Add(string key, bool value) => AddValue(key, value ? 1L : 0L);

    internal void Add(string key, string value) => AddValue(key, value);

    /// <summary>Adds the array itself, not a copy: write the dictionary before the array changes again.</summary>
    internal void Add(string key, float[] value) => AddValue(key, value);

    internal void Add(string key, byte[] value) => AddValue(key, value);

    /// <summary>A new, empty dictionary under <paramref name="key"/>.</summary>
    internal StateDict AddDict(string key)
    {
        var child = new StateDict($"{Path}/{key}");
        AddValue(key, child);
        return child;
    }

    /// <summary>Adds a value read from a file; a key that is already there is an <see cref="InvalidDataException"/>.</summary>
    internal void AddRead(string key, object value)
    {
        if (_byKey.ContainsKey(key)) throw Invalid($"{Path} has the entry '{key}' twice.");
        AddValue(key, value);
    }

    internal bool Contains(string key) => _byKey.ContainsKey(key);

    internal long GetInt64(string key) => Get<long>(key);

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    internal int GetInt32(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        long value = Get<long>(key);
        return value >= min && value <= max ? (int)value : throw Invalid($"{Path}/{key} is {value}; it must lie in {min} … {max}.");
    }

    internal bool GetBoolean(string key) => GetInt32(key, 0, 1) == 1;

    internal double GetDouble(string key) => Get<double>(key);

    /// <summary>A float32, stored exactly as a double.</summary>
    internal float GetSingle(string key)
    {
        double value = Get<double>(key);
        float single = (float)value;
        return (double)single == value || double.IsNaN(value) ? single : throw Invalid($"{Path}/{key} is {value}, which is not a float32.");
    }

    /// <summary>A float32 that is finite (and, with <paramref name="positive"/>, greater than 0).</summary>
    internal float GetFinite(string key, bool positive = false)
    {
        float value = GetSingle(key);
        return float.IsFinite(value) && (!positive || value > 0f)
            ? value
            : throw Invalid($"{Path}/{key} is {value}; it must be finite{(positive ? " and greater than 0" : "")}.");
    }

    internal string GetString(string key) => Get<string>(key);

    internal float[] GetFloats(string key) => Get<float[]>(key);

    internal byte[] GetBytes(string key) => Get<byte[]>(key);

    internal StateDict GetDict(string key) => Get<StateDict>(key);

    /// <summary>Entry <c>name.index</c>, a per-parameter buffer of <paramref name="length"/> values, or null when absent.</summary>
    internal float[]? GetBuffer(string name, int index, int length)
    {
        string key = BufferKey(name, index);
        if (!Contains(key)) return null;
        float[] values = GetFloats(key);
        return values.Length == length ? values : throw Invalid($"{Path}/{key} holds {values.Length} values but parameter {index} has {length}.");
    }

    /// <summary>The key of parameter <paramref name="index"/>'s buffer <paramref name="name"/>: the optimizer's state by parameter index.</summary>
    internal static string BufferKey(string name, int index) => string.Create(CultureInfo.InvariantCulture, $"{name}.{index}");

    /// <summary>
    /// Rejects a resumed run whose <paramref name="owner"/> was built with another value of a setting than the checkpoint's
    /// (an optimizer's momentum, say): the result would not be the uninterrupted run's.
    /// </summary>
    /// <exception cref="ArgumentException">The values differ; the message names the setting and both values.</exception>
    internal void RequireSame(string key, double actual, string owner, string parameterName)
    {
        double saved = GetDouble(key);
        if (!saved.Equals(actual))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The checkpoint's {owner} has {key} = {saved} but this one has {key} = {actual}; resume with the settings the checkpoint was written with."),
                parameterName);
    }

    /// <summary>The same for a flag or a count.</summary>
    internal void RequireSame(string key, long actual, string owner, string parameterName)
    {
        long saved = GetInt64(key);
        if (saved != actual)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The checkpoint's {owner} has {key} = {saved} but this one has {key} = {actual}; resume with the settings the checkpoint was written with."),
                parameterName);
    }

    private T Get<T>(string key) where T : notnull
    {
        if (!_byKey.TryGetValue(key, out object? value)) throw Invalid($"{Path} has no entry '{key}'.");
        return value is T typed ? typed : throw Invalid($"{Path}/{key} is a {TypeName(value)}, not a {TypeName(typeof(T))}.");
    }

    private void AddValue(string key, object value)
    {
        _byKey.Add(key, value);
        _entries.Add(new(key, value));
    }

    private static string TypeName(object value) => TypeName(value.GetType());

    private static string TypeName(Type type) =>
        type == typeof(long) ? "integer" : type == typeof(double) ? "number" : type == typeof(string) ? "string"
        : type == typeof(float[]) ? "float array" : type == typeof(byte[]) ? "byte array" : "dictionary";

    private static InvalidDataException Invalid(string message) => new($"The checkpoint is invalid: {message}");
}
