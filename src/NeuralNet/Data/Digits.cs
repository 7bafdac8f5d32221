using MathNet.Numerics.LinearAlgebra;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;

namespace NeuralNet.Data;

/// <summary>
/// The UCI optical handwritten digits (Alpaydin &amp; Kaynak, 1998; CC BY 4.0), as scikit-learn ships them:
/// 1,797 images of 8 × 8 pixels with values 0 … 16, and labels 0 … 9. The file is a gzip'd CSV without header,
/// 65 integers a line: 64 pixels then the label.
/// </summary>
public static class Digits
{
    /// <summary>The SHA-256 of <c>digits.csv.gz</c>, verified on load.</summary>
    public const string Sha256 = "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a";

    /// <summary>Pixels per image (8 × 8).</summary>
    public const int Features = 64;

    /// <summary>The number of samples in the set.</summary>
    public const int Count = 1797;

    /// <summary>Loads the set, verifying its checksum. Pixels are returned as they are stored, 0 … 16.</summary>
    /// <param name="path">The path of <c>digits.csv.gz</c>.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The checksum differs or a line is malformed.</exception>
    public static LabeledData Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The digits file '{path}' does not exist.", path);
        byte[] bytes = File.ReadAllBytes(path);
        string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != Sha256)
            throw new InvalidDataException($"'{path}' has SHA-256 {actual} but the digits set has {Sha256}; the file is corrupted or a different one.");
        return Parse(new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress), path);
    }

    /// <summary>Parses the CSV form (already decompressed) from a stream, without checksum.</summary>
    internal static LabeledData Parse(Stream csv, string source)
    {
        using var reader = new StreamReader(csv);
        var pixels = new List<float[]>(Count);
        var labels = new List<int>(Count);
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            string[] fields = line.Split(',');
            if (fields.Length != Features + 1)
                throw new InvalidDataException($"{source}, line {lineNumber}: expected {Features + 1} values but found {fields.Length}.");
            var row = new float[Features];
            for (int k = 0; k < Features; k++) row[k] = ParseInt(fields[k], 0, 16, source, lineNumber);
            pixels.Add(row);
            labels.Add(ParseInt(fields[Features], 0, 9, source, lineNumber));
        }
        if (pixels.Count == 0) throw new InvalidDataException($"{source} holds no samples.");
        var inputs = Matrix<float>.Build.Dense(pixels.Count, Features, (i, j) => pixels[i][j]);
        return new LabeledData(inputs, labels.ToArray(), 10);
    }

    private static int ParseInt(string field, int min, int max, string source, int lineNumber) =>
        int.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new InvalidDataException($"{source}, line {lineNumber}: '{field}' is not an integer in {min} … {max}.");
}
