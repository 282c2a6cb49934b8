namespace ControlRL.Core.Envs;

/// <summary>Result of one env step. Terminated: the MDP ended (no bootstrap). Truncated: cut short (bootstrap).</summary>
public readonly record struct StepOutcome(float Reward, bool Terminated, bool Truncated);

/// <summary>
/// A single environment, Gymnasium-style but allocation-free: the caller owns the buffers.
/// Observations and actions are flat float32 vectors of the spec's space sizes; reward terms are written in the
/// order of <see cref="EnvSpec.RewardTerms"/> (their weighted sum is the reward).
/// </summary>
public interface IEnv : IDisposable
{
    EnvSpec Spec { get; }

    /// <summary>
    /// Starts an episode and writes its first observation. A seed re-seeds the env's generator (as
    /// <c>reset(seed=...)</c>); without one the generator continues, so episodes differ.
    /// </summary>
    void Reset(Span<float> observation, ulong? seed = null);

    /// <summary>Advances one step. Throws <see cref="InvalidActionException"/> for a NaN/infinite or misshaped action.</summary>
    StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation, Span<float> rewardTerms);
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
