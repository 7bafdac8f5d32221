namespace NeuralNet.Kernels;

/// <summary>
/// Process-wide settings of the compute kernel that runs the Dense layers' products and the optimizers' updates.
/// </summary>
public static class KernelSettings
{
    /// <summary>
    /// The number of threads a product or an optimizer update may use: the calling thread plus helpers, one per extra
    /// core. The default is every core (<see cref="Environment.ProcessorCount"/>); set 1 in hosts that want the library
    /// on one thread (a server that runs many requests at once, a benchmark of one core). Larger values than the core
    /// count use every core.
    /// </summary>
    /// <remarks>
    /// Results are bit-identical whatever it is: work is split only where every part owns its outputs, and each value
    /// sees the same operations in the same order. Takes effect from the next product or update.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int ThreadCount
    {
        get => KernelThreads.DefaultLimit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            KernelThreads.DefaultLimit = value;
        }
    }
}
