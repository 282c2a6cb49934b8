using ControlRL.Core.Envs;

namespace ControlRL.Core.Vector;

/// <summary>
/// Steps its sub-envs one after another on the calling thread (same-step autoreset, seed + i per env).
/// The simplest vector env and the reference <see cref="ThreadedVectorEnv"/> is checked against.
/// </summary>
public sealed class SyncVectorEnv : IVectorEnv
{
    private readonly SubEnvBatch _batch;
    private readonly float[] _actions;
    private bool _needsReset = true;
    private bool _pending;
    private bool _disposed;

    /// <param name="envs">Sub-envs with identical specs; the vector env owns and disposes them.</param>
    public SyncVectorEnv(IReadOnlyList<IEnv> envs)
    {
        _batch = new SubEnvBatch(envs);
        _actions = new float[_batch.Count * _batch.Buffers.ActionSize];
    }

    public EnvSpec Spec => _batch.Spec;
    public int NumEnvs => _batch.Count;
    public AutoresetMode AutoresetMode => AutoresetMode.SameStep;
    public VectorBuffers Buffers => _batch.Buffers;
    public Tasks.TaskSpace? TaskSpace => _batch.TaskSpace;
    public T? FindInSubEnv<T>(int index) where T : class => _batch.Find<T>(index);

    public void Reset(ulong seed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _needsReset = true;
        _batch.ResetRange(0, NumEnvs, seed);
        _needsReset = false;
    }

    public void Step(ReadOnlySpan<float> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        VectorChecks.CheckStep(actions, Buffers, _needsReset, Spec.Id);
        if (_pending) throw new InvalidOperationException($"{Spec.Id}: a step sent with StepAsync is still waiting for StepWait.");
        // A sub-env that threw is mid-episode in an unknown state: require a Reset before stepping on.
        _needsReset = true;
        _batch.StepRange(0, NumEnvs, actions);
        _needsReset = false;
    }

    // In-process and single-threaded: the work happens in StepWait, on the caller's thread.
    public void StepAsync(ReadOnlySpan<float> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        VectorChecks.CheckStep(actions, Buffers, _needsReset, Spec.Id);
        if (_pending) throw new InvalidOperationException($"{Spec.Id}: StepAsync called twice without StepWait.");
        actions.CopyTo(_actions);
        _pending = true;
    }

    public void StepWait(TimeSpan? timeout = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_pending) throw new InvalidOperationException($"{Spec.Id}: StepWait called without a StepAsync.");
        _pending = false;
        Step(_actions);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _batch.DisposeAll();
    }
}

internal static class VectorChecks
{
    public static void CheckStep(ReadOnlySpan<float> actions, VectorBuffers b, bool needsReset, string id)
    {
        if (needsReset)
            throw new InvalidOperationException($"{id}: call Reset(seed) before Step (first use, or a previous Step/Reset threw).");
        if (actions.Length != b.NumEnvs * b.ActionSize)
        {
            throw new ArgumentException(
                $"{id}: actions hold {actions.Length} values but {b.NumEnvs} envs x action size {b.ActionSize} = {b.NumEnvs * b.ActionSize} are needed.",
                nameof(actions));
        }
    }
}
