namespace NeuralNet.Serialization;

/// <summary>
/// Writes a file so that a crash or an exception part-way never leaves a truncated file, nor destroys the file that
/// was there: the content goes to a temporary file in the same folder, is flushed to disk, and is renamed over the
/// target (atomic on one volume). Every file the library writes (models, ONNX exports) goes through here.
/// </summary>
public static class AtomicFile
{
    /// <summary>Creates or replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is given.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the whole content; the stream is a new file, closed afterwards.</param>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="IOException">The file system failed (missing folder, full disk, …); the target is untouched.</exception>
    /// <remarks>
    /// Whatever <paramref name="write"/> throws reaches the caller unchanged, after the temporary file is removed; a failure
    /// to remove it never hides that exception.
    /// </remarks>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string target = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(file);
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
