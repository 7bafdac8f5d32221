using System.Runtime.InteropServices;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;

namespace NeuralNet;

public sealed partial class Mlp
{
    /// <summary>
    /// Inference on several cores by rows: the batch is cut into one block of rows per core and each core runs the whole
    /// network on its block, single-threaded, in buffers of its own. Between layers nothing crosses from one core to the
    /// other (a product split by columns instead hands every layer's output to the other core's cache, which on a machine
    /// whose vCPUs share no cache costs a fabric round trip per line), and each core's cache keeps its own copy of W.
    /// </summary>
    /// <remarks>
    /// The bits are those of one thread: in inference every built-in layer computes a row from that row alone, each
    /// product element is the same FMA chain over k (or two, by a rule of the layer's shape alone:
    /// <see cref="Kernels.DenseProducts.SumsInHalves"/>) whatever the rows around it (<see cref="Kernels.MicroKernel"/>), and the
    /// element-wise operators give the same bits at every vector width, so a row's position in its block does not matter.
    /// Blocks are whole multiples of <see cref="Unit"/> rows except the last, which is no smaller, so no block takes the
    /// path of one to three samples (each a GEMV whose k is summed in two halves) that the whole batch would not.
    /// </remarks>
    private sealed class RowBlocks
    {
        /// <summary>Rows per block are a multiple of this, the last block excepted (which has at least as many).</summary>
        internal const int Unit = 8;

        /// <summary>From this many rows on, a Predict with two or more threads runs in row blocks.</summary>
        internal const int MinimumRows = 2 * Unit;

        /// <summary>
        /// And from this many multiply-adds in the Dense layers: below it, handing a block to the other core, copying rows in
        /// and out and the two cores slowing each other down cost more than the block's arithmetic. Zen 5, two vCPUs 430–490 ns
        /// apart (a Stopwatch probe, one process, one and two threads alternated): 256-128-10 at 32 rows (1.1 M) ran 0.74×
        /// the one-thread speed in blocks and 1.25× with its first product's k in halves; at 64 rows (2.2 M) 1.35× in blocks.
        /// </summary>
        internal const long MinimumWork = 1L << 21;

        /// <summary>
        /// A network with fewer multiply-adds per row predicts on one thread at every batch size, neither in blocks nor with
        /// its products split (<see cref="Mlp.PredictInto"/> decides before it asks for blocks): its products are too short
        /// for a second core. On the machine above 64-32-10 (2,368 per row) ran 0.5–1.0× the one-thread speed in blocks from
        /// 64 to 2,048 rows (two one-thread Predicts of separate models at once each took 1.2–1.6× their time alone), and
        /// 0.6–0.8× with its products split.
        /// </summary>
        internal const long MinimumRowWork = 1L << 15;

        private readonly Mlp _model;
        private readonly Matrix<float>?[] _inputs, _outputs;
        private readonly Matrix<float>?[][] _scratch;
        private Matrix<float>? _input, _output;
        private readonly int[] _starts, _counts;

        private RowBlocks(Mlp model, int blocks)
        {
            _model = model;
            (_inputs, _outputs, _starts, _counts) = (new Matrix<float>?[blocks], new Matrix<float>?[blocks], new int[blocks], new int[blocks]);
            _scratch = new Matrix<float>?[blocks][];
            for (int b = 0; b < blocks; b++) _scratch[b] = new Matrix<float>?[model._layers.Length];
        }

        /// <summary>Runs the prediction in row blocks and returns true, or returns false when it should run as one block here.</summary>
        internal static bool TryRun(Mlp model, Matrix<float> input, Matrix<float> output, PredictBuffers buffers)
        {
            int rows = input.RowCount, threads = Math.Min(KernelThreads.Limit, KernelThreads.Count);
            if (threads < 2 || rows < MinimumRows || !model._rowIndependent || rows * model._multiplyAddsPerRow < MinimumWork
                || output.RowCount != rows || output.ColumnCount != model.OutputCount) return false;
            int blocks = Math.Min(threads, rows / Unit);
            RowBlocks job = buffers.Blocks is { } existing && existing._starts.Length == blocks
                ? existing
                : buffers.Blocks = new RowBlocks(model, blocks);
            // Equal blocks to the nearest Unit rows, unless that would leave the last one short; then whole Units, rest to the last.
            int chunk = (rows / blocks + Unit / 2) / Unit * Unit;
            if (rows - (blocks - 1) * chunk < Unit) chunk = rows / blocks / Unit * Unit;
            for (int b = 0; b < blocks; b++)
            {
                job._starts[b] = b * chunk;
                job._counts[b] = b == blocks - 1 ? rows - b * chunk : chunk;
            }
            (job._input, job._output) = (input, output);
            // The helpers reach this object through a handle that lives only for the call.
            GCHandle handle = GCHandle.Alloc(job);
            try
            {
                Span<Block> parts = stackalloc Block[blocks];
                for (int b = 0; b < blocks; b++) parts[b] = new Block(GCHandle.ToIntPtr(handle), b);
                KernelThreads.Run<Block>(parts, threads);
            }
            finally
            {
                handle.Free();
                (job._input, job._output) = (null, null);
            }
            return true;
        }

        /// <summary>Block <paramref name="b"/>: its rows copied in, the network on one thread, its rows copied out.</summary>
        private void Run(int b)
        {
            int start = _starts[b], count = _counts[b];
            Matrix<float> input = _input!, output = _output!;
            Matrix<float> x = _inputs[b] = Shapes.Reuse(_inputs[b], count, input.ColumnCount);
            Matrix<float> y = _outputs[b] = Shapes.Reuse(_outputs[b], count, output.ColumnCount);
            CopyRows(input.AsColumnMajorArray(), input.RowCount, start, x.AsColumnMajorArray(), count, toBlock: true);
            using (KernelThreads.Force(1)) _model.PredictLayers(x, y, _scratch[b]);
            CopyRows(output.AsColumnMajorArray(), output.RowCount, start, y.AsColumnMajorArray(), count, toBlock: false);
        }

        /// <summary>Rows [start, start + count) of a column-major matrix of <paramref name="rows"/> rows, to or from a block's own matrix.</summary>
        private static void CopyRows(float[] whole, int rows, int start, float[] block, int count, bool toBlock)
        {
            int columns = block.Length / count;
            for (int c = 0; c < columns; c++)
            {
                Span<float> inWhole = whole.AsSpan(c * rows + start, count), inBlock = block.AsSpan(c * count, count);
                if (toBlock) inWhole.CopyTo(inBlock); else inBlock.CopyTo(inWhole);
            }
        }

        /// <summary>One block as a kernel part: the job's handle and the block's index.</summary>
        private readonly struct Block(nint job, int index) : IParallelPart<Block>
        {
            static void IParallelPart<Block>.Run(in Block part) =>
                ((RowBlocks)GCHandle.FromIntPtr(part._job).Target!).Run(part._index);

            private readonly nint _job = job;
            private readonly int _index = index;
        }
    }
}
