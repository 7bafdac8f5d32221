using System.Runtime.InteropServices;

namespace NeuralNet.Benchmarks;

/// <summary>
/// OpenBLAS's <c>cblas_sgemm</c>, loaded at run time if the machine has it (Debian/Ubuntu: <c>libopenblas0</c>), as
/// the reference BLAS the kernel is measured against. Nothing in the library or its tests needs it.
/// </summary>
internal static unsafe class OpenBlas
{
    // CBLAS's enumerations (cblas.h).
    private const int ColumnMajor = 102, NoTranspose = 111;

    private static readonly nint Library = Load();

    private static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm =
        (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)Export("cblas_sgemm");

    private static readonly delegate* unmanaged<int, void> SetNumThreads = (delegate* unmanaged<int, void>)Export("openblas_set_num_threads");

    /// <summary>Whether an OpenBLAS library was found.</summary>
    internal static bool IsAvailable => Library != 0;

    /// <summary>Why the OpenBLAS cases do not run on this machine.</summary>
    internal const string Missing = "OpenBLAS was not found (libopenblas.so.0, libopenblas.so or libopenblas.dll); "
        + "on Debian or Ubuntu `apt-get install libopenblas0` provides it.";

    /// <summary>Sets the number of threads OpenBLAS's own pool uses.</summary>
    internal static void SetThreads(int threads)
    {
        Require();
        SetNumThreads(threads);
    }

    /// <summary>C = A · B for column-major m × k and k × n arrays, C m × n.</summary>
    internal static void Multiply(int m, int k, int n, float[] a, float[] b, float[] c)
    {
        Require();
        fixed (float* pa = a, pb = b, pc = c)
            Sgemm(ColumnMajor, NoTranspose, NoTranspose, m, n, k, 1f, pa, m, pb, k, 0f, pc, m);
    }

    private static void Require()
    {
        if (!IsAvailable) throw new InvalidOperationException(Missing);
    }

    private static nint Load()
    {
        foreach (string name in new[] { "libopenblas.so.0", "libopenblas.so", "libopenblas" })
            if (NativeLibrary.TryLoad(name, out nint handle)) return handle;
        return 0;
    }

    private static nint Export(string name) => Library != 0 && NativeLibrary.TryGetExport(Library, name, out nint address) ? address : 0;
}
