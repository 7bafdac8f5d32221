namespace NeuralNet.Kernels;

/// <summary>
/// A count of accumulator vectors, as a type: a kernel generic over it gets one compiled body per count, with the code of
/// the vectors it does not use removed (the count is a constant to the JIT), so a few accumulators stay in registers.
/// </summary>
internal interface IVectorCount
{
    static abstract int Value { get; }
}

internal struct One : IVectorCount { public static int Value => 1; }
internal struct Two : IVectorCount { public static int Value => 2; }
internal struct Three : IVectorCount { public static int Value => 3; }
internal struct Four : IVectorCount { public static int Value => 4; }
internal struct Five : IVectorCount { public static int Value => 5; }
internal struct Six : IVectorCount { public static int Value => 6; }
internal struct Seven : IVectorCount { public static int Value => 7; }
internal struct Eight : IVectorCount { public static int Value => 8; }
