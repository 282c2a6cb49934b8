using ControlRL.Core.Spaces;
using ControlRL.Core.Envs;
using ControlRL.Core.Tasks;

namespace ControlRL.Core.Vector;

/// <summary>
/// The sub-envs of a vector env and the per-env step/reset logic, shared by <see cref="SyncVectorEnv"/> and
/// <see cref="ThreadedVectorEnv"/> so both produce the same buffers bit for bit (each sub-env only touches its
/// own rows, so the order in which ranges run does not matter).
/// </summary>
internal sealed class SubEnvBatch
{
    private readonly IEnv[] _envs;
    private readonly IParameterizedEnv?[] _tasks;
    private readonly IEventSource?[] _eventSources;

    public SubEnvBatch(IReadOnlyList<IEnv> envs)
    {
        ArgumentNullException.ThrowIfNull(envs);
        if (envs.Count == 0) throw new ArgumentException("A vector env needs at least one sub-env.", nameof(envs));
        _envs = new IEnv[envs.Count];
        for (int i = 0; i < envs.Count; i++)
        {
            _envs[i] = envs[i] ?? throw new ArgumentException($"Sub-env {i} is null.", nameof(envs));
            for (int j = 0; j < i; j++)
            {
                if (ReferenceEquals(_envs[i], _envs[j]))
                    throw new ArgumentException($"Sub-envs {j} and {i} are the same object; each slot needs its own env.", nameof(envs));
            }
        }
        Spec = _envs[0].Spec ?? throw new ArgumentException("Sub-env 0 has no spec.", nameof(envs));
        for (int i = 1; i < _envs.Length; i++)
        {
            string? why = SpecMismatch(Spec, _envs[i].Spec);
            if (why is not null)
                throw new ArgumentException($"Sub-env {i} does not match sub-env 0 ({Spec.Id}): {why}.", nameof(envs));
        }
        _tasks = _envs.Select(e => e.Find<IParameterizedEnv>()).ToArray();
        _eventSources = _envs.Select(e => e.Find<IEventSource>()).ToArray();
        TaskSpace = _tasks[0]?.TaskSpace;
        for (int i = 0; i < _envs.Length; i++)
        {
            if ((_tasks[i] is null) != (TaskSpace is null) || (_tasks[i] is { } t && t.TaskSpace.Describe() != TaskSpace!.Describe()))
                throw new ArgumentException($"Sub-env {i} does not share sub-env 0's task space ({TaskSpace?.Describe() ?? "none"}).", nameof(envs));
        }
        Buffers = new VectorBuffers(_envs.Length, Spec.ObservationSpace, Spec.ActionSpace.FlatSize, Spec.RewardTerms.Count, Spec.Info.Count, TaskSpace?.Size ?? 0);
        if (_eventSources.Any(e => e is not null)) Buffers.EnableEvents();
        if (TaskSpace is not null)
        {
            float[] center = TaskSpace.Center();
            for (int i = 0; i < _envs.Length; i++) center.CopyTo(Buffers.PendingTask(i));
        }
    }

    public TaskSpace? TaskSpace { get; }

    // A parameterized env starts each episode with its pending task, which then becomes its current task.
    private void ApplyPendingTask(int i)
    {
        if (_tasks[i] is not { } env) return;
        env.SetTask(Buffers.PendingTask(i));
        Buffers.PendingTask(i).CopyTo(Buffers.CurrentTask(i));
    }

    public EnvSpec Spec { get; }
    public VectorBuffers Buffers { get; }
    public int Count => _envs.Length;

    public T? Find<T>(int index) where T : class =>
        (uint)index < (uint)_envs.Length ? _envs[index].Find<T>()
            : throw new ArgumentOutOfRangeException(nameof(index), $"Sub-env {index} does not exist (there are {_envs.Length}).");

