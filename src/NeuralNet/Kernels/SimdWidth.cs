using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralNet.Kernels;

/// <summary>The vector widths the kernels can run at, widest first.</summary>
internal enum SimdWidth
{
    /// <summary>Plain scalar code: the reference every vector path is tested against.</summary>
    Scalar = 0,
    /// <summary>128-bit vectors (SSE / NEON).</summary>
    Vector128 = 128,
    /// <summary>256-bit vectors (AVX2).</summary>
    Vector256 = 256,
    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512 = 512,
}

/// <summary>
/// Chooses the widest vector path the hardware accelerates, with an internal switch that lets tests
/// force a narrower one so that every path runs on a machine that has AVX-512.
/// </summary>
internal static class Simd
{
    // The runtime reports Vector512 as not accelerated on CPUs that run AVX-512 double-pumped (AMD Zen 4), yet
    // the instructions are there and still pay in the GEMM (32 registers, half the instructions): ask for the ISA.
    private static readonly SimdWidth Hardware =
        Vector512.IsHardwareAccelerated || Avx512F.IsSupported ? SimdWidth.Vector512 :
        Vector256.IsHardwareAccelerated ? SimdWidth.Vector256 :
        Vector128.IsHardwareAccelerated ? SimdWidth.Vector128 : SimdWidth.Scalar;

    // Thread-static so that a test forcing one path cannot leak into tests running in parallel.
    [ThreadStatic] private static SimdWidth? s_limit;

    /// <summary>The widest path the hardware accelerates.</summary>
    internal static SimdWidth Supported => Hardware;

    /// <summary>The path kernels on the current thread use: the hardware's, unless a test forced another.</summary>
    internal static SimdWidth Width => s_limit ?? Hardware;

    /// <summary>
    /// Forces kernels on the current thread onto the <paramref name="limit"/> path until disposed. A path wider than
    /// the hardware still runs correctly (the runtime emulates the wide vectors with narrower ones), only slowly:
    /// that is how the Vector512 path is tested on a machine without AVX-512.
    /// </summary>
    internal static IDisposable Force(SimdWidth limit)
    {
        var previous = s_limit;
        s_limit = limit;
        return new Restore(previous);
    }

    private sealed class Restore(SimdWidth? previous) : IDisposable
    {
        public void Dispose() => s_limit = previous;
    }
}
