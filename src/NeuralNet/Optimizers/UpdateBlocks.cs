namespace NeuralNet.Optimizers;

/// <summary>
/// The block size of optimizer updates. An update of several passes (Adam's twelve, momentum's four) makes every pass
/// over one block of a parameter before it moves to the next: the block's θ, ∇L, state and scratch (at most six
/// arrays, 48 KB) stay in L1/L2 from one pass to the next, so each large array is read and written from L3 or memory
/// once per step instead of once per pass. Each element sees the same operations in the same order as unblocked, so
/// the results do not change.
/// </summary>
internal static class UpdateBlocks
{
    /// <summary>Elements per block.</summary>
    internal const int Length = 2048;

}
