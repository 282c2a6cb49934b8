using ControlRL.Core.Checking;
using ControlRL.Core.Envs;
using ControlRL.Core.Rewards;
using ControlRL.Core.Spaces;
using ControlRL.Core.Tasks;
using ControlRL.Core.Wrappers;

namespace ControlRL.Core.Tests;

public class InfoRewardWrapperTests
{
    /// <summary>
    /// Reports terms [raw] = action and info [gain, count] = [2, step]; terminates at step 3. Events, rendering and
    /// task parameters, so the tests can find them through the wrapper.
    /// </summary>
    private sealed class GainEnv : IEnv, IEventSource, IRenderable, IParameterizedEnv
    {
        private int _step;

        public EnvSpec Spec { get; } = new("Gain-v0", Box.Uniform(1, -10f, 10f), Box.Uniform(1, -1f, 1f), 0.1, 1, 0, ["raw"])
        {
            Info = [new InfoSpec("gain"), new InfoSpec("count", InfoAggregation.Max)],
            Events = ["bump"],
            Notes = "a test env.",
        };

        public TaskSpace TaskSpace { get; } = new(["p"], [0f], [1f]);
        public int RenderWidth => 4;
        public int RenderHeight => 4;
        public void SetRenderSize(int width, int height) { }
        public void Render(Span<byte> rgb) => rgb.Fill(7);
        public int DrainEvents(Span<EnvEvent> destination) => 0;
        public void SetTask(ReadOnlySpan<float> task) { }

        public void Reset(ObsRow observation, ulong? seed = null)
        {
            _step = 0;
            if (seed is { } s) _offset = s % 5;
            observation.Float()[0] = _offset;
        }

        private ulong _offset;

        public StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default)
        {
            if (action.Length != 1 || !float.IsFinite(action[0])) throw new InvalidActionException("Gain-v0 takes one finite action value.");
            _step++;
            observation.Float()[0] = _step;
            rewardTerms[0] = action[0];
            if (info.Length >= 2)
            {
                info[0] = 2;
                info[1] = _step;
            }
            return new StepOutcome(action[0], _step >= 3, false);
        }

