namespace NeuralNet.Samples;

/// <summary>
/// Writes a trained model to disk for the samples.
/// TODO(lead): replace the body with <c>model.Save(path)</c> once Mlp.Save (serialization branch) is merged;
/// until then this writes every parameter's shape and values in a plain binary layout.
/// </summary>
public static class ModelFile
{
    /// <summary>Saves the model's parameters to <paramref name="path"/> and returns the path.</summary>
    public static string Save(Mlp model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("NeuralNet.Samples parameters v0");
        writer.Write(model.ToString());
        writer.Write(model.Parameters.Count);
        foreach (Parameter p in model.Parameters)
        {
            writer.Write(p.Name);
            writer.Write(p.Value.RowCount);
            writer.Write(p.Value.ColumnCount);
            foreach (float v in p.Value.AsColumnMajorArray()) writer.Write(v);
        }
        return path;
    }
}
