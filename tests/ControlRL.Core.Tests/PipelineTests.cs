using ControlRL.Core.Envs;
using ControlRL.Core.Pipeline;
using ControlRL.Core.Spaces;
using ControlRL.Core.Wrappers;

namespace ControlRL.Core.Tests;

public class PipelineTests
{
    private static WrapperSpec W(string name, params (string, object?)[] args) => WrapperSpec.Of(name, args);

    private static EnvPipeline AtariLike() => new(
        W("frame_skip", ("k", 4), ("max_pool", true)),
        W("grayscale"),
        W("resize", ("size", 4L)),
        W("frame_stack", ("n", "4")),
        W("clip_action"),
        W("normalize_observation", ("keys", new List<object?> { "state" })),
        W("normalize_reward", ("gamma", 0.95), ("clip", 5)));

    [Fact]
    public void BuildsTheSingleEnvWrappersInOrderAndHandsOnTheVectorOnes()
    {
        var p = AtariLike();
        Assert.Equal(["frame_skip", "grayscale", "resize", "frame_stack"], p.EnvWrappers.Select(w => w.Name));
        Assert.Equal(["clip_action", "normalize_observation", "normalize_reward"], p.VectorWrappers.Select(w => w.Name));
        var nr = Assert.IsType<NormalizeRewardOptions>(p.VectorWrappers[2]);
        Assert.Equal(0.95, nr.Gamma);
        Assert.Equal(5f, nr.Clip);

        using IEnv env = p.Wrap(new PixelEnv(h: 8, w: 8, dict: true, maxEpisodeSteps: 10));
        Assert.IsType<FrameStack>(env);
        var chain = new List<Type>();
        for (IEnv? e = env; e is not null; e = (e as IEnvWrapper)?.Inner) chain.Add(e.GetType());
        Assert.Equal([typeof(FrameStack), typeof(ResizeObservation), typeof(GrayscaleObservation), typeof(FrameSkip), typeof(TimeLimit), typeof(PixelEnv)], chain);
        Assert.Equal("Dict('state': Box(-1000000.0, 1000000.0, (2,), float32), 'pixels': Box(0, 255, (4, 4, 4), uint8))",
            env.Spec.ObservationSpace.Describe());
        Assert.Equal(3, env.Spec.MaxEpisodeSteps);
        Assert.Equal(4, env.Spec.FrameSkip);
    }

    [Fact]
    public void DescribeSpecAgreesWithTheBuiltEnvWithoutBuildingIt()
    {
        var registry = new EnvRegistry();
        int built = 0;
        var rawSpec = new PixelEnv(h: 8, w: 8, dict: true, maxEpisodeSteps: 10).Spec;
        registry.Register("Pixel-v0", () => { built++; return new PixelEnv(h: 8, w: 8, dict: true, maxEpisodeSteps: 10); }, () => rawSpec);
        var p = AtariLike();
        var described = p.Describe(registry, "Pixel-v0");
        Assert.Equal(0, built);
        using var env = p.Make(registry, "Pixel-v0");
        Assert.Equal(1, built);
        Assert.Null(EnvRegistry.SpecMismatch(described, env.Spec));
        Assert.Equal(0.08, described.Dt, 12);
    }

    [Fact]
    public void DefaultTimeLimitCountsRawStepsInsideTheFrameSkip()
    {
        var raw = new PixelEnv(maxEpisodeSteps: 10);
        using var env = new EnvPipeline(W("frame_skip", ("k", 4))).Wrap(raw);
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        var terms = new float[2];
        env.Reset(obs.Row(0));
        Assert.False(env.Step([0f], obs.Row(0), terms).Truncated);
        Assert.False(env.Step([0f], obs.Row(0), terms).Truncated);
        var r = env.Step([0f], obs.Row(0), terms);
        Assert.True(r.Truncated);
        Assert.Equal(10, raw.Steps);
        Assert.Equal(9 + 10, r.Reward);
    }

    [Fact]
    public void AnExplicitTimeLimitReplacesTheDefaultWhereItIsListed()
    {
        var raw = new PixelEnv(maxEpisodeSteps: 10);
        var p = new EnvPipeline(W("frame_skip", ("k", 4)), W("time_limit", ("max_steps", 5)));
        Assert.True(p.HasTimeLimit);
        Assert.Equal(5, p.DescribeSpec(raw.Spec).MaxEpisodeSteps);
        using var env = p.Wrap(raw);
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        env.Reset(obs.Row(0));
        StepOutcome r = default;
        for (int t = 0; t < 5; t++) r = env.Step([0f], obs.Row(0), new float[2]);
        Assert.True(r.Truncated);
        Assert.Equal(20, raw.Steps); // counted in agent steps: no raw limit at 10
    }

