using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;

namespace ControlRL.Core.Wrappers;

/// <summary>
/// Truncates an episode after <c>maxSteps</c> steps (Gymnasium's TimeLimit): the step that reaches the limit
/// reports <c>Truncated</c> unless the env terminated in that same step.
/// </summary>
public sealed class TimeLimit : IEnvWrapper
{
    private readonly IEnv _env;
    private int _elapsed;

    public TimeLimit(IEnv env, int maxSteps)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (maxSteps <= 0) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "Time limit must be positive.");
        _env = env;
        MaxSteps = maxSteps;
        Spec = env.Spec with { MaxEpisodeSteps = maxSteps };
    }

    public EnvSpec Spec { get; }
    public int MaxSteps { get; }
    public int ElapsedSteps => _elapsed;
    public IEnv Inner => _env;

    public void Reset(ObsRow observation, ulong? seed = null)
    {
        _elapsed = 0;
        _env.Reset(observation, seed);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default)
    {
        var r = _env.Step(action, observation, rewardTerms, info);
        _elapsed++;
        return _elapsed >= MaxSteps && !r.Terminated ? r with { Truncated = true } : r;
    }

    public void Dispose() => _env.Dispose();
}
