using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace NeuralNet.Kernels;

/// <summary>
/// A small fixed set of helper threads, one per extra core, that run parts of a GEMM (or of an optimizer's update)
/// beside the caller. No task, delegate or closure is created per call, so a warm product allocates nothing.
/// </summary>
/// <remarks>
/// One caller owns the helpers at a time; a concurrent caller (another thread predicting) runs its parts itself,
/// which gives the same result because every part owns its outputs.
/// </remarks>
internal static unsafe class KernelThreads
{
    private static readonly Worker[] Workers = CreateWorkers(Environment.ProcessorCount - 1);
    private static int s_owned;
    private static long s_partsRunByHelpers, s_partsTakenBack;

    /// <summary>Parts a helper ran, and parts their caller took back, since the process started (diagnostics for tests).</summary>
    internal static (long RunByHelpers, long TakenBack) PartCounts =>
        (Interlocked.Read(ref s_partsRunByHelpers), Interlocked.Read(ref s_partsTakenBack));

    /// <summary>The caller plus the helpers.</summary>
    internal static int Count => Workers.Length + 1;

    [ThreadStatic] private static int? s_forced;

    /// <summary>The thread count for products and updates, <see cref="KernelSettings.ThreadCount"/>; results never depend on it.</summary>
    internal static int DefaultLimit { get; set; } = Environment.ProcessorCount;

    /// <summary>The thread count products and updates started on the current thread use.</summary>
    internal static int Limit => s_forced ?? DefaultLimit;

    /// <summary>
    /// Forces products started on the current thread onto <paramref name="threads"/> threads until disposed: tests, and the
    /// row blocks of a Predict, each of which runs on one core. A struct, so that forcing allocates nothing.
    /// </summary>
    internal static Restore Force(int threads)
    {
        int? previous = s_forced;
        s_forced = threads;
        return new Restore(previous);
    }

    /// <summary>Puts back the thread count that <see cref="Force"/> replaced.</summary>
    internal readonly struct Restore(int? previous) : IDisposable
    {
        public void Dispose() => s_forced = previous;
    }

    /// <summary>
    /// Runs <paramref name="parts"/>[0] on the calling thread and the rest on helpers, or all of them here, one after the
    /// other, when <paramref name="threads"/> or the helpers do not suffice; returns when all are done.
    /// </summary>
    /// <remarks>The parts stay where they are (pinned here), and helpers read them through pointers: nothing is copied or allocated.</remarks>
    internal static void Run<TPart>(ReadOnlySpan<TPart> parts, int threads) where TPart : unmanaged, IParallelPart<TPart>
    {
        if (threads < parts.Length || parts.Length - 1 > Workers.Length || Interlocked.CompareExchange(ref s_owned, 1, 0) != 0)
        {
            foreach (ref readonly TPart part in parts) TPart.Run(part);
            return;
        }
        try
        {
            fixed (TPart* first = parts)
            {
                for (int w = 1; w < parts.Length; w++) Workers[w - 1].Post(&RunPart<TPart>, first + w);
                Exception? error = null;
                try { TPart.Run(parts[0]); }
                catch (Exception e) { error = e; }
                // Finish every part even if this one failed: helpers write through the caller's pinned pointers.
                for (int w = 1; w < parts.Length; w++) error = Workers[w - 1].Finish() ?? error;
                if (error is not null) ExceptionDispatchInfo.Throw(error);
            }
        }
        finally
        {
            Volatile.Write(ref s_owned, 0);
        }
    }

    private static void RunPart<TPart>(void* part) where TPart : unmanaged, IParallelPart<TPart> => TPart.Run(in *(TPart*)part);

    private static Worker[] CreateWorkers(int count)
    {
        var workers = new Worker[Math.Max(0, count)];
        for (int w = 0; w < workers.Length; w++) workers[w] = new Worker(w);
        return workers;
    }

