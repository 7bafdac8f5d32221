using NeuralNet.Serialization;

namespace NeuralNet.Tests.Serialization;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralnet-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class WriterFailed() : Exception("the callback failed");

    [Fact]
    public void A_callback_that_throws_leaves_the_target_byte_identical_and_no_temporary_file_and_its_exception_reaches_the_caller()
    {
        string path = Path.Combine(_folder, "model.nnmlp");
        byte[] before = [1, 2, 3, 4, 5, 0x89, 0xFF];
        File.WriteAllBytes(path, before);

        Action write = () => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100_000]); // part of a new content, beyond the old file's length
            stream.Flush();
            throw new WriterFailed();
        });

        write.Should().Throw<WriterFailed>().Which.Message.Should().Be("the callback failed");
        File.ReadAllBytes(path).Should().Equal(before);
        Directory.GetFiles(_folder).Should().Equal(path);
    }

    [Fact]
    public void A_callback_that_throws_when_there_was_no_file_leaves_none()
    {
        string path = Path.Combine(_folder, "new.nnmlp");

        FluentActions.Invoking(() => AtomicFile.Write(path, _ => throw new WriterFailed())).Should().Throw<WriterFailed>();

        Directory.GetFiles(_folder).Should().BeEmpty();
    }

    [Fact]
    public void A_callback_that_disposes_the_stream_before_throwing_still_surfaces_its_own_exception()
    {
        string path = Path.Combine(_folder, "model.nnmlp");
        File.WriteAllBytes(path, [7, 7]);

        // The flush after the callback never runs, and closing the stream twice must not replace the callback's exception.
        FluentActions.Invoking(() => AtomicFile.Write(path, stream => { stream.WriteByte(1); stream.Dispose(); throw new WriterFailed(); }))
            .Should().Throw<WriterFailed>();

        File.ReadAllBytes(path).Should().Equal(7, 7);
        Directory.GetFiles(_folder).Should().Equal(path);
    }

    [Fact]
    public void Success_replaces_the_file_and_leaves_nothing_else()
    {
        string path = Path.Combine(_folder, "model.nnmlp");
        File.WriteAllBytes(path, new byte[5000]);
        byte[] content = [.. Enumerable.Range(0, 300).Select(i => (byte)i)];

        AtomicFile.Write(path, stream => stream.Write(content));

        File.ReadAllBytes(path).Should().Equal(content);
        Directory.GetFiles(_folder).Should().Equal(path);
    }

    [Fact]
    public void A_missing_folder_is_an_IOException_and_nothing_is_created()
    {
        string path = Path.Combine(_folder, "missing", "model.nnmlp");
        bool called = false;

        FluentActions.Invoking(() => AtomicFile.Write(path, _ => called = true)).Should().Throw<IOException>();

        called.Should().BeFalse();
        Directory.Exists(Path.Combine(_folder, "missing")).Should().BeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_path_is_an_ArgumentException(string path) =>
        FluentActions.Invoking(() => AtomicFile.Write(path, _ => { })).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("path");
}
