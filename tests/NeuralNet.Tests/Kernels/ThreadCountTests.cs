using NeuralNet.Kernels;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests.Kernels;

/// <summary>
/// <see cref="KernelSettings.ThreadCount"/>. It is process-wide, so these tests run in the kernel-thread tests'
/// collection, never beside other tests of that collection, and restore it.
/// </summary>
[Collection(nameof(KernelThreadsTests))]
public sealed class ThreadCountTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Less_than_one_is_an_ArgumentOutOfRangeException_and_changes_nothing(int value)
    {
        int before = KernelSettings.ThreadCount;

        var error = FluentActions.Invoking(() => KernelSettings.ThreadCount = value).Should().Throw<ArgumentOutOfRangeException>().Which;

        error.ParamName.Should().Be("value");
        error.ActualValue.Should().Be(value);
        KernelSettings.ThreadCount.Should().Be(before);
    }

    [Fact]
    public void Training_on_one_thread_and_on_two_gives_bit_identical_weights()
    {
        // Products of 256 rows × 64 × 64 are large enough to be split across threads. On a one-core machine the
        // two-thread case runs on one thread too (ThreadCount larger than the core count uses every core), and the
        // test still checks that the setting changes no bit.
        var x = TestData.Uniform(256, 64, seed: 1);
        var y = TestData.OneHot(256, 10, seed: 2);
        float[][] Train(int threads)
        {
            int before = KernelSettings.ThreadCount;
            try
            {
                KernelSettings.ThreadCount = threads;
                KernelSettings.ThreadCount.Should().Be(threads);
                var model = new Mlp(new Dense(64, 64, seed: 3), new ReLU(), new Dense(64, 10, seed: 4), new Softmax());
                model.Fit(x, y, new CrossEntropyLoss(), new Adam(0.01f), new TrainingOptions { Epochs = 3, BatchSize = 128, Seed = 5 });
                return model.Parameters.Select(p => p.Value.AsColumnMajorArray().ToArray()).ToArray();
            }
            finally
            {
                KernelSettings.ThreadCount = before;
            }
        }

        float[][] one = Train(1), two = Train(2);

        two.Should().HaveCount(one.Length);
        for (int p = 0; p < one.Length; p++)
            two[p].Select(BitConverter.SingleToUInt32Bits).Should().Equal(one[p].Select(BitConverter.SingleToUInt32Bits), $"parameter {p}");
    }
}