    private static string? SpecMismatch(EnvSpec a, EnvSpec? b)
    {
        if (b is null) return "it has no spec";
        if (!string.Equals(a.Id, b.Id, StringComparison.Ordinal)) return $"id '{b.Id}'";
        if (a.ObservationSpace.Describe() != b.ObservationSpace.Describe())
            return $"observation space {b.ObservationSpace.Describe()} vs {a.ObservationSpace.Describe()}";
        if (a.ActionSpace.Describe() != b.ActionSpace.Describe())
            return $"action space {b.ActionSpace.Describe()} vs {a.ActionSpace.Describe()}";
        if (!a.Info.Select(x => x.Name).SequenceEqual(b.Info.Select(x => x.Name), StringComparer.Ordinal))
            return $"info [{string.Join(", ", b.Info.Select(x => x.Name))}] vs [{string.Join(", ", a.Info.Select(x => x.Name))}]";
        if (!a.Events.SequenceEqual(b.Events, StringComparer.Ordinal))
            return $"events [{string.Join(", ", b.Events)}] vs [{string.Join(", ", a.Events)}]";
        if (!a.RewardTerms.SequenceEqual(b.RewardTerms, StringComparer.Ordinal))
            return $"reward terms [{string.Join(", ", b.RewardTerms)}] vs [{string.Join(", ", a.RewardTerms)}]";
        if (a.MaxEpisodeSteps != b.MaxEpisodeSteps) return $"time limit {b.MaxEpisodeSteps} vs {a.MaxEpisodeSteps}";
        return null;
    }

    /// <summary>Resets sub-envs [lo, hi) with seed + i and clears their step results.</summary>
    public void ResetRange(int lo, int hi, ulong seed)
    {
        var b = Buffers;
        for (int i = lo; i < hi; i++)
        {
            try
            {
                ApplyPendingTask(i);
                _envs[i].Reset(b.Obs.Row(i), unchecked(seed + (ulong)i));
            }
            catch (Exception e)
            {
                throw Wrap(i, "reset", e);
            }
            b.Rewards[i] = 0f;
            b.Terminated[i] = false;
            b.Truncated[i] = false;
            b.RewardTermRow(i).Clear();
            b.InfoRow(i).Clear();
            if (_eventSources[i] is { } events)
            {
                events.DrainEvents(b.EventSlots(i)); // a reset starts without events
                b.SetEvents(i, 0);
            }
        }
    }

    /// <summary>
    /// Steps sub-envs [lo, hi). A finished env's last observation goes to its FinalObservations row and the env
    /// is reset at once (no seed: its generator continues), so its Observations row starts the next episode.
    /// </summary>
    public void StepRange(int lo, int hi, ReadOnlySpan<float> actions)
    {
        var b = Buffers;
        int a = b.ActionSize;
        for (int i = lo; i < hi; i++)
        {
            ObsRow obs = b.Obs.Row(i);
            b.InfoRow(i).Clear();
            StepOutcome r;
            try
            {
                r = _envs[i].Step(actions.Slice(i * a, a), obs, b.RewardTermRow(i), b.InfoRow(i));
            }
            catch (Exception e)
            {
                throw Wrap(i, "step", e);
            }
            b.Rewards[i] = r.Reward;
            b.Terminated[i] = r.Terminated;
            b.Truncated[i] = r.Truncated;
            // Drained before an autoreset: these events belong to the episode that may just have ended.
            if (_eventSources[i] is { } events) b.SetEvents(i, events.DrainEvents(b.EventSlots(i)));
            if (r.Terminated || r.Truncated)
            {
                b.Obs.CopyRow(i, b.FinalObs, i);
                if (b.TaskSize > 0) b.CurrentTask(i).CopyTo(b.FinishedTask(i));
                try
                {
                    ApplyPendingTask(i);
                    _envs[i].Reset(obs);
                }
                catch (Exception e)
                {
                    throw Wrap(i, "auto-reset", e);
                }
            }
        }
    }

    /// <summary>
    /// Adds the sub-env index to a sub-env's exception, keeping the original as InnerException and the two
    /// contract exception types recognisable (callers catch InvalidActionException / SimulatorException).
    /// </summary>
    internal static Exception Wrap(int envIndex, string phase, Exception e)
    {
        string msg = $"sub-env {envIndex} ({phase}): {e.Message}";
        return e switch
        {
            InvalidActionException => new InvalidActionException(msg, e),
            SimulatorException => new SimulatorException(msg, e),
            _ => new SubEnvException(envIndex, msg, e),
        };
    }

    public void DisposeAll()
    {
        List<Exception>? errors = null;
        foreach (var env in _envs)
        {
            try
            {
                env.Dispose();
            }
            catch (Exception e)
            {
                (errors ??= []).Add(e);
            }
        }
        if (errors is not null) throw new AggregateException("Disposing sub-envs failed.", errors);
    }
}

/// <summary>A sub-env of a vector env failed with an exception other than the two env contract exceptions.</summary>
public sealed class SubEnvException(int envIndex, string message, Exception inner) : Exception(message, inner)
{
    public int EnvIndex { get; } = envIndex;
}
