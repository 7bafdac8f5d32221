namespace NeuralNet.Onnx.Tests;

/// <summary>A fresh directory under the system's temporary folder, deleted with everything in it on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    internal string Path { get; } = Directory.CreateTempSubdirectory("onnx-export-").FullName;

    internal string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
