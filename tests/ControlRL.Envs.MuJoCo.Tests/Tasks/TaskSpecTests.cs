using ControlRL.Core.Spaces;
using ControlRL.Core.Wrappers;

namespace ControlRL.Envs.MuJoCo.Tests.Tasks;

public class TaskSpecTests
{
    public static IEnumerable<object[]> Ids => TaskTestSupport.Ids;

    [Fact]
    public void RegisterAddsTheSixIds()
    {
        var registry = TaskTestSupport.Registry();
        Assert.Equal(TaskTestSupport.Facts.Select(f => f.Id).Order(StringComparer.Ordinal), registry.Ids);
        Assert.Equal(MuJoCoEnvs.Ids.Order(StringComparer.Ordinal), registry.Ids);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void SpecMatchesReference(string id)
    {
        var facts = TaskTestSupport.For(id);
        using var env = TaskTestSupport.Registry().Make(id);
        var spec = env.Spec;

        Assert.IsType<TimeLimit>(env);
        Assert.Equal(1000, spec.MaxEpisodeSteps);
        Assert.Equal(id, spec.Id);
        Assert.Equal(facts.ObsSize, spec.ObservationSpace.FlatSize);
        var obsBox = Assert.IsType<Box>(spec.ObservationSpace);
        Assert.All(obsBox.Low, v => Assert.Equal(float.NegativeInfinity, v));
        Assert.All(obsBox.High, v => Assert.Equal(float.PositiveInfinity, v));

        var act = Assert.IsType<Box>(spec.ActionSpace);
        Assert.Equal(facts.ActSize, act.FlatSize);
        Assert.All(act.Low, v => Assert.Equal(facts.ActLow, v));
        Assert.All(act.High, v => Assert.Equal(facts.ActHigh, v));

        Assert.Equal(facts.FrameSkip, spec.FrameSkip);
        Assert.Equal(facts.Timestep * facts.FrameSkip, spec.Dt, 12);
        Assert.Equal(facts.Terms, spec.RewardTerms);
        Assert.Contains("float32", spec.Notes);

        var raw = TaskTestSupport.Unwrap(env);
        Assert.Equal(facts.Timestep, raw.Model.Timestep, 15);
        Assert.Equal(facts.FrameSkip, raw.FrameSkip);
    }

    [Theory]
    [InlineData("HalfCheetah-v5", 0)] // Euler
    [InlineData("Hopper-v5", 1)] // RK4
    [InlineData("Walker2d-v5", 1)]
    [InlineData("Ant-v5", 1)]
    [InlineData("Humanoid-v5", 1)]
    [InlineData("InvertedPendulum-v5", 1)]
    public void IntegratorMatchesReferenceAsset(string id, int integrator)
    {
        using var env = TaskTestSupport.MakeRaw(id);
        Assert.Equal(integrator, env.Model.Integrator);
    }

    [Fact]
    public void HalfCheetahAssetHasReferenceMassAndGears()
    {
        using var env = TaskTestSupport.MakeRaw("HalfCheetah-v5");
        double mass = 0;
        foreach (double m in env.Model.BodyMass) mass += m;
        Assert.Equal(14.0, mass, 9);
        var gears = new double[6];
        for (int i = 0; i < 6; i++) gears[i] = env.Model.ActuatorGear[6 * i];
        Assert.Equal([120, 90, 60, 120, 60, 30], gears);
    }

    [Fact]
    public void RawEnvHasNoTimeLimitWrapper()
    {
        using var env = TaskTestSupport.Registry().MakeRaw("HalfCheetah-v5");
        Assert.IsAssignableFrom<MuJoCoEnv>(env);
        Assert.True(File.Exists(((MuJoCoEnv)env).AssetPath));
    }
}
