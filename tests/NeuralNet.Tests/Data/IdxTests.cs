using System.IO.Compression;
using NeuralNet.Data;

namespace NeuralNet.Tests.Data;

public sealed class IdxTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("idx-tests").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Magic 00 00 08 rank, big-endian dimensions, then the bytes.
    internal static byte[] Idx(int[] shape, byte[] data)
    {
        var bytes = new List<byte> { 0, 0, 0x08, (byte)shape.Length };
        foreach (int d in shape) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    internal static byte[] Gzip(byte[] bytes)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    [Fact]
    public void Reads_plain_and_gzipped_files_alike()
    {
        byte[] data = Enumerable.Range(0, 2 * 3 * 2).Select(i => (byte)(i * 20)).ToArray();
        byte[] file = Idx([2, 3, 2], data);
        File.WriteAllBytes(Path.Combine(_dir, "a"), file);
        File.WriteAllBytes(Path.Combine(_dir, "a.gz"), Gzip(file));
        foreach (string name in new[] { "a", "a.gz" })
        {
            var array = NeuralNet.Data.Idx.Read(Path.Combine(_dir, name));
            array.Shape.Should().Equal(2, 3, 2);
            array.Data.Should().Equal(data);
        }
    }

    [Fact]
    public void Dimensions_are_big_endian()
    {
        var array = NeuralNet.Data.Idx.Read(new MemoryStream(Idx([300], new byte[300])));
        array.Shape.Should().Equal(300);
    }

    [Fact]
    public void Truncated_foreign_or_unsupported_files_throw_InvalidDataException()
    {
        byte[] good = Idx([4, 2], new byte[8]);
        FluentActions.Invoking(() => NeuralNet.Data.Idx.Read(new MemoryStream(good[..^1]))).Should().Throw<InvalidDataException>().WithMessage("*truncated*");
        FluentActions.Invoking(() => NeuralNet.Data.Idx.Read(new MemoryStream("PK\u0003\u0004"u8.ToArray()))).Should().Throw<InvalidDataException>();
        byte[] floats = (byte[])good.Clone();
        floats[2] = 0x0d;
        FluentActions.Invoking(() => NeuralNet.Data.Idx.Read(new MemoryStream(floats))).Should().Throw<InvalidDataException>().WithMessage("*0x0d*");
    }

    [Fact]
    public void Mnist_pairs_images_with_labels_and_scales_pixels_to_0_1()
    {
        File.WriteAllBytes(Path.Combine(_dir, "train-images-idx3-ubyte.gz"), Gzip(Idx([2, 2, 2], [0, 255, 51, 102, 255, 0, 0, 0])));
        File.WriteAllBytes(Path.Combine(_dir, "train-labels-idx1-ubyte"), Idx([2], [7, 3]));
        File.WriteAllBytes(Path.Combine(_dir, "t10k-images-idx3-ubyte"), Idx([1, 2, 2], [255, 255, 255, 255]));
        Mnist.IsPresent(_dir).Should().BeFalse();
        FluentActions.Invoking(() => Mnist.Load(_dir)).Should().Throw<FileNotFoundException>().WithMessage("*t10k-labels-idx1-ubyte*");
        File.WriteAllBytes(Path.Combine(_dir, "t10k-labels-idx1-ubyte"), Idx([1], [9]));

        var (train, test) = Mnist.Load(_dir);
        train.Labels.Should().Equal(7, 3);
        train.Inputs.Row(0).ToArray().Should().Equal(0f, 1f, 0.2f, 0.4f);
        train.Inputs.Row(1).ToArray().Should().Equal(1f, 0f, 0f, 0f);
        test.Labels.Should().Equal(9);
    }
}
