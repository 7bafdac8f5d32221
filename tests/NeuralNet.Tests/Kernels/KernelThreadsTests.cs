using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;

namespace NeuralNet.Tests.Kernels;

/// <summary>
/// The helper threads' handshake: a helper that is still spinning and one that has gone to sleep must both take the
/// next part, every time, and hand back a finished one (a lost wake-up would hang; a part read before it was complete
/// would give wrong bits), and a part that fails must fail the call, not the helpers.
/// </summary>
/// <remarks>
/// Not run beside other tests: the part counters are process-wide, and another test's products on the helpers would
/// be counted as this test's.
/// </remarks>
[Collection(nameof(KernelThreadsTests))]
[CollectionDefinition(nameof(KernelThreadsTests), DisableParallelization = true)]
public unsafe class KernelThreadsTests
{
    [Fact]
    public void Back_to_back_and_spaced_out_products_on_two_threads_match_one_thread()
    {
        // 64 × 64 × 64 = 2¹⁸ multiply-adds: just large enough to be split, so the caller's own part is short.
        var (x, w, b) = (TestData.Uniform(64, 64, 1), TestData.Uniform(64, 64, 2), TestData.Uniform(64, 1, 3));
        ((long)64 * 64 * 64).Should().BeGreaterThanOrEqualTo(Gemm.ParallelThreshold, "the product must be split to test the helpers");
        var expected = Matrix<float>.Build.Dense(64, 64);
        using (KernelThreads.Force(1)) DenseProducts.Forward(x, w, b, expected);

        var z = Matrix<float>.Build.Dense(64, 64);
        var before = KernelThreads.PartCounts;
        bool BothWaysSeen()
        {
            var now = KernelThreads.PartCounts;
            return now.RunByHelpers > before.RunByHelpers && now.TakenBack > before.TakenBack;
        }

        // Rounds until both ways of finishing a part have happened (a few rounds on a quiet machine; on a busy one the
        // helper may get no core for a while, hence a generous limit). Every product is checked on the way.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (KernelThreads.Force(2))
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
        if (KernelThreads.Count > 1)
        {
            var after = KernelThreads.PartCounts;
            (after.RunByHelpers - before.RunByHelpers).Should().BePositive("a spinning helper takes the part posted to it");
            (after.TakenBack - before.TakenBack).Should().BePositive("a part a sleeping helper has not started is taken back");
        }
    }

    [Fact]
    public void A_part_that_throws_reaches_the_caller_after_every_other_part_is_done_and_the_helpers_keep_working()
    {
        // A part with a null A faults in packing (a NullReferenceException in managed code): the stand-in for any
        // failure inside a part. Whether the helper runs it, the caller takes it back, or it is the caller's own part,
        // Run must rethrow it on the calling thread, only once the other part has written all of its block of C.
        const int m = 64, k = 64, n = 64;
        float[] a = TestData.Uniform(m, k, 1).AsColumnMajorArray(), b = TestData.Uniform(k, n, 2).AsColumnMajorArray();
        float[] expected = new float[m * n], c = new float[m * n];
        var faultsSeen = (ByHelper: 0, TakenBack: 0, OwnPart: 0);
        fixed (float* pa = a, pb = b, pc = c, pe = expected)
        {
            var problem = new GemmProblem
            {
                A = StridedMatrix.ColumnMajor(pa, m), B = StridedMatrix.ColumnMajor(pb, k), C = StridedMatrix.ColumnMajor(pe, m),
                M = m, N = n, K = k, Width = Simd.Width,
            };
            Gemm.RunSerial(problem);
            var parts = new GemmProblem[2];
            Gemm.Split(problem with { C = StridedMatrix.ColumnMajor(pc, m) }, parts).Should().Be(2);

            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int round = 0; round < 20 || (Missing() && clock.Elapsed < TimeSpan.FromSeconds(30)); round++)
            {
                int faulty = round % 3 == 2 ? 0 : 1;   // mostly the helper's part, which can end in either of two ways
                if (round % 2 == 0) Thread.Sleep(2);   // a sleeping helper: its part is usually taken back
                var faultyParts = (GemmProblem[])parts.Clone();
                faultyParts[faulty].A = new StridedMatrix(null, 1, m);
                Array.Clear(c);
                var countsBefore = KernelThreads.PartCounts;

                Exception? error = RunCatching(faultyParts);

                error.Should().BeOfType<NullReferenceException>($"round {round}: the faulty part's error reaches the caller");
                var countsAfter = KernelThreads.PartCounts;
                if (faulty == 0) faultsSeen.OwnPart++;
                else if (countsAfter.RunByHelpers > countsBefore.RunByHelpers) faultsSeen.ByHelper++;
                else if (countsAfter.TakenBack > countsBefore.TakenBack) faultsSeen.TakenBack++;
                // The healthy part finished before Run returned: its block of C is complete.
                int healthy = 1 - faulty, start = healthy == 0 ? 0 : parts[0].N, columns = parts[healthy].N;
                c.AsSpan(start * m, columns * m).ToArray().Should().Equal(expected.AsSpan(start * m, columns * m).ToArray(),
                    $"round {round}: the healthy part is finished before the error is thrown");

                // And the helpers still work: the next product is whole and right.
                Array.Clear(c);
                RunCatching(parts).Should().BeNull();
                c.Should().Equal(expected, $"round {round}: the product after a failed one");
            }
        }
        faultsSeen.OwnPart.Should().BePositive();
        if (KernelThreads.Count > 1)
        {
            faultsSeen.ByHelper.Should().BePositive("a spinning helper runs the faulty part and hands its error back");
            faultsSeen.TakenBack.Should().BePositive("a faulty part taken back from a sleeping helper throws on the caller");
        }

        bool Missing() => KernelThreads.Count > 1 && (faultsSeen.ByHelper == 0 || faultsSeen.TakenBack == 0);
        static Exception? RunCatching(GemmProblem[] parts)
        {
            try
            {
                KernelThreads.Run(parts, threads: 2);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }
    }
}