    [Fact]
    public void UnknownNamesAndArgumentsNameTheWrapperAndListWhatIsKnown()
    {
        var e = Assert.Throws<ArgumentException>(() => new EnvPipeline(W("framestack", ("n", 4))));
        Assert.Contains("'framestack'", e.Message);
        Assert.Contains("frame_skip, grayscale, resize, frame_stack, time_limit, clip_action, normalize_observation, normalize_reward", e.Message);

        e = Assert.Throws<ArgumentException>(() => new EnvPipeline(W("frame_skip", ("skip", 4))));
        Assert.Contains("'frame_skip'", e.Message);
        Assert.Contains("unknown argument 'skip' (known: k, max_pool)", e.Message);

        e = Assert.Throws<ArgumentException>(() => new EnvPipeline(W("clip_action", ("low", -1))));
        Assert.Contains("known: none", e.Message);
    }

    [Fact]
    public void BadArgumentValuesAreRefused()
    {
        void Refused(WrapperSpec w, string part)
        {
            var e = Assert.Throws<ArgumentException>(() => new EnvPipeline(w));
            Assert.Contains($"'{w.Name}'", e.Message);
            Assert.Contains(part, e.Message);
        }
        Refused(W("frame_skip", ("k", 0)), "at least 1");
        Refused(W("frame_skip", ("k", 2.5)), "integer");
        Refused(W("frame_skip", ("k", 1), ("max_pool", true)), "k >= 2");
        Refused(W("frame_skip", ("max_pool", "maybe")), "true or false");
        Refused(W("resize", ("height", 64)), "height and width");
        Refused(W("resize", ("size", 64), ("width", 64)), "either size");
        Refused(W("resize", ("size", new[] { 1, 2, 3 })), "[height, width]");
        Refused(W("frame_stack"), "'n' is required");
        Refused(W("frame_stack", ("n", 4), ("padding", "edge")), "'reset' or 'zero'");
        Refused(W("time_limit", ("max_steps", -1)), "positive");
        Refused(W("normalize_reward", ("gamma", 1.5)), "[0, 1]");
        Refused(W("normalize_observation", ("keys", 3)), "list of strings");
        Assert.Throws<ArgumentException>(() => new EnvPipeline(W("time_limit", ("max_steps", 5)), W("time_limit", ("max_steps", 6))));
    }

    [Fact]
    public void SpaceErrorsSurfaceWhenDescribingAndNameTheWrapper()
    {
        var pixel = new PixelEnv(h: 8, w: 8).Spec;
        var e = Assert.Throws<ArgumentException>(() => new EnvPipeline(W("grayscale"), W("grayscale")).DescribeSpec(pixel));
        Assert.Contains("Wrapper 1 (grayscale)", e.Message);
        Assert.Contains("RGB", e.Message);
        e = Assert.Throws<ArgumentException>(() => new EnvPipeline(W("resize", ("size", new List<object?> { 16L, 8L }))).DescribeSpec(pixel));
        Assert.Contains("larger", e.Message);
        e = Assert.Throws<ArgumentException>(() => new EnvPipeline(W("normalize_observation", ("keys", "nope"))).DescribeSpec(new PixelEnv(dict: true).Spec));
        Assert.Contains("state, pixels", e.Message);
        e = Assert.Throws<ArgumentException>(() => new EnvPipeline(W("normalize_observation")).DescribeSpec(pixel));
        Assert.Contains("no non-image leaf", e.Message);
        var discrete = pixel with { ActionSpace = new Discrete(3) };
        e = Assert.Throws<ArgumentException>(() => new EnvPipeline(W("clip_action")).DescribeSpec(discrete));
        Assert.Contains("Box action space", e.Message);
    }

    [Fact]
    public void NormalizeObservationExcludesImagesByDefault()
    {
        var o = new NormalizeObservationOptions();
        Assert.Equal([0], o.ResolveLeaves(new PixelEnv(dict: true).Spec.ObservationSpace));
        Assert.Equal([1], new NormalizeObservationOptions(["pixels"]).ResolveLeaves(new PixelEnv(dict: true).Spec.ObservationSpace));
    }

    [Fact]
    public void ComposedPipelineDoesNotAllocatePerStep()
    {
        using var env = new EnvPipeline(W("frame_skip", ("k", 4)), W("grayscale"), W("resize", ("height", 32), ("width", 32)), W("frame_stack", ("n", 4)))
            .Wrap(new PixelEnv(h: 48, w: 48, terminateAt: 90, maxEpisodeSteps: 61));
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        var terms = new float[2];
        float[] action = [0f];
        env.Reset(obs.Row(0));
        void Steps(int n)
        {
            for (int t = 0; t < n; t++)
            {
                var r = env.Step(action, obs.Row(0), terms);
                if (r.Terminated || r.Truncated) env.Reset(obs.Row(0));
            }
        }
        Steps(100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Steps(1000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
