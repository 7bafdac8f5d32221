using BenchmarkDotNet.Attributes;

namespace NeuralNet.Benchmarks;

/// <summary>
/// How long a cache line takes to go from one core to the other and back: a second thread answers every write of the
/// first through one shared field, 10,000 round trips per operation. On a VM the host places the two vCPUs; when they
/// share no cache every hand-over of data between the kernel's two threads pays this, so it is printed beside the
/// two-thread figures (issue 17: 50–85 ns at some hours, 320–510 ns at others on the same kind of machine).
/// </summary>
public class CoreToCoreBenchmarks
{
    private const int RoundTrips = 10_000;
    private readonly long[] _line = new long[32];   // the shared value at [8], away from the array header's line
    private Thread? _echo;
    private volatile bool _stop;

    [GlobalSetup]
    public void Setup()
    {
        _stop = false;
        _echo = new Thread(Echo) { IsBackground = true, Priority = ThreadPriority.Highest };
        _echo.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _echo?.Join();
    }

    /// <summary>10,000 round trips: write an odd value, wait for the echo thread's even answer.</summary>
    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public long RoundTrip()
    {
        ref long shared = ref _line[8];
        long value = Volatile.Read(ref shared);
        for (int i = 0; i < RoundTrips; i++)
        {
            Volatile.Write(ref shared, value + 1);
            value += 2;
            while (Volatile.Read(ref shared) != value) { }
        }
        return value;
    }

    private void Echo()
    {
        ref long shared = ref _line[8];
        while (!_stop)
        {
            long seen = Volatile.Read(ref shared);
            if ((seen & 1) != 0) Volatile.Write(ref shared, seen + 1);
        }
    }
}
