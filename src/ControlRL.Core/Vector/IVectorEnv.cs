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

    /// <summary>
    /// The outermost env implementing <typeparamref name="T"/> in sub-env <paramref name="index"/>'s wrapper chain
    /// (e.g. <see cref="IRenderable"/> for videos), or null. Only valid between steps, never while one is in flight.
    /// </summary>
    T? FindInSubEnv<T>(int index) where T : class => null;

    /// <summary>Resets every sub-env (env i with seed + i) and fills <see cref="VectorBuffers.Observations"/>.</summary>
    void Reset(ulong seed);

    /// <summary>
    /// Steps every sub-env with its slice of <paramref name="actions"/> ([NumEnvs x action size]):
    /// <see cref="StepAsync"/> then <see cref="StepWait"/>.
    /// </summary>
    void Step(ReadOnlySpan<float> actions)
    {
        StepAsync(actions);
        StepWait();
    }

    /// <summary>
    /// Sends a step (EnvPool's send): the actions are copied, so the caller may reuse its buffer at once. A
    /// remote env returns as soon as the request is on the wire, so the learner can work while simulators run;
    /// in-process envs may start the work here or do all of it in <see cref="StepWait"/>. Buffers must not be read
    /// until StepWait returns.
    /// </summary>
    void StepAsync(ReadOnlySpan<float> actions);

    /// <summary>
    /// Waits for the step sent by <see cref="StepAsync"/> and fills <see cref="Buffers"/> (EnvPool's recv).
    /// A remote env that does not answer within <paramref name="timeout"/> throws a
    /// <see cref="Envs.SimulatorException"/>; in-process steps cannot be abandoned midway and ignore it.
    /// </summary>
    void StepWait(TimeSpan? timeout = null);
}
