using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;

namespace ControlRL.Learning.Tests;

/// <summary>
/// A tiny continuous task for learner tests: move a point on a line towards a target. Reward is minus the
/// distance after the move (terms: "distance", "effort"); a fixed episode length of <c>length</c> steps ends
/// by truncation through the registry's time limit. Reset is deterministic unless <c>randomTargets</c>.
/// </summary>
internal sealed class ReachEnv(int length = 32, bool randomTargets = true) : IEnv
{
    private readonly Rng _rng = new(0);
    private float _x, _target;

    public EnvSpec Spec { get; } = new("Reach-v0", Box.Uniform(2, -10f, 10f), Box.Uniform(1, -1f, 1f), 0.1, 1, length, ["distance", "effort"]);

    public static EnvRegistry Registry(int length = 32, bool randomTargets = true)
    {
        var r = new EnvRegistry();
        r.Register("Reach-v0", () => new ReachEnv(length, randomTargets));
        return r;
    }

    public void Reset(ObsRow row, ulong? seed = null)
    {
        Span<float> observation = row.Float();
        if (seed is ulong s) _rng.Seed(s);
        _x = 0f;
        _target = randomTargets ? (float)_rng.Uniform(-2, 2) : 1.5f;
        observation[0] = _x;
        observation[1] = _target;
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default)
    {
        Span<float> observation = row.Float();
        if (action.Length != 1 || !float.IsFinite(action[0])) throw new InvalidActionException("Reach-v0: action must be one finite float.");
        float a = Math.Clamp(action[0], -1f, 1f);
        _x = Math.Clamp(_x + 0.5f * a, -10f, 10f);
        rewardTerms[0] = -MathF.Abs(_x - _target);
        rewardTerms[1] = -0.01f * a * a;
        observation[0] = _x;
        observation[1] = _target;
        return new StepOutcome(rewardTerms[0] + rewardTerms[1], false, false);
    }

    public void Dispose() { }
}
