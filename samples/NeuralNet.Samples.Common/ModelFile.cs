namespace NeuralNet.Samples;

/// <summary>Writes a trained model to disk for the samples, in the library's versioned format (<see cref="Mlp.Save(string)"/>).</summary>
public static class ModelFile
{
    /// <summary>Saves the model to <paramref name="path"/> (creating its folder) and returns the path.</summary>
    public static string Save(Mlp model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        model.Save(path);
        return path;
    }
}