    /// <summary>
    /// A helper thread with a one-slot mailbox. Between parts it spins for a while before it sleeps: a training step
    /// or a stream of predictions posts its next part within microseconds, and waking a sleeping thread costs tens of
    /// microseconds on a virtual machine (the host must reschedule a halted vCPU), as much as a whole batch-64 product
    /// saves. A part the helper has not started by the time the caller is done with its own, the caller takes back and
    /// runs itself, so a busy machine (the helper's core taken by another process) costs at most the serial time.
    /// </summary>
    /// <remarks>
    /// Posts are numbered. Whoever moves <c>_claimed</c> from the previous number to the post's number runs the part;
    /// the helper reads <c>_part</c> only after winning that exchange, so a part the caller took back (and may already
    /// have replaced with the next) is never read. The sleep handshakes cannot lose a wake-up: each side publishes its
    /// counter and then reads whether the other sleeps, while a side about to sleep first says so and then re-reads the
    /// counter, all with full fences (Interlocked), so at least one of the two sees the other.
    /// </remarks>
    private sealed class Worker
    {
        /// <summary>How long a helper keeps spinning for the next part before it sleeps.</summary>
        private static readonly long HelperSpin = Stopwatch.Frequency / 2000;   // 0.5 ms
        /// <summary>How long the caller spins for a part the helper is running before it sleeps.</summary>
        private static readonly long CallerSpin = Stopwatch.Frequency / 1000;   // 1 ms

        private readonly ManualResetEventSlim _wake = new(false), _done = new(false);
        private delegate*<void*, void> _run;
        private void* _part;
        private Exception? _error;
        private int _posted, _claimed, _completed, _helperAsleep, _callerAsleep;

        internal Worker(int index)
        {
            // The first wait that sleeps allocates the event's lock: do it now, so that it can never land in a caller's
            // warm step (which must allocate nothing) when that happens to be the first time the caller outwaits the spin.
            _done.Wait(1);
            new Thread(Loop) { IsBackground = true, Name = $"NeuralNet kernel helper {index + 1}" }.Start();
        }

        internal void Post(delegate*<void*, void> run, void* part)
        {
            _run = run;
            _part = part;
            Interlocked.Increment(ref _posted);
            if (Volatile.Read(ref _helperAsleep) == 1) _wake.Set();
        }

        /// <summary>Runs the posted part here if the helper has not started it, else waits for the helper; returns its error.</summary>
        internal Exception? Finish()
        {
            int posted = _posted;
            if (Interlocked.CompareExchange(ref _claimed, posted, posted - 1) == posted - 1)
            {
                Interlocked.Increment(ref s_partsTakenBack);
                try { _run(_part); }
                catch (Exception e) { return e; }
                return null;
            }
            if (!SpinUntil(ref _completed, posted, CallerSpin))
            {
                _done.Reset();
                Interlocked.Exchange(ref _callerAsleep, 1);
                if (Volatile.Read(ref _completed) != posted) _done.Wait();
                Interlocked.Exchange(ref _callerAsleep, 0);
            }
            Exception? error = _error;
            _error = null;
            return error;
        }

        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                if (!SpinUntilChanged(ref _posted, seen, HelperSpin))
                {
                    _wake.Reset();
                    Interlocked.Exchange(ref _helperAsleep, 1);
                    if (Volatile.Read(ref _posted) == seen) _wake.Wait();
                    Interlocked.Exchange(ref _helperAsleep, 0);
                    continue;
                }
                seen = Volatile.Read(ref _posted);
                if (Interlocked.CompareExchange(ref _claimed, seen, seen - 1) != seen - 1) continue;   // the caller took it
                Interlocked.Increment(ref s_partsRunByHelpers);
                try { _run(_part); }
                catch (Exception e) { _error = e; }
                Interlocked.Exchange(ref _completed, seen);
                if (Volatile.Read(ref _callerAsleep) == 1) _done.Set();
            }
        }

        private static bool SpinUntil(ref int counter, int target, long ticks) => Spin(ref counter, target, equal: true, ticks);

        private static bool SpinUntilChanged(ref int counter, int from, long ticks) => Spin(ref counter, from, equal: false, ticks);

        /// <summary>Spins until <paramref name="counter"/> is (or is no longer) <paramref name="value"/>, or the time runs out.</summary>
        private static bool Spin(ref int counter, int value, bool equal, long ticks)
        {
            long deadline = Stopwatch.GetTimestamp() + ticks;
            for (int spins = 0; ; spins++)
            {
                if ((Volatile.Read(ref counter) == value) == equal) return true;
                if ((spins & 63) == 63)
                {
                    if (Stopwatch.GetTimestamp() > deadline) return false;
                    // Let another thread that wants this core have it now and then: the machine may be shared.
                    Thread.Yield();
                }
                Thread.SpinWait(8);
            }
        }
    }
}
