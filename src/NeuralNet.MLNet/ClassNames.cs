using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralNet.MLNet;

/// <summary>
/// A multiclass label's key values (the original labels MapValueToKey took), kept so that <c>PredictedLabel</c> carries
/// them (and MapKeyToValue turns a prediction back into a label) and <c>Score</c>'s slots are named after the classes.
/// </summary>
/// <remarks>Written as text, with the type's invariant round-trip form, so a loaded transformer rebuilds them exactly.</remarks>
internal abstract class ClassNames
{
    internal const string KeyValuesKind = "KeyValues";

    // The key value types this file writes; a code is the index here and must never change.
    private static readonly Codec[] Codecs =
    [
        new Codec<ReadOnlyMemory<char>>(TextDataViewType.Instance, v => v.ToString(), s => s.AsMemory()),
        new Codec<float>(NumberDataViewType.Single, v => v.ToString("R", CultureInfo.InvariantCulture), s => float.Parse(s, CultureInfo.InvariantCulture)),
        new Codec<double>(NumberDataViewType.Double, v => v.ToString("R", CultureInfo.InvariantCulture), s => double.Parse(s, CultureInfo.InvariantCulture)),
        new Codec<int>(NumberDataViewType.Int32, v => v.ToString(CultureInfo.InvariantCulture), s => int.Parse(s, CultureInfo.InvariantCulture)),
        new Codec<uint>(NumberDataViewType.UInt32, v => v.ToString(CultureInfo.InvariantCulture), s => uint.Parse(s, CultureInfo.InvariantCulture)),
        new Codec<long>(NumberDataViewType.Int64, v => v.ToString(CultureInfo.InvariantCulture), s => long.Parse(s, CultureInfo.InvariantCulture)),
        new Codec<ulong>(NumberDataViewType.UInt64, v => v.ToString(CultureInfo.InvariantCulture), s => ulong.Parse(s, CultureInfo.InvariantCulture)),
        new Codec<short>(NumberDataViewType.Int16, v => v.ToString(CultureInfo.InvariantCulture), s => short.Parse(s, CultureInfo.InvariantCulture)),
        new Codec<ushort>(NumberDataViewType.UInt16, v => v.ToString(CultureInfo.InvariantCulture), s => ushort.Parse(s, CultureInfo.InvariantCulture)),
        new Codec<byte>(NumberDataViewType.Byte, v => v.ToString(CultureInfo.InvariantCulture), s => byte.Parse(s, CultureInfo.InvariantCulture)),
        new Codec<sbyte>(NumberDataViewType.SByte, v => v.ToString(CultureInfo.InvariantCulture), s => sbyte.Parse(s, CultureInfo.InvariantCulture)),
        new Codec<bool>(BooleanDataViewType.Instance, v => v ? "True" : "False", s => bool.Parse(s)),
    ];

    private ClassNames(int code, string[] text) => (Code, Text) = (code, text);

    private int Code { get; }

    /// <summary>Each class's value as text, for <c>Score</c>'s slot names.</summary>
    public string[] Text { get; }

    public int Count => Text.Length;

    /// <summary>The label's key values, or null when it has none (a key loaded as a bare number).</summary>
    /// <exception cref="NotSupportedException">The key values are of a type this file cannot write.</exception>
    public static ClassNames? Of(DataViewSchema.Column label)
    {
        if (label.Annotations.Schema.GetColumnOrNull(KeyValuesKind) is not { Type: VectorDataViewType { ItemType: var item } })
            return null;
        int code = Array.FindIndex(Codecs, codec => codec.Type == item);
        if (code < 0)
            throw new NotSupportedException(
                $"The label column '{label.Name}' has key values of type {item}; the MLP trainer keeps key values of {string.Join(", ", Codecs.Select(c => c.Type))}. Map the label from one of those.");
        return Codecs[code].Read(code, label.Annotations);
    }

    /// <summary>Adds the key values, under their own type, to a column's annotations.</summary>
    public abstract void AddKeyValues(DataViewSchema.Annotations.Builder annotations);

    /// <summary>Adds the class names as SlotNames, for a vector of one slot per class.</summary>
    public void AddSlotNames(DataViewSchema.Annotations.Builder annotations)
    {
        ReadOnlyMemory<char>[] names = Text.Select(name => name.AsMemory()).ToArray();
        annotations.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, names.Length),
            (ref VBuffer<ReadOnlyMemory<char>> value) => CopyTo(names, ref value));
    }

    // Into the caller's buffer, never handing out ours: a reader may reuse (write into) the buffer it is given.
    private static void CopyTo<T>(T[] values, ref VBuffer<T> destination)
    {
        VBufferEditor<T> editor = VBufferEditor.Create(ref destination, values.Length);
        values.CopyTo(editor.Values);
        destination = editor.Commit();
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(Code);
        writer.Write(Count);
        foreach (string value in Text) writer.Write(value);
    }

    /// <exception cref="InvalidDataException">An unknown type or a value that does not parse.</exception>
    public static ClassNames Read(BinaryReader reader, int classes)
    {
        int code = reader.ReadInt32(), count = reader.ReadInt32();
        if (code < 0 || code >= Codecs.Length) throw new InvalidDataException($"The key values have the unknown type code {code}.");
        if (count != classes) throw new InvalidDataException($"The file holds {count} key values for {classes} classes.");
        var text = new string[count];
        for (int k = 0; k < count; k++) text[k] = reader.ReadString();
        return Codecs[code].Parse(code, text);
    }

    private abstract class Codec(PrimitiveDataViewType type)
    {
        public PrimitiveDataViewType Type { get; } = type;
        public abstract ClassNames Read(int code, DataViewSchema.Annotations annotations);
        public abstract ClassNames Parse(int code, string[] text);
    }

    private sealed class Codec<T>(PrimitiveDataViewType type, Func<T, string> format, Func<string, T> parse) : Codec(type)
    {
        public override ClassNames Read(int code, DataViewSchema.Annotations annotations)
        {
            VBuffer<T> values = default;
            annotations.GetValue(KeyValuesKind, ref values);
            T[] dense = values.DenseValues().ToArray();
            return new Names<T>(code, Type, dense, dense.Select(format).ToArray());
        }

        public override ClassNames Parse(int code, string[] text)
        {
            try
            {
                return new Names<T>(code, Type, text.Select(parse).ToArray(), text);
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"A key value of type {Type} does not parse: {e.Message}", e);
            }
            catch (OverflowException e)
            {
                throw new InvalidDataException($"A key value of type {Type} is out of range: {e.Message}", e);
            }
        }
    }

    private sealed class Names<T>(int code, PrimitiveDataViewType type, T[] values, string[] text) : ClassNames(code, text)
    {
        public override void AddKeyValues(DataViewSchema.Annotations.Builder annotations) =>
            annotations.Add(KeyValuesKind, new VectorDataViewType(type, values.Length), (ref VBuffer<T> value) => CopyTo(values, ref value));
    }
}
