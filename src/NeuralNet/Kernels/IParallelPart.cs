namespace NeuralNet.Kernels;

/// <summary>
/// A piece of work <see cref="KernelThreads"/> can hand to a helper: a block of a product, or a range of an optimizer's
/// update. A plain struct run by a static method, so handing it over needs no delegate, closure or allocation.
/// </summary>
/// <typeparam name="TSelf">The part type itself.</typeparam>
internal interface IParallelPart<TSelf> where TSelf : unmanaged, IParallelPart<TSelf>
{
    /// <summary>Does the part's work on the calling thread. Parts of one call never write the same memory.</summary>
    static abstract void Run(in TSelf part);
}
