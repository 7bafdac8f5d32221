using System.Runtime.ExceptionServices;

namespace NeuralNet.Kernels;

/// <summary>
/// A small fixed set of helper threads, one per extra core, that run parts of a GEMM beside the caller. No task,
/// delegate or closure is created per call, so a warm product allocates nothing.
/// </summary>
/// <remarks>
/// One caller owns the helpers at a time; a concurrent caller (another thread predicting) runs its parts itself,
/// which gives the same result because every part owns its outputs.
/// </remarks>
internal static class GemmThreads
{
    private static readonly Worker[] Workers = CreateWorkers(Environment.ProcessorCount - 1);
    private static int s_owned;

    /// <summary>The caller plus the helpers.</summary>
    internal static int Count => Workers.Length + 1;

    [ThreadStatic] private static int? s_forced;

    /// <summary>
    /// The thread count for the Dense layer's products: every core by default. Set it to 1 for single-threaded runs
    /// (benchmarks); results never depend on it.
    /// </summary>
    internal static int DefaultLimit { get; set; } = Environment.ProcessorCount;

    /// <summary>The thread count products started on the current thread use.</summary>
    internal static int Limit => s_forced ?? DefaultLimit;

    /// <summary>Forces products started on the current thread onto <paramref name="threads"/> threads until disposed (tests).</summary>
    internal static IDisposable Force(int threads)
    {
        int? previous = s_forced;
        s_forced = threads;
        return new Restore(previous);
    }

    private sealed class Restore(int? previous) : IDisposable
    {
        public void Dispose() => s_forced = previous;
    }

    /// <summary>Runs <paramref name="parts"/>[0] on the calling thread and the rest on helpers; returns when all are done.</summary>
    internal static void Run(ReadOnlySpan<GemmProblem> parts)
    {
        if (parts.Length - 1 > Workers.Length || Interlocked.CompareExchange(ref s_owned, 1, 0) != 0)
        {
            foreach (ref readonly GemmProblem part in parts) Gemm.RunSerial(part);
            return;
        }
        try
        {
            for (int w = 1; w < parts.Length; w++) Workers[w - 1].Post(parts[w]);
            Exception? error = null;
            try { Gemm.RunSerial(parts[0]); }
            catch (Exception e) { error = e; }
            // Wait for every helper even if this part failed: they write through the caller's pinned pointers.
            for (int w = 1; w < parts.Length; w++) error = Workers[w - 1].Wait() ?? error;
            if (error is not null) ExceptionDispatchInfo.Throw(error);
        }
        finally
        {
            Volatile.Write(ref s_owned, 0);
        }
    }

    private static Worker[] CreateWorkers(int count)
    {
        var workers = new Worker[Math.Max(0, count)];
        for (int w = 0; w < workers.Length; w++) workers[w] = new Worker(w);
        return workers;
    }

    private sealed class Worker
    {
        private readonly ManualResetEventSlim _start = new(false), _done = new(false);
        private GemmProblem _part;
        private Exception? _error;

        internal Worker(int index)
        {
            // The first wait that sleeps allocates the event's lock: do it now, so that it can never land in a caller's
            // warm step (which must allocate nothing) when that happens to be the first time the caller outwaits the spin.
            _done.Wait(1);
            new Thread(Loop) { IsBackground = true, Name = $"NeuralNet GEMM helper {index + 1}" }.Start();
        }

        internal void Post(in GemmProblem part)
        {
            _part = part;
            _done.Reset();
            _start.Set();
        }

        internal Exception? Wait()
        {
            _done.Wait();
            Exception? error = _error;
            _error = null;
            return error;
        }

        private void Loop()
        {
            while (true)
            {
                _start.Wait();
                _start.Reset();
                try { Gemm.RunSerial(_part); }
                catch (Exception e) { _error = e; }
                _done.Set();
            }
        }
    }
}
