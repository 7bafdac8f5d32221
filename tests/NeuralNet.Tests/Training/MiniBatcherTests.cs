using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

/// <summary>
/// The batches of an epoch, shuffled or not, on every vector path (shuffled rows are transposed from a row-major copy in
/// AVX 8 × 8 blocks and a scalar remainder): each batch row must be a whole row of the training set with its own target, every row
/// must come exactly once per epoch, and the order must be the seeded permutation whatever the path. The oracle is the
/// data itself: row i holds 1000·i + j in column j and i in its target.
/// </summary>
public class MiniBatcherTests
{
    public static TheoryData<int, int, bool> Cases()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (SimdWidth width in Enum.GetValues<SimdWidth>())
            foreach (int batch in new[] { 64, 37, 5 })   // whole 8 × 8 blocks, blocks and a tail, a tail only
                foreach (bool shuffle in new[] { true, false })
                    data.Add((int)width, batch, shuffle);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Every_row_comes_once_per_epoch_whole_and_with_its_target(int width, int batchSize, bool shuffle)
    {
        const int Rows = 203, Columns = 21;   // two whole blocks of eight columns and five more
        var x = Matrix<float>.Build.Dense(Rows, Columns, (i, j) => 1000f * i + j);
        var y = Matrix<float>.Build.Dense(Rows, 2, (i, j) => j == 0 ? i : -i);
        int[] Epoch(SimdWidth w, int seed)
        {
            using var forced = Simd.Force(w);
            using var batcher = new MiniBatcher(x, y, null, batchSize, seed);
            batcher.StartEpoch(shuffle);
            var seen = new List<int>();
            for (int b = 0; b < batcher.BatchCount; b++)
            {
                var (bx, by) = batcher.Batch(b);
                for (int r = 0; r < bx.RowCount; r++)
                {
                    int row = (int)by[r, 0];
                    by[r, 1].Should().Be(-row);
                    for (int j = 0; j < Columns; j++) bx[r, j].Should().Be(1000f * row + j, $"batch {b}, row {r}, column {j}");
                    seen.Add(row);
                }
            }
            return [.. seen];
        }

        int[] order = Epoch((SimdWidth)width, seed: 4);
        order.Should().BeEquivalentTo(Enumerable.Range(0, Rows), "every row once");
        if (shuffle)
        {
            order.Should().NotEqual(Enumerable.Range(0, Rows), "shuffled");
            order.Should().Equal(Epoch(SimdWidth.Scalar, seed: 4), "the same permutation on the scalar path");
        }
        else
        {
            order.Should().Equal(Enumerable.Range(0, Rows));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_training_set_large_enough_for_a_copy_on_two_cores_comes_whole(int threads)
    {
        // Past MiniBatcher.ParallelCopyValues, with two threads allowed, each core transposes half of the rows (on a
        // one-core machine both halves run on the caller, and this checks the split's bounds only).
        const int Rows = 1403, Columns = 750;
        (Rows * Columns).Should().BeGreaterThan(MiniBatcher.ParallelCopyValues);
        var x = Matrix<float>.Build.Dense(Rows, Columns, (i, j) => 1000f * i + j);
        var y = Matrix<float>.Build.Dense(Rows, 1, (i, _) => i);
        using var forced = KernelThreads.Force(threads);
        using var batcher = new MiniBatcher(x, y, null, 256, seed: 9);
        batcher.StartEpoch(shuffle: true);
        var seen = new bool[Rows];
        int wrong = 0;
        for (int b = 0; b < batcher.BatchCount; b++)
        {
            var (bx, by) = batcher.Batch(b);
            for (int r = 0; r < bx.RowCount; r++)
            {
                int row = (int)by[r, 0];
                seen[row].Should().BeFalse($"row {row} comes once");
                seen[row] = true;
                for (int j = 0; j < Columns; j++)
                    if (bx[r, j] != 1000f * row + j) wrong++;
            }
        }
        wrong.Should().Be(0, "every value of every row is in place");
        seen.Should().AllBeEquivalentTo(true);
    }
}
