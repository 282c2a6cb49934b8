using ControlRL.Core.Spaces;

namespace ControlRL.Core.Envs;

/// <summary>Result of one env step. Terminated: the MDP ended (no bootstrap). Truncated: cut short (bootstrap).</summary>
public readonly record struct StepOutcome(float Reward, bool Terminated, bool Truncated);

/// <summary>
/// A single environment, Gymnasium-style but allocation-free: the caller owns the buffers.
/// The env writes its observation into <see cref="ObsRow"/> slots typed by its observation space (a flat float
/// span for float Box spaces; per-key float/uint8/int32 rows for images and Dict spaces); actions are float32
/// vectors of the action space's size. Reward terms are written in the order of <see cref="EnvSpec.RewardTerms"/>;
/// info metrics (facts that are not reward: success, route completion, infractions) in the order of
/// <see cref="EnvSpec.Info"/>.
/// </summary>
public interface IEnv : IDisposable
{
    EnvSpec Spec { get; }

    /// <summary>
    /// Starts an episode and writes its first observation. A seed re-seeds the env's generator (as
    /// <c>reset(seed=...)</c>); without one the generator continues, so episodes differ.
    /// </summary>
    void Reset(ObsRow observation, ulong? seed = null);

    /// <summary>
    /// Advances one step. Throws <see cref="InvalidActionException"/> for a NaN/infinite or misshaped action.
    /// <paramref name="info"/> has one slot per <see cref="EnvSpec.Info"/> entry (empty when the caller wants none).
    /// </summary>
    StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default);
}

/// <summary>
/// An env that can skip drawing its next observation (physics and reward still run): an action-repeat wrapper
/// sets <see cref="SkipObservation"/> for the frames the agent never sees, so pixel envs render only what is used.
/// </summary>
public interface IObservationSkipping
{
    /// <summary>
    /// While true, Step leaves the observation slots untouched, except on a step that ends the episode: that final
    /// frame is always written, because the wrapper returns it.
    /// </summary>
    bool SkipObservation { get; set; }
}

/// <summary>An action the env refuses (NaN, infinite, wrong length, out of a discrete range).</summary>
public sealed class InvalidActionException : ArgumentException
{
    public InvalidActionException(string message) : base(message) { }

    /// <summary>Keeps the sub-env's original exception when a vector env adds the env index to the message.</summary>
    public InvalidActionException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>The simulator failed (diverged, crashed, unreachable); the episode cannot continue.</summary>
public sealed class SimulatorException(string message, Exception? inner = null) : Exception(message, inner);
