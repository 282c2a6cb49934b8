using System.Diagnostics;
using System.Runtime.ExceptionServices;
using ControlRL.Core.Envs;

namespace ControlRL.Core.Vector;

/// <summary>
/// Steps contiguous slices of its sub-envs on long-lived background worker threads; the calling thread steps the
/// first slice itself. Results are bitwise identical to <see cref="SyncVectorEnv"/> (each sub-env only touches its
/// own buffer rows). Not for concurrent use from several threads.
/// </summary>
/// <remarks>
/// A step is published by bumping a generation counter. Workers (and the caller, waiting for them) spin for a short
/// time budget and then block on an event, so a batch whose slices take tens of microseconds (a MuJoCo step) is not
/// dominated by thread wake-up latency, while idle workers do not burn cores while the learner runs the policy.
/// No allocation per step.
/// </remarks>
public sealed class ThreadedVectorEnv : IVectorEnv
{
    private enum Op { Step, Reset }

    private readonly SubEnvBatch _batch;
    private readonly int[] _bounds;            // slice k covers sub-envs [_bounds[k], _bounds[k + 1])
    private readonly Thread[] _threads;        // worker w runs slice w + 1
    private readonly ManualResetEventSlim[] _wake;
    private readonly ManualResetEventSlim _done = new(false, spinCount: 1);
    private readonly Exception?[] _errors;     // per slice, written by its runner, read by the caller after the join
    private readonly long[] _workerAllocated;  // per worker: its thread's allocated bytes after its last slice (tests)
    private readonly float[] _actions;
    private readonly long _spinTicks;
    private long _generation;
    private int _pending;
    private volatile bool _stop;
    private Op _op;
    private ulong _seed;
    private bool _needsReset = true;
    private bool _sent;
    private bool _disposed;

