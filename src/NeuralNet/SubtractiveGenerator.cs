using System.Buffers.Binary;

namespace NeuralNet;

/// <summary>
/// The random generator behind <see cref="System.Random"/> built with a seed (Knuth's subtractive generator, as .NET
/// has kept it since 1.0, for compatibility), draw for draw, but with its state open: a checkpoint stores it and a
/// resumed run draws exactly the numbers the uninterrupted one would. <c>Random(seed)</c> hides its state.
/// </summary>
/// <remarks>
/// State: 55 values in [0, 2³¹ − 1) (slot 0 unused) and two indices 21 apart; each draw is one subtraction modulo 2³¹ − 1.
/// </remarks>
internal sealed class SubtractiveGenerator
{
    private const int Slots = 56;
    private readonly int[] _seedArray = new int[Slots];
    private int _inext, _inextp = 21;

    /// <summary>The generator <c>new Random(seed)</c> is.</summary>
    internal SubtractiveGenerator(int seed)
    {
        int subtraction = seed == int.MinValue ? int.MaxValue : Math.Abs(seed);
        int mj = 161803398 - subtraction; // Knuth's MSEED, from the golden ratio
        _seedArray[55] = mj;
        int mk = 1;
        int ii = 0;
        for (int i = 1; i < 55; i++)
        {
            if ((ii += 21) >= 55) ii -= 55;
            _seedArray[ii] = mk;
            mk = mj - mk;
            if (mk < 0) mk += int.MaxValue;
            mj = _seedArray[ii];
        }
        for (int k = 1; k < 5; k++)
            for (int i = 1; i < Slots; i++)
            {
                int n = i + 30;
                if (n >= 55) n -= 55;
                _seedArray[i] -= _seedArray[1 + n];
                if (_seedArray[i] < 0) _seedArray[i] += int.MaxValue;
            }
    }

    /// <summary>Bytes of the state: 56 values and the two indices, int32 little-endian.</summary>
    internal const int StateLength = (Slots + 2) * sizeof(int);

    /// <summary>The state, <see cref="StateLength"/> bytes.</summary>
    internal byte[] GetState()
    {
        var bytes = new byte[StateLength];
        for (int i = 0; i < Slots; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * sizeof(int)), _seedArray[i]);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(Slots * sizeof(int)), _inext);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((Slots + 1) * sizeof(int)), _inextp);
        return bytes;
    }

    /// <summary>Continues from a state taken by <see cref="GetState"/>.</summary>
    /// <exception cref="InvalidDataException">Not <see cref="StateLength"/> bytes, or not a state the generator reaches.</exception>
    internal void SetState(ReadOnlySpan<byte> state)
    {
        if (state.Length != StateLength)
            throw new InvalidDataException($"The random generator's state is {StateLength} bytes, not {state.Length}; the state is corrupted.");
        int inext = BinaryPrimitives.ReadInt32LittleEndian(state[(Slots * sizeof(int))..]);
        int inextp = BinaryPrimitives.ReadInt32LittleEndian(state[((Slots + 1) * sizeof(int))..]);
        if ((uint)inext >= Slots || (uint)inextp >= Slots || (inextp - inext + 55) % 55 != 21)
            throw new InvalidDataException($"The random generator's indices are {inext} and {inextp}, which it never reaches; the state is corrupted.");
        var values = new int[Slots];
        for (int i = 0; i < Slots; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(state[(i * sizeof(int))..]);
            if (values[i] < 0 && i > 0)
                throw new InvalidDataException($"The random generator's value {i} is {values[i]}, which it never holds; the state is corrupted.");
        }
        values.CopyTo(_seedArray, 0);
        (_inext, _inextp) = (inext, inextp);
    }

    /// <summary>A double in [0, 1), as <see cref="System.Random.NextDouble"/>.</summary>
    internal double NextDouble() => Next() * (1.0 / int.MaxValue);

    /// <summary>A float in [0, 1], as <see cref="System.Random.NextSingle"/> of a seeded <c>Random</c> (which rounds <see cref="NextDouble"/>).</summary>
    internal float NextSingle() => (float)NextDouble();

    /// <summary>The next value in [0, 2³¹ − 1).</summary>
    private int Next()
    {
        int inext = _inext + 1 >= Slots ? 1 : _inext + 1;
        int inextp = _inextp + 1 >= Slots ? 1 : _inextp + 1;
        int value = _seedArray[inext] - _seedArray[inextp];
        if (value == int.MaxValue) value--;
        if (value < 0) value += int.MaxValue;
        _seedArray[inext] = value;
        (_inext, _inextp) = (inext, inextp);
        return value;
    }
}
