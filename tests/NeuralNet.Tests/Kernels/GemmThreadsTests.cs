using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;

namespace NeuralNet.Tests.Kernels;

/// <summary>
/// The helper threads' handshake: a helper that is still spinning and one that has gone to sleep must both take the
/// next part, every time, and hand back a finished one (a lost wake-up would hang; a part read before it was complete
/// would give wrong bits).
/// </summary>
public class GemmThreadsTests
{
    [Fact]
    public void Back_to_back_and_spaced_out_products_on_two_threads_match_one_thread()
    {
        var (x, w, b) = (TestData.Uniform(64, 300, 1), TestData.Uniform(128, 300, 2), TestData.Uniform(128, 1, 3));
        var expected = Matrix<float>.Build.Dense(64, 128);
        using (GemmThreads.Force(1)) DenseProducts.Forward(x, w, b, expected);
        ((long)64 * 128 * 300).Should().BeGreaterThanOrEqualTo(Gemm.ParallelThreshold, "the product must be split to test the helpers");

        var random = new Random(4);
        var z = Matrix<float>.Build.Dense(64, 128);
        using (GemmThreads.Force(2))
        {
            for (int call = 0; call < 200; call++)
            {
                z.Clear();
                DenseProducts.Forward(x, w, b, z);
                z.Should().Be(expected, $"call {call}");
                // Mostly back to back (the helper is spinning), sometimes a pause longer than its spin (it sleeps).
                if (random.Next(4) == 0) Thread.Sleep(random.Next(1, 3));
            }
        }
    }
}
