using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralNet.Kernels;

/// <summary>
/// An element-wise operation of two inputs, written once per vector width, in the style of
/// <c>TensorPrimitives</c>' operator structs. <see cref="Elementwise"/> supplies the one loop that runs them all.
/// </summary>
internal interface IBinaryOperator
{
    static abstract float Invoke(float x, float y);
    static abstract Vector128<float> Invoke(Vector128<float> x, Vector128<float> y);
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y);
    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> y);
}

/// <summary>An element-wise operation of one input, written once per vector width.</summary>
internal interface IUnaryOperator
{
    static abstract float Invoke(float x);
    static abstract Vector128<float> Invoke(Vector128<float> x);
    static abstract Vector256<float> Invoke(Vector256<float> x);
    static abstract Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>
/// An element-wise operation of two inputs and a hyper-parameter a (a LeakyReLU slope, an ELU α), the same for every
/// element: the vector overloads receive a broadcast to every lane.
/// </summary>
internal interface IBinaryOperatorWithParameter
{
    static abstract float Invoke(float x, float y, float a);
    static abstract Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> a);
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> a);
    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> a);
}

/// <summary>An element-wise operation of one input and a hyper-parameter a, broadcast as in <see cref="IBinaryOperatorWithParameter"/>.</summary>
internal interface IUnaryOperatorWithParameter
{
    static abstract float Invoke(float x, float a);
    static abstract Vector128<float> Invoke(Vector128<float> x, Vector128<float> a);
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> a);
    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> a);
}

/// <summary>The shared SIMD loop for element-wise operators, at the width <see cref="Simd.Width"/> allows.</summary>
internal static class Elementwise
{
    /// <summary>destination[i] = TOp(x[i]).</summary>
    internal static void Apply<TOp>(ReadOnlySpan<float> x, Span<float> destination)
        where TOp : struct, IUnaryOperator
    {
        if (destination.Length < x.Length)
            throw new ArgumentException($"Destination has {destination.Length} elements but the input has {x.Length}.", nameof(destination));
        // Reuse the binary loop: the second operand is the first, ignored by the adapter.
        Apply<UnaryAsBinary<TOp>>(x, x, destination);
    }

    /// <summary>destination[i] = TOp(x[i], a).</summary>
    internal static void Apply<TOp>(ReadOnlySpan<float> x, float a, Span<float> destination)
        where TOp : struct, IUnaryOperatorWithParameter
    {
        if (destination.Length < x.Length)
            throw new ArgumentException($"Destination has {destination.Length} elements but the input has {x.Length}.", nameof(destination));
        Apply<UnaryWithParameterAsBinary<TOp>>(x, x, a, destination);
    }

    /// <summary>destination[i] = TOp(x[i], y[i]).</summary>
    internal static void Apply<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
        where TOp : struct, IBinaryOperator
        // The parameter loop with a parameter the adapter ignores: one loop for every operator.
        => Apply<BinaryAsBinaryWithParameter<TOp>>(x, y, 0f, destination);

    /// <summary>destination[i] = TOp(x[i], y[i], a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Apply<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float a, Span<float> destination)
        where TOp : struct, IBinaryOperatorWithParameter
    {
        if (x.Length != y.Length || destination.Length < x.Length)
            throw new ArgumentException($"Operand lengths differ: {x.Length}, {y.Length} and destination {destination.Length}.");

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dr = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)x.Length, i = 0;

        // Widest vectors first, then narrower ones and scalars for the tail. No overlapping last vector:
        // the destination may alias an input, and an operation applied twice would be wrong.
        SimdWidth width = Simd.Width;
        if (width >= SimdWidth.Vector512)
        {
            var a512 = Vector512.Create(a);
            for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
                TOp.Invoke(Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref yr, i), a512).StoreUnsafe(ref dr, i);
        }
        if (width >= SimdWidth.Vector256)
        {
            var a256 = Vector256.Create(a);
            for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
                TOp.Invoke(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i), a256).StoreUnsafe(ref dr, i);
        }
        if (width >= SimdWidth.Vector128)
        {
            var a128 = Vector128.Create(a);
            for (; i + (nuint)Vector128<float>.Count <= n; i += (nuint)Vector128<float>.Count)
                TOp.Invoke(Vector128.LoadUnsafe(ref xr, i), Vector128.LoadUnsafe(ref yr, i), a128).StoreUnsafe(ref dr, i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref dr, i) = TOp.Invoke(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i), a);
    }

    private readonly struct UnaryAsBinary<TOp> : IBinaryOperator where TOp : struct, IUnaryOperator
    {
        public static float Invoke(float x, float y) => TOp.Invoke(x);
        public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => TOp.Invoke(x);
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => TOp.Invoke(x);
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => TOp.Invoke(x);
    }

    private readonly struct BinaryAsBinaryWithParameter<TOp> : IBinaryOperatorWithParameter where TOp : struct, IBinaryOperator
    {
        public static float Invoke(float x, float y, float a) => TOp.Invoke(x, y);
        public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> a) => TOp.Invoke(x, y);
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> a) => TOp.Invoke(x, y);
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> a) => TOp.Invoke(x, y);
    }

    private readonly struct UnaryWithParameterAsBinary<TOp> : IBinaryOperatorWithParameter where TOp : struct, IUnaryOperatorWithParameter
    {
        public static float Invoke(float x, float y, float a) => TOp.Invoke(x, a);
        public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> a) => TOp.Invoke(x, a);
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> a) => TOp.Invoke(x, a);
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> a) => TOp.Invoke(x, a);
    }
}