    /// <param name="envs">Sub-envs with identical specs; the vector env owns and disposes them.</param>
    /// <param name="workers">Worker threads besides the caller (clamped to NumEnvs - 1; 0 steps everything on the caller).</param>
    /// <param name="spinMicroseconds">How long a waiting thread spins before it blocks.</param>
    public ThreadedVectorEnv(IReadOnlyList<IEnv> envs, int workers, double spinMicroseconds = 50)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        ArgumentOutOfRangeException.ThrowIfNegative(spinMicroseconds);
        _batch = new SubEnvBatch(envs);
        int n = _batch.Count;
        Workers = Math.Min(workers, n - 1);
        int parts = Workers + 1;
        _bounds = new int[parts + 1];
        for (int k = 0; k <= parts; k++) _bounds[k] = (int)((long)k * n / parts);
        _errors = new Exception?[parts];
        _workerAllocated = new long[Workers];
        _actions = new float[n * _batch.Buffers.ActionSize];
        _spinTicks = (long)(spinMicroseconds * 1e-6 * Stopwatch.Frequency);
        _wake = new ManualResetEventSlim[Workers];
        _threads = new Thread[Workers];
        for (int w = 0; w < Workers; w++)
        {
            _wake[w] = new ManualResetEventSlim(false, spinCount: 1);
            int slice = w + 1;
            _threads[w] = new Thread(() => WorkerLoop(slice)) { IsBackground = true, Name = $"vector-env worker {slice}" };
            _threads[w].Start();
        }
        // ManualResetEventSlim creates its lock object the first time a thread blocks on it (24 bytes); a short
        // timed wait here makes that happen now instead of in the first step that outlasts the spin budget.
        _done.Wait(1);
        foreach (var e in _wake) e.Wait(1);
    }

    public EnvSpec Spec => _batch.Spec;
    public int NumEnvs => _batch.Count;
    public int Workers { get; }
    public AutoresetMode AutoresetMode => AutoresetMode.SameStep;
    public VectorBuffers Buffers => _batch.Buffers;
    public Tasks.TaskSpace? TaskSpace => _batch.TaskSpace;
    public T? FindInSubEnv<T>(int index) where T : class => _batch.Find<T>(index);

    public void Reset(ulong seed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _needsReset = true;
        _seed = seed;
        Run(Op.Reset);
        _needsReset = false;
    }

    public void Step(ReadOnlySpan<float> actions)
    {
        StepAsync(actions);
        StepWait();
    }

    // The workers start on their slices at once; the caller's own slice runs in StepWait, so work between the
    // two calls overlaps with the workers' stepping.
    public void StepAsync(ReadOnlySpan<float> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        VectorChecks.CheckStep(actions, Buffers, _needsReset, Spec.Id);
        if (_sent) throw new InvalidOperationException($"{Spec.Id}: StepAsync called twice without StepWait.");
        actions.CopyTo(_actions);
        _needsReset = true;
        _sent = true;
        Publish(Op.Step);
    }

    public void StepWait(TimeSpan? timeout = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_sent) throw new InvalidOperationException($"{Spec.Id}: StepWait called without a StepAsync.");
        _sent = false;
        Join();
        _needsReset = false;
    }

    private void Run(Op op)
    {
        Publish(op);
        Join();
    }

    private void Publish(Op op)
    {
        _op = op;
        Volatile.Write(ref _pending, Workers);
        Interlocked.Increment(ref _generation); // full fence: workers see _op, _seed, _actions and _pending
        for (int w = 0; w < _wake.Length; w++) _wake[w].Set();
    }

    private void Join()
    {
        RunSlice(0);

        if (Volatile.Read(ref _pending) != 0) WaitForWorkers();

        // Lowest env index first; every slice has finished, so the buffers of the others are complete.
        for (int k = 0; k < _errors.Length; k++)
        {
            if (_errors[k] is { } e)
            {
                Array.Clear(_errors);
                ExceptionDispatchInfo.Capture(e).Throw();
            }
        }
    }

    private void RunSlice(int k)
    {
        try
        {
            if (_op == Op.Step) _batch.StepRange(_bounds[k], _bounds[k + 1], _actions);
            else _batch.ResetRange(_bounds[k], _bounds[k + 1], _seed);
        }
        catch (Exception e)
        {
            _errors[k] = e;
        }
    }

    private void WaitForWorkers()
    {
        long start = Stopwatch.GetTimestamp();
        var spin = new SpinWait();
        while (Volatile.Read(ref _pending) != 0)
        {
            if (Stopwatch.GetTimestamp() - start < _spinTicks)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            // Reset before the re-check: a Set from the last worker after this point is never lost.
            _done.Reset();
            if (Volatile.Read(ref _pending) != 0) _done.Wait();
        }
    }

    private void WorkerLoop(int slice)
    {
        var wake = _wake[slice - 1];
        long seen = 0;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            var spin = new SpinWait();
            while (Volatile.Read(ref _generation) == seen)
            {
                if (Stopwatch.GetTimestamp() - start < _spinTicks)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                    continue;
                }
                wake.Reset();
                if (Volatile.Read(ref _generation) == seen) wake.Wait();
            }
            seen = Volatile.Read(ref _generation);
            if (_stop) return;

            RunSlice(slice);
            Volatile.Write(ref _workerAllocated[slice - 1], GC.GetAllocatedBytesForCurrentThread());
            if (Interlocked.Decrement(ref _pending) == 0) _done.Set();
        }
    }

    /// <summary>
    /// Bytes the worker threads have allocated (all their work, waits included), as of each one's last finished
    /// slice; read between steps. Lets allocation tests count this env's threads only, not the whole process.
    /// </summary>
    internal long WorkerAllocatedBytes
    {
        get
        {
            long sum = 0;
            for (int w = 0; w < _workerAllocated.Length; w++) sum += Volatile.Read(ref _workerAllocated[w]);
            return sum;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop = true;
        Interlocked.Increment(ref _generation);
        foreach (var w in _wake) w.Set();
        foreach (var t in _threads) t.Join();
        foreach (var w in _wake) w.Dispose();
        _done.Dispose();
        _batch.DisposeAll();
    }
}
