using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using NeuralNet.Layers;
using NeuralNet.Tests.Serialization;

namespace NeuralNet.Tests;

/// <summary>
/// Predict on several threads runs the whole network on one block of rows per core. The oracle for the bits is the same
/// model on one thread, layer by layer through <see cref="ILayer.Predict"/>: every thread count and every batch size
/// (blocks of whole and partial units, a last block larger than the rest) must give exactly its numbers.
/// </summary>
[Collection(nameof(Kernels.KernelThreadsTests))]   // counts the kernel's parts: nothing else may hand any out meanwhile
public class RowBlockPredictTests
{
    public static TheoryData<int> Batches() => [15, 16, 17, 24, 31, 33, 40, 47, 48, 64, 100, 255, 300];

    [Theory, MemberData(nameof(Batches))]
    public void Every_thread_count_gives_the_bits_of_one_thread_layer_by_layer(int rows)
    {
        // Wide enough that 16 rows are worth blocks (RowBlocks.MinimumWork, MinimumRowWork: 156 K multiply-adds a row).
        Mlp model = SampleModels.EveryLayerKind(wideInputs: 300);
        Matrix<float> x = SampleModels.Inputs(rows, 300, seed: rows);
        Matrix<float> h = x;
        using (KernelThreads.Force(1))
            foreach (ILayer layer in model.Layers) h = layer.Predict(h);
        float[] expected = h.AsColumnMajorArray();

        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var forced = KernelThreads.Force(threads);
            var before = KernelThreads.PartCounts;
            model.Predict(x).AsColumnMajorArray().Should().Equal(expected, $"Predict(Matrix) on {threads} thread(s)");
            var after = KernelThreads.PartCounts;
            if (threads >= 2 && KernelThreads.Count >= 2 && rows >= 16)
                (after.RunByHelpers + after.TakenBack).Should().BeGreaterThan(before.RunByHelpers + before.TakenBack, "the rows run in blocks");
            var output = Matrix<float>.Build.Dense(rows, 3);
            model.Predict(x, output);
            output.AsColumnMajorArray().Should().Equal(expected, $"Predict(Matrix, Matrix) on {threads} thread(s)");
            var span = new float[rows * 3];
            model.Predict(x.ToRowMajorArray(), span);
            span.Should().Equal(h.ToRowMajorArray(), $"Predict(span, span) on {threads} thread(s)");
        }
    }

    [Fact]
    public void A_large_batch_runs_its_blocks_on_the_helpers_with_the_bits_of_one_thread()
    {
        // The MNIST shape, where the products are large enough to matter. On a one-core machine there is no helper and the
        // blocks run one after the other on the caller; the bits are checked either way.
        var model = new Mlp(new Dense(784, 256, seed: 1), new ReLU(), new Dense(256, 128, seed: 2), new ReLU(), new Dense(128, 10, seed: 3), new Softmax());
        Matrix<float> x = SampleModels.Inputs(256, 784, seed: 3);
        long parts = PartsOnTwoThreads(model, x);
        if (KernelThreads.Count >= 2) parts.Should().BeGreaterThan(0, "the second block is a helper's part");
    }

    [Theory]
    [InlineData(784, 256, 10, 8, 1)]   // 1.6 M multiply-adds: under RowBlocks.MinimumWork, the first product's halves, one on the helper
    [InlineData(64, 32, 10, 16, 0)]    // 2,368 multiply-adds a row (under MinimumRowWork): one thread at every batch size
    [InlineData(64, 32, 10, 1024, 0)]
    [InlineData(256, 128, 10, 32, 1)]  // 1.1 M: the first product's k in halves, one on the helper
    [InlineData(256, 128, 10, 64, 1)]  // 2.2 M: two row blocks
    public void How_many_parts_a_batch_hands_out_follows_its_arithmetic(int inputs, int hidden, int outputs, int rows, int parts)
    {
        // On a one-core machine nothing ever runs on a helper, and this checks only the bits.
        var model = new Mlp(new Dense(inputs, hidden, seed: 1), new ReLU(), new Dense(hidden, outputs, seed: 2), new Softmax());
        Matrix<float> x = SampleModels.Inputs(rows, inputs, seed: 5);
        long handedOut = PartsOnTwoThreads(model, x);
        if (KernelThreads.Count >= 2 || parts == 0) handedOut.Should().Be(parts, "parts handed to the helper");
    }

    /// <summary>Predicts on one thread and on two, asserts the same bits, and returns how many parts the two-thread call handed out.</summary>
    private static long PartsOnTwoThreads(Mlp model, Matrix<float> x)
    {
        Matrix<float> one, two;
        using (KernelThreads.Force(1)) one = model.Predict(x);
        var before = KernelThreads.PartCounts;
        using (KernelThreads.Force(2)) two = model.Predict(x);
        var after = KernelThreads.PartCounts;
        two.AsColumnMajorArray().Should().Equal(one.AsColumnMajorArray());
        return after.RunByHelpers + after.TakenBack - before.RunByHelpers - before.TakenBack;
    }

    [Fact]
    public void A_network_with_a_layer_of_the_users_own_runs_layer_by_layer()
    {
        // A user's layer may look across rows; such a network is never cut into blocks. This one scales each row by the
        // batch's row count, so a block would see the wrong count.
        var model = new Mlp(new Dense(3, 4, seed: 1), new RowCountScale(), new Dense(4, 2, seed: 2));
        Matrix<float> x = SampleModels.Inputs(64, 3, seed: 4);
        Matrix<float> expected;
        using (KernelThreads.Force(1)) expected = model.Predict(x);
        using (KernelThreads.Force(2)) model.Predict(x).AsColumnMajorArray().Should().Equal(expected.AsColumnMajorArray());
        model.Layers[1].Predict(model.Layers[0].Predict(x))[0, 0].Should().Be(model.Layers[0].Predict(x)[0, 0] * 64);
    }

    private sealed class RowCountScale : ILayer
    {
        public IReadOnlyList<Parameter> Parameters => [];
        public int? InputWidth => null;
        public int? OutputWidth(int? inputWidth) => inputWidth;
        public WeightInitialization InitializationBefore => WeightInitialization.Auto;
        public Matrix<float> Forward(Matrix<float> input) => Predict(input);
        public Matrix<float> Backward(Matrix<float> outputGradient) => outputGradient * outputGradient.RowCount;
        public Matrix<float> Predict(Matrix<float> input) => input * input.RowCount;
    }
}
