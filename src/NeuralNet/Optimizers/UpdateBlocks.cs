using System.Numerics.Tensors;
using NeuralNet.Kernels;

namespace NeuralNet.Optimizers;

/// <summary>
/// An optimizer's update of one parameter, as a range of its values that can be cut into smaller ranges: what
/// <see cref="UpdateBlocks.Run"/> runs block by block, on two threads for a large parameter.
/// </summary>
/// <typeparam name="TSelf">The update type itself.</typeparam>
internal interface IBlockUpdate<TSelf> : IParallelPart<TSelf> where TSelf : unmanaged, IBlockUpdate<TSelf>
{
    /// <summary>The number of values in the range.</summary>
    int Length { get; }

    /// <summary>The same update restricted to values [start, start + length) of the range.</summary>
    TSelf Slice(int start, int length);

    /// <summary>Every pass of the update over the range, which is at most one block long.</summary>
    void RunBlock();

    /// <summary>The range, block by block.</summary>
    static void IParallelPart<TSelf>.Run(in TSelf range)
    {
        for (int start = 0; start < range.Length; start += UpdateBlocks.Length)
            range.Slice(start, Math.Min(UpdateBlocks.Length, range.Length - start)).RunBlock();
    }
}

/// <summary>
/// How optimizers walk a parameter. An update of several passes (Adam's twelve, momentum's four) makes every pass over
/// one block before it moves to the next: the block's θ, ∇L, state and scratch (at most six arrays, 48 KB) stay in
/// L1/L2 from one pass to the next, so each large array is read and written from L3 or memory once per step instead
/// of once per pass. A large parameter is also cut in two halves of whole blocks, one per core, on the kernel's
/// helper threads (<see cref="KernelThreads"/>). Each value sees the same operations in the same order whatever the
/// blocks and threads, so the results never depend on them.
/// </summary>
internal static class UpdateBlocks
{
    /// <summary>Values per block.</summary>
    internal const int Length = 2048;

    /// <summary>From this many values (128 KB, a 256 × 128 weight) a parameter's update runs on two threads.</summary>
    internal const int ParallelThreshold = 16 * Length;

    // Two blocks of scratch per thread: the caller and the helper each update their half with their own.
    [ThreadStatic] private static float[]? t_scratch;

    /// <summary>Runs <paramref name="update"/> over all its values, on two threads from <see cref="ParallelThreshold"/>.</summary>
    internal static void Run<TUpdate>(in TUpdate update) where TUpdate : unmanaged, IBlockUpdate<TUpdate>
    {
        int length = update.Length;
        if (length < ParallelThreshold)
        {
            TUpdate.Run(update);
            return;
        }
        int half = (length / 2 + Length - 1) / Length * Length;
        Span<TUpdate> halves = [update.Slice(0, half), update.Slice(half, length - half)];
        KernelThreads.Run<TUpdate>(halves, KernelThreads.Limit);
    }

    /// <summary>
    /// The gradient the update follows: ∇L + λθ in scratch block 0 (PyTorch's L2 weight decay, weights only), or ∇L
    /// itself when <paramref name="weightDecay"/> is 0.
    /// </summary>
    internal static ReadOnlySpan<float> WithWeightDecay(ReadOnlySpan<float> gradient, ReadOnlySpan<float> theta, float weightDecay)
    {
        if (weightDecay == 0f) return gradient;
        Span<float> decayed = Scratch(0, gradient.Length);
        TensorPrimitives.MultiplyAdd(theta, weightDecay, gradient, decayed);
        return decayed;
    }

    /// <summary>Scratch block <paramref name="index"/> (0 or 1) of the calling thread, <paramref name="length"/> values long.</summary>
    internal static Span<float> Scratch(int index, int length) => (t_scratch ??= new float[2 * Length]).AsSpan(index * Length, length);
}
