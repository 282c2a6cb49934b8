using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ControlRL.Cli.Bench;

/// <summary>
/// CPU time of the calling thread (Linux: <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>): unlike wall-clock time
/// it does not include the time other processes held the core, so two loops timed on a loaded machine keep their
/// ratio. Managed threads are OS threads, so a loop that stays on one thread is measured whole.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3; // <time.h> on Linux

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out Timespec time);

    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Seconds of CPU this thread has used so far, or null where the clock is unavailable.</summary>
    public static double? Now()
    {
        if (_unavailable) return null;
        try
        {
            if (ClockGetTime(ClockThreadCpuTimeId, out var t) == 0) return t.Seconds + t.Nanoseconds * 1e-9;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
        _unavailable = true;
        return null;
    }
}

/// <summary>Wall-clock and thread-CPU time of a loop run on the calling thread.</summary>
internal readonly struct LoopTimer
{
    private readonly long _start;
    private readonly double? _cpuStart;

    private LoopTimer(long start, double? cpuStart) => (_start, _cpuStart) = (start, cpuStart);

    public static LoopTimer Start() => new(Stopwatch.GetTimestamp(), ThreadCpuClock.Now());

    /// <summary>Wall seconds and CPU seconds of this thread since <see cref="Start"/> (null when unknown).</summary>
    public (double Wall, double? Cpu) Stop()
    {
        double wall = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        double? cpu = ThreadCpuClock.Now() is { } end && _cpuStart is { } begin ? end - begin : null;
        return (wall, cpu);
    }
}
