using ControlRL.Core.Envs;

namespace ControlRL.Core.Vector;

/// <summary>How a vector env restarts finished sub-envs.</summary>
public enum AutoresetMode
{
    /// <summary>
    /// Stable-Baselines3 style: in the step where env i terminates or truncates, it is reset at once;
    /// <see cref="VectorBuffers.Observations"/> holds the new episode's first observation and
    /// <see cref="VectorBuffers.FinalObservations"/> the last observation of the finished one (for bootstrapping).
    /// </summary>
    SameStep,
}

/// <summary>
/// A batch of <see cref="NumEnvs"/> copies of one environment stepped together. The env owns its buffers
/// (<see cref="Buffers"/>), struct-of-arrays, float32, refreshed by every <see cref="Reset"/> and <see cref="Step"/>.
/// Sub-env i is seeded with <c>seed + i</c>. No allocation per step.
/// </summary>
public interface IVectorEnv : IDisposable
{
    /// <summary>Spec of one sub-env (single spaces, dt, reward terms).</summary>
    EnvSpec Spec { get; }

    int NumEnvs { get; }

    AutoresetMode AutoresetMode { get; }

    VectorBuffers Buffers { get; }

    /// <summary>The task family of parameterized sub-envs (<see cref="Tasks.IParameterizedEnv"/>), else null.</summary>
    Tasks.TaskSpace? TaskSpace => null;

    /// <summary>Resets every sub-env (env i with seed + i) and fills <see cref="VectorBuffers.Observations"/>.</summary>
    void Reset(ulong seed);

    /// <summary>Steps every sub-env with its slice of <paramref name="actions"/> ([NumEnvs x action size]).</summary>
    void Step(ReadOnlySpan<float> actions);
}
