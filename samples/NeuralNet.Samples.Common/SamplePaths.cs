namespace NeuralNet.Samples;

/// <summary>Where the samples find the repository's data and write their pictures and models.</summary>
public static class SamplePaths
{
    /// <summary>The repository root: the nearest folder above the program (or the current folder) holding NeuralNet.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The committed digits set.</summary>
    public static string Digits => Path.Combine(Root, "data", "digits.csv.gz");

    /// <summary>Where <c>scripts/fetch-mnist.sh</c> puts MNIST.</summary>
    public static string MnistDirectory => Path.Combine(Root, "data", "mnist");

    /// <summary>The command that fetches MNIST, as a user types it from the repository root.</summary>
    public const string FetchMnistCommand = "scripts/fetch-mnist.sh";

    /// <summary>Where samples write plots and models by default (git-ignored).</summary>
    public static string Output => Path.Combine(Root, "artifacts", "samples");

    /// <summary>The output folder, created if needed.</summary>
    public static string EnsureDirectory(string? directory)
    {
        string path = directory ?? Output;
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "NeuralNet.sln"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
