using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Serialization;

namespace NeuralNet;

public sealed partial class Mlp
{
    /// <summary>
    /// Writes the model (layer kinds and shapes, and every parameter) to a stream in the versioned model format
    /// described in <c>docs/model-format.md</c>, starting at the stream's position.
    /// </summary>
    /// <remarks>
    /// The model is checked before the first byte is written. Save may run while other threads call
    /// <see cref="Predict(Matrix{float})"/>, but not while the parameters change (training, an optimizer step).
    /// </remarks>
    /// <param name="stream">A writable stream; it is left open, positioned after the model.</param>
    /// <exception cref="ArgumentException">The stream is not writable.</exception>
    /// <exception cref="NotSupportedException">A layer's type cannot be stored (a user's own <see cref="Layers.ILayer"/>); the message names the layer.</exception>
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
        var writer = new ModelWriter(this);
        string target = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                writer.WriteTo(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
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

    /// <summary>Removes a leftover temporary file without hiding the exception that made it a leftover.</summary>
    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path); // No-op when it was never created.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
