using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Data;

/// <summary>
/// MNIST (LeCun &amp; Cortes; CC BY-SA 3.0): 60,000 training and 10,000 test images of 28 × 28 pixels, read from the
/// four original IDX files (plain or with a <c>.gz</c> suffix). Pixels are scaled to [0, 1].
/// </summary>
public static class Mnist
{
    /// <summary>The four file names, as the original distribution names them.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>Whether all four files are in <paramref name="directory"/> (plain or .gz).</summary>
    public static bool IsPresent(string directory) => FileNames.All(name => Find(directory, name) is not null);

    /// <summary>Loads the training and test sets from a directory holding the four IDX files.</summary>
    /// <exception cref="FileNotFoundException">A file is missing (the message names it).</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or images and labels disagree.</exception>
    public static (LabeledData Train, LabeledData Test) Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return (Load(directory, "train"), Load(directory, "t10k"));
    }

    private static LabeledData Load(string directory, string prefix)
    {
        IdxArray images = Idx.Read(Require(directory, $"{prefix}-images-idx3-ubyte"));
        IdxArray labels = Idx.Read(Require(directory, $"{prefix}-labels-idx1-ubyte"));
        return FromIdx(images, labels, prefix);
    }

    /// <summary>Pairs an image array (count × rows × columns) with a label array (count), scaling pixels to [0, 1].</summary>
    /// <exception cref="InvalidDataException">The shapes disagree or a label is above 9.</exception>
    public static LabeledData FromIdx(IdxArray images, IdxArray labels, string source = "MNIST")
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.Shape.Length != 3 || labels.Shape.Length != 1 || images.Shape[0] != labels.Shape[0])
            throw new InvalidDataException(
                $"{source}: images of shape [{string.Join(", ", images.Shape)}] don't pair with labels of shape [{string.Join(", ", labels.Shape)}].");
        int count = images.Shape[0], features = images.Shape[1] * images.Shape[2];
        int bad = Array.FindIndex(labels.Data, l => l > 9);
        if (bad >= 0) throw new InvalidDataException($"{source}: label {bad} is {labels.Data[bad]}; digits are 0 … 9.");

        // Row-major bytes into a column-major matrix: element (i, j) at j·count + i.
        var values = new float[count * features];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < features; j++)
                values[j * count + i] = images.Data[i * features + j] / 255f;
        return new LabeledData(Matrix<float>.Build.Dense(count, features, values), labels.Data.Select(b => (int)b).ToArray(), 10);
    }

    private static string Require(string directory, string name) =>
        Find(directory, name) ?? throw new FileNotFoundException(
            $"MNIST file '{name}' (or '{name}.gz') is not in '{Path.GetFullPath(directory)}'.", Path.Combine(directory, name));

    private static string? Find(string directory, string name) =>
        new[] { name, name + ".gz" }.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists);
}