        public void Dispose() { }
    }

    /// <summary>Terms [scaled = raw x gain, penalty = -1 on termination]; extra info [test/steps = steps since reset].</summary>
    private sealed class ScaledReward : IInfoReward
    {
        private int _raw = -1, _gain = -1, _steps;

        public string Name => "Scaled";
        public IReadOnlyList<string> TermNames { get; } = ["scaled", "penalty"];
        public IReadOnlyList<InfoSpec> ExtraInfo { get; init; } = [new InfoSpec("test/steps", InfoAggregation.Max)];
        public string GainName { get; init; } = "gain";

        public void Bind(EnvSpec inner)
        {
            _raw = inner.RequireTerm("raw", "reward 'Scaled'");
            _gain = inner.RequireInfo(GainName, "reward 'Scaled'");
        }

        public void Reset() => _steps = 0;

        public void Step(ReadOnlySpan<float> innerTerms, ReadOnlySpan<float> innerInfo, bool terminated, bool truncated, Span<float> terms, Span<float> extraInfo)
        {
            _steps++;
            terms[0] = innerTerms[_raw] * innerInfo[_gain];
            terms[1] = terminated ? -1f : 0f;
            extraInfo[0] = _steps;
        }
    }

    private static readonly float[] Half = [0.5f];

    [Fact]
    public void TheSpecHasTheRewardsTermsAndTheEnvsInfoFollowedByTheRewards()
    {
        var inner = new GainEnv();
        using var env = new InfoRewardWrapper(inner, new ScaledReward());
        Assert.Equal("Gain-v0", env.Spec.Id);
        Assert.Equal(["scaled", "penalty"], env.Spec.RewardTerms);
        Assert.Equal(["gain", "count", "test/steps"], env.Spec.Info.Select(x => x.Name));
        Assert.Equal(InfoAggregation.Max, env.Spec.Info[2].Aggregation);
        Assert.Equal(inner.Spec.Events, env.Spec.Events);
        Assert.Equal(inner.Spec.ObservationSpace.Describe(), env.Spec.ObservationSpace.Describe());
        Assert.Contains("Reward: Scaled.", env.Spec.Notes);
        Assert.Null(EnvRegistry.SpecMismatch(env.Spec, InfoRewardWrapper.WrapSpec(inner.Spec, new ScaledReward())));
    }

    [Fact]
    public void AStepReturnsTheSumOfTheNewTermsAndWritesBothInfos()
    {
        using var env = new InfoRewardWrapper(new GainEnv(), new ScaledReward());
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        var terms = new float[2];
        var info = new float[3];
        env.Reset(obs.Row(0));
        var r = env.Step(Half, obs.Row(0), terms, info);
        Assert.Equal([1f, 0f], terms);
        Assert.Equal([2f, 1f, 1f], info);
        Assert.Equal(1f, r.Reward);
        Assert.False(r.Terminated);
        env.Step(Half, obs.Row(0), terms, info);
        r = env.Step(Half, obs.Row(0), terms, info);
        Assert.True(r.Terminated);
        Assert.Equal([1f, -1f], terms);
        Assert.Equal(0f, r.Reward);
        Assert.Equal(3f, obs.Floats(0)[0]);
        // A reset starts the reward's episode too.
        env.Reset(obs.Row(0));
        env.Step(Half, obs.Row(0), terms, info);
        Assert.Equal(1f, info[2]);
    }

    [Fact]
    public void WithoutAnInfoSpanTheRewardStillReadsTheEnvsInfo()
    {
        using var env = new InfoRewardWrapper(new GainEnv(), new ScaledReward());
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        var terms = new float[2];
        env.Reset(obs.Row(0));
        var r = env.Step(Half, obs.Row(0), terms);
        Assert.Equal(1f, terms[0]);
        Assert.Equal(1f, r.Reward);
        // An info span with room for the env's info only gets that.
        var info = new float[2];
        env.Step(Half, obs.Row(0), terms, info);
        Assert.Equal([2f, 2f], info);
    }

    [Fact]
    public void AMissingInfoMetricIsNamedWithWhatTheEnvReports()
    {
        var e = Assert.Throws<ArgumentException>(() => new InfoRewardWrapper(new GainEnv(), new ScaledReward { GainName = "gain_factor" }));
        Assert.Contains("'gain_factor'", e.Message);
        Assert.Contains("Gain-v0", e.Message);
        Assert.Contains("gain, count", e.Message);
        var clash = Assert.Throws<ArgumentException>(() => new InfoRewardWrapper(new GainEnv(), new ScaledReward { ExtraInfo = [new InfoSpec("count")] }));
        Assert.Contains("'count'", clash.Message);
    }

    [Fact]
    public void CapabilitiesOfTheEnvAreFoundThroughTheWrapper()
    {
        var inner = new GainEnv();
        IEnv env = new TimeLimit(new InfoRewardWrapper(inner, new ScaledReward()), 10);
        Assert.Same(inner, env.Find<IEventSource>());
        Assert.Same(inner, env.Find<IRenderable>());
        Assert.Same(inner, env.Find<IParameterizedEnv>());
        Assert.NotNull(env.Find<InfoRewardWrapper>());
    }

    [Fact]
    public void ActionRepeatStillSkipsDrawingThroughTheWrapper()
    {
        var pixels = new PixelEnv();
        using var env = new FrameSkip(new InfoRewardWrapper(pixels, new PassReward()), 4);
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        var terms = new float[1];
        env.Reset(obs.Row(0));
        int before = pixels.Draws;
        var r = env.Step([0f], obs.Row(0), terms);
        Assert.Equal(1, pixels.Draws - before);
        Assert.Equal(1 + 2 + 3 + 4, r.Reward);
    }

    /// <summary>One term: the env's first term, passed on.</summary>
    private sealed class PassReward : IInfoReward
    {
        public string Name => "Pass";
        public IReadOnlyList<string> TermNames { get; } = ["first"];
        public IReadOnlyList<InfoSpec> ExtraInfo { get; } = [];
        public void Bind(EnvSpec inner) { }
        public void Reset() { }

        public void Step(ReadOnlySpan<float> innerTerms, ReadOnlySpan<float> innerInfo, bool terminated, bool truncated, Span<float> terms, Span<float> extraInfo) =>
            terms[0] = innerTerms[0];
    }

    [Fact]
    public void StepsAllocateNothing()
    {
        using var env = new InfoRewardWrapper(new GainEnv(), new ScaledReward());
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        var terms = new float[2];
        var info = new float[3];
        env.Reset(obs.Row(0));
        env.Step(Half, obs.Row(0), terms, info);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            if (env.Step(Half, obs.Row(0), terms, info).Terminated) env.Reset(obs.Row(0));
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void TheWrappedEnvPassesTheEnvChecker()
    {
        using var env = new InfoRewardWrapper(new GainEnv(), new ScaledReward());
        var problems = EnvChecker.Check(env, steps: 50, seed: 3);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }
}
