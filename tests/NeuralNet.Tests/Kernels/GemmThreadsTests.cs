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
        // 64 × 64 × 64 = 2¹⁸ multiply-adds: just large enough to be split, so the caller's own part is short.
        var (x, w, b) = (TestData.Uniform(64, 64, 1), TestData.Uniform(64, 64, 2), TestData.Uniform(64, 1, 3));
        ((long)64 * 64 * 64).Should().BeGreaterThanOrEqualTo(Gemm.ParallelThreshold, "the product must be split to test the helpers");
        var expected = Matrix<float>.Build.Dense(64, 64);
        using (GemmThreads.Force(1)) DenseProducts.Forward(x, w, b, expected);

        var z = Matrix<float>.Build.Dense(64, 64);
        var before = GemmThreads.PartCounts;
        bool BothWaysSeen()
        {
            var now = GemmThreads.PartCounts;
            return now.RunByHelpers > before.RunByHelpers && now.TakenBack > before.TakenBack;
        }

        // Rounds until both ways of finishing a part have happened (a few rounds on a quiet machine; on a busy one the
        // helper may get no core for a while, hence a generous limit). Every product is checked on the way.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (GemmThreads.Force(2))
        {
            for (int round = 0; round < 40 || (!BothWaysSeen() && clock.Elapsed < TimeSpan.FromSeconds(30)); round++)
            {
                // A pause longer than the helper's spin: it goes to sleep, and waking it takes longer than the caller's
                // own part, so the caller usually takes the helper's part back. Then back to back: the helper spins.
                Thread.Sleep(2);
                for (int call = 0; call < 5; call++)
                {
                    z.Clear();
                    DenseProducts.Forward(x, w, b, z);
                    z.Should().Be(expected, $"round {round}, call {call}");
                }
            }
        }
        if (GemmThreads.Count > 1)
        {
            var after = GemmThreads.PartCounts;
            (after.RunByHelpers - before.RunByHelpers).Should().BePositive("a spinning helper takes the part posted to it");
            (after.TakenBack - before.TakenBack).Should().BePositive("a part a sleeping helper has not started is taken back");
        }
    }
}
