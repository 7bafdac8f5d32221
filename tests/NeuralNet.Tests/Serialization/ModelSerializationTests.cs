using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Tests.Serialization;

public sealed class ModelSerializationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralnet-save-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Round_trip_through_a_stream_predicts_bit_identically()
    {
        Mlp model = SampleModels.EveryLayerKind();
        Matrix<float> x = SampleModels.Inputs(33, 5, seed: 1);

        Mlp loaded = SampleModels.Load(SampleModels.Bytes(model));

        loaded.Layers.Select(l => l.ToString()).Should().Equal(model.Layers.Select(l => l.ToString()));
        loaded.Predict(x).AsColumnMajorArray().Should().Equal(model.Predict(x).AsColumnMajorArray());
        for (int p = 0; p < model.Parameters.Count; p++)
            loaded.Parameters[p].Value.AsColumnMajorArray().Should().Equal(model.Parameters[p].Value.AsColumnMajorArray());
    }

    [Fact]
    public void Round_trip_through_a_file_predicts_bit_identically_and_leaves_no_temporary_file()
    {
        Mlp model = SampleModels.EveryLayerKind();
        Matrix<float> x = SampleModels.Inputs(9, 5, seed: 2);
        string path = Path.Combine(_folder, "model.nnet");

        model.Save(path);
        Mlp loaded = Mlp.Load(path);

        loaded.Predict(x).AsColumnMajorArray().Should().Equal(model.Predict(x).AsColumnMajorArray());
        Directory.GetFiles(_folder).Should().Equal(path);
    }

    [Fact]
    public void Saving_over_an_existing_model_replaces_it()
    {
        string path = Path.Combine(_folder, "model.nnet");
        SampleModels.Small().Save(path);
        Mlp second = SampleModels.EveryLayerKind();

        second.Save(path);

        File.ReadAllBytes(path).Should().Equal(SampleModels.Bytes(second));
    }

    [Fact]
    public void A_model_that_cannot_be_saved_leaves_the_existing_file_untouched()
    {
        string path = Path.Combine(_folder, "model.nnet");
        SampleModels.Small().Save(path);
        byte[] before = File.ReadAllBytes(path);
        var model = new Mlp(new Dense(3, 2, seed: 1), new CustomLayer());

        Action save = () => model.Save(path);

        save.Should().Throw<NotSupportedException>().WithMessage("*Layer 1*CustomLayer*");
        File.ReadAllBytes(path).Should().Equal(before);
        Directory.GetFiles(_folder).Should().Equal(path);
    }

    [Fact]
    public void A_failed_rename_removes_the_temporary_file()
    {
        string target = Path.Combine(_folder, "taken");
        Directory.CreateDirectory(target); // A folder cannot be replaced by a file.

        Action save = () => SampleModels.Small().Save(target);

        save.Should().Throw<IOException>();
        Directory.GetFiles(_folder).Should().BeEmpty();
    }

    [Fact]
    public void A_missing_folder_is_an_IOException_not_a_partial_file()
    {
        Action save = () => SampleModels.Small().Save(Path.Combine(_folder, "missing", "model.nnet"));

        save.Should().Throw<DirectoryNotFoundException>();
    }

    [Fact]
    public void A_model_with_a_non_finite_parameter_is_not_saved()
    {
        Mlp model = SampleModels.Small();
        model.Parameters[2].Value[1, 3] = float.NaN;

        Action save = () => model.Save(new MemoryStream());

        save.Should().Throw<InvalidOperationException>().WithMessage("*Layer 2*weights*[1, 3]*NaN*");
    }

    [Fact]
    public void Load_from_a_stream_stops_after_the_model_so_models_can_follow_each_other()
    {
        Mlp first = SampleModels.Small(), second = SampleModels.EveryLayerKind();
        var stream = new MemoryStream();
        first.Save(stream);
        second.Save(stream);
        stream.Position = 0;

        Mlp a = Mlp.Load(stream), b = Mlp.Load(stream);

        stream.Position.Should().Be(stream.Length);
        a.ToString().Should().Be(first.ToString());
        b.ToString().Should().Be(second.ToString());
    }

    [Fact]
    public void Load_from_a_file_rejects_bytes_after_the_model()
    {
        string path = Path.Combine(_folder, "model.nnet");
        File.WriteAllBytes(path, [.. SampleModels.Bytes(SampleModels.Small()), 0]);

        Action load = () => Mlp.Load(path);

        load.Should().Throw<InvalidDataException>().WithMessage("*unexpected bytes after*");
    }

    [Fact]
    public void A_stream_that_fails_passes_its_IOException_through()
    {
        byte[] bytes = SampleModels.Bytes(SampleModels.Small());

        Action load = () => Mlp.Load(new FailingStream(bytes, failAt: 40));

        load.Should().Throw<IOException>().Which.Should().NotBeOfType<EndOfStreamException>().And.NotBeOfType<InvalidDataException>();
    }

    [Fact]
    public void Streams_that_cannot_read_or_write_are_argument_errors()
    {
        var readOnly = new MemoryStream([], writable: false);
        Action save = () => SampleModels.Small().Save(readOnly);
        Action load = () => Mlp.Load(new WriteOnlyStream());

        save.Should().Throw<ArgumentException>().WithParameterName("stream");
        load.Should().Throw<ArgumentException>().WithParameterName("stream");
    }

    private sealed class CustomLayer : ILayer
    {
        public IReadOnlyList<Parameter> Parameters => [];
        public Matrix<float> Forward(Matrix<float> input) => input;
        public Matrix<float> Backward(Matrix<float> outputGradient) => outputGradient;
        public Matrix<float> Predict(Matrix<float> input) => input.Clone();
    }

    /// <summary>Serves <c>failAt</c> bytes, then fails as a broken disk would.</summary>
    private sealed class FailingStream(byte[] bytes, int failAt) : Stream
    {
        private readonly MemoryStream _inner = new(bytes, writable: false);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) =>
            _inner.Position >= failAt
                ? throw new IOException("The device is not ready.")
                : _inner.Read(buffer, offset, (int)Math.Min(count, failAt - _inner.Position));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class WriteOnlyStream : MemoryStream
    {
        public override bool CanRead => false;
    }
}
