using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Serialization;

namespace NeuralNet;

public sealed partial class Mlp
{
    /// <summary>
    /// Writes the model (each layer's kind, config and state: parameters and buffers) to a stream in the versioned model format
    /// described in <c>docs/model-format.md</c>, starting at the stream's position.
    /// </summary>
    /// <remarks>
    /// The model is checked before the first byte is written. Save may run while other threads call
    /// <see cref="Predict(Matrix{float})"/>, but not while the parameters change (training, an optimizer step).
    /// </remarks>
    /// <param name="stream">A writable stream; it is left open, positioned after the model.</param>
    /// <exception cref="ArgumentException">The stream is not writable.</exception>
    /// <exception cref="NotSupportedException">
    /// A layer cannot be stored: it is not an <see cref="Layers.ISerializableLayer"/> registered with <see cref="Layers.LayerRegistry"/>
    /// (a user's own layer that was not registered); the message names the layer.
    /// </exception>
    /// <exception cref="InvalidOperationException">A parameter holds NaN or ∞.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(stream));
        new ModelWriter(this).WriteTo(stream);
    }

    /// <summary>
    /// Writes the model to a file, atomically: it writes a temporary file in the same folder, flushes it to disk and
    /// renames it over <paramref name="path"/>, so a crash or an exception mid-save never destroys an existing model.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="NotSupportedException">A layer's type cannot be stored; the message names the layer.</exception>
    /// <exception cref="InvalidOperationException">A parameter holds NaN or ∞.</exception>
    /// <exception cref="IOException">The file system failed (the folder is missing, the disk is full, …); the target is untouched.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var writer = new ModelWriter(this); // Checks the model before the file is touched.
        AtomicFile.Write(path, writer.WriteTo);
    }

    /// <summary>
    /// Reads a model written by <see cref="Save(Stream)"/> from the stream's position, leaving the stream just after it.
    /// Everything is validated (magic, version, layers and shapes, length, SHA-256 checksum, finite parameters)
    /// before any layer is built. <see cref="Predict(Matrix{float})"/> of the loaded model is bit-identical to the saved one's.
    /// </summary>
    /// <param name="stream">A readable stream; it is left open.</param>
    /// <returns>The model, with every layer of the saved one.</returns>
    /// <exception cref="ArgumentException">The stream is not readable.</exception>
    /// <exception cref="InvalidDataException">
    /// The bytes are not a valid model: empty, truncated, corrupted, foreign, of a newer format version, or claiming
    /// absurd sizes. The message says what is wrong. No other exception comes from the bytes themselves; the
    /// stream's own failures (an <see cref="IOException"/> reading a disk, say) pass through unchanged.
    /// </exception>
    public static Mlp Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ArgumentException("The stream is not readable.", nameof(stream));
        return ModelReader.Read(stream, requireEnd: false);
    }

    /// <summary>Reads a model from a file written by <see cref="Save(string)"/>; the file must hold exactly one model.</summary>
    /// <param name="path">The model file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid model (see <see cref="Load(Stream)"/>), or has bytes after it.</exception>
    /// <exception cref="FileNotFoundException">There is no such file (other <see cref="IOException"/>s of the file system pass through too).</exception>
    public static Mlp Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return ModelReader.Read(file, requireEnd: true);
    }
}
