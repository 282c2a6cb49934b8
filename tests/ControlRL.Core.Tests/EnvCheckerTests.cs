using ControlRL.Core.Checking;
using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using ControlRL.Core.Wrappers;

namespace ControlRL.Core.Tests;

public class EnvCheckerTests
{
    /// <summary>A configurable env with one deliberate bug at a time.</summary>
    private sealed class BrokenEnv(string bug) : IEnv
    {
        private int _t;
        private ulong _seed;
        private int _resets;

        public EnvSpec Spec { get; } = new("Broken-v0", Box.Uniform(2, -1f, 1f), Box.Uniform(1, -1f, 1f), 0.1, 1, 0, ["x", "y"]);

        public void Reset(ObsRow row, ulong? seed = null)
        {
            Span<float> observation = row.Float();
            _resets++;
            if (seed is { } s) _seed = s;
            _t = 0;
            observation[0] = bug == "obs_outside" ? 5f : 0.01f * (float)(_seed % 7);
            if (bug != "obs_unwritten") observation[1] = bug == "nondeterministic_reset" ? 0.001f * _resets : 0f;
        }

        public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default)
        {
            Span<float> observation = row.Float();
            if (bug == "crash_on_nan" && float.IsNaN(action[0])) throw new IndexOutOfRangeException("oops");
            if (bug != "accepts_nan" && (action.Length != 1 || !float.IsFinite(action[0])))
                throw new InvalidActionException("bad action");
            _t++;
            observation[0] = 0;
            observation[1] = bug == "nan_obs" && _t == 3 ? float.NaN : 0.5f;
            rewardTerms[0] = 1f;
            rewardTerms[1] = bug == "terms_dont_sum" ? 5f : 0.5f;
            float reward = bug == "inf_reward" ? float.PositiveInfinity : 1.5f;
            return new StepOutcome(reward, _t >= 10, false);
        }

        public void Dispose() { }
    }

    [Theory]
    [InlineData("obs_outside", "reset.observation")]
    [InlineData("obs_unwritten", "reset.observation")]
    [InlineData("nondeterministic_reset", "reset.determinism")]
    [InlineData("accepts_nan", "invalid_action")]
    [InlineData("crash_on_nan", "invalid_action")]
    [InlineData("nan_obs", "step.observation")]
    [InlineData("terms_dont_sum", "step.reward_terms")]
    [InlineData("inf_reward", "step.reward")]
    public void CatchesEachDeliberateBug(string bug, string check)
    {
        var env = new BrokenEnv(bug);
        var ex = Assert.Throws<EnvCheckException>(() => EnvChecker.Check(env, steps: 30));
        var hit = ex.Problems.First(p => p.Check == check && p.Severity == CheckSeverity.Error);
        Assert.Equal("Broken-v0", hit.EnvId);
        Assert.Contains("[Broken-v0]", ex.Message);
        Assert.Contains(check, ex.Message);
    }

    [Fact]
    public void AHealthyEnvPassesWithoutErrors()
    {
        var warnings = EnvChecker.Check(new BrokenEnv("none"), steps: 30);
        Assert.DoesNotContain(warnings, p => p.Severity == CheckSeverity.Error);
    }

    [Fact]
    public void ReportsCrashingStepAndUnusedSeedAndNoEpisodeEnd()
    {
        var toy = new ToyEnv();
        toy.ThrowAtStep = 5;
        var problems = EnvChecker.Inspect(toy, steps: 20);
        Assert.Contains(problems, p => p.Check == "step" && p.Message.Contains("step 4") && p.Message.Contains("diverged"));
        // ToyEnv never ends: resetting after done is not exercised.
        var ok = EnvChecker.Inspect(new ToyEnv(), steps: 20);
        Assert.Contains(ok, p => p.Check == "reset_after_done" && p.Severity == CheckSeverity.Warning);
        Assert.DoesNotContain(ok, p => p.Severity == CheckSeverity.Error);
        Assert.DoesNotContain(EnvChecker.Inspect(new TimeLimit(new ToyEnv(), 5), steps: 20), p => p.Check == "reset_after_done");
    }
}
