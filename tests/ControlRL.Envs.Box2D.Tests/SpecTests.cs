using ControlRL.Core.Spaces;
using ControlRL.Core.Wrappers;

namespace ControlRL.Envs.Box2D.Tests;

public class SpecTests
{
    [Theory]
    [InlineData("BipedalWalker-v3", 1600)]
    [InlineData("BipedalWalkerHardcore-v3", 2000)]
    public void GymnasiumIdsHaveTheReferenceSpaces(string id, int limit)
    {
        var spec = WalkerTestSupport.Registry().Describe(id);
        Assert.Equal(id, spec.Id);
        Assert.Equal(24, spec.ObservationSpace.FlatSize);
        var act = Assert.IsType<Box>(spec.ActionSpace);
        Assert.Equal(4, act.FlatSize);
        Assert.All(act.Low, v => Assert.Equal(-1f, v));
        Assert.All(act.High, v => Assert.Equal(1f, v));
        Assert.Equal(limit, spec.MaxEpisodeSteps);
        Assert.Equal(0.02, spec.Dt, 12);
        Assert.Equal(["shaping", "torque_cost", "terminal"], spec.RewardTerms);
        var obs = Assert.IsType<Box>(spec.ObservationSpace);
        Assert.Equal(-MathF.PI, obs.Low[0]);
        Assert.Equal(5f, obs.High[8]);
        Assert.Equal(1f, obs.High[23]);
        Assert.NotEmpty(spec.Notes);
    }

    [Theory]
    [InlineData("StumpTracks-v0", 24, 4)]
    [InlineData("StumpTracksShort-v0", 24, 4)]
    [InlineData("StumpTracksQuadru-v0", 34, 8)]
    [InlineData("HexagonTracks-v0", 24, 4)]
    [InlineData("HexagonTracksShort-v0", 24, 4)]
    [InlineData("HexagonTracksQuadru-v0", 34, 8)]
    public void TeachDeepRlIdsHaveMorphologySizedSpaces(string id, int obs, int act)
    {
        var spec = WalkerTestSupport.Registry().Describe(id);
        Assert.Equal(obs, spec.ObservationSpace.FlatSize);
        Assert.Equal(act, spec.ActionSpace.FlatSize);
        Assert.Equal(2000, spec.MaxEpisodeSteps);
        Assert.Equal(["shaping", "torque_cost", "terminal"], spec.RewardTerms);
    }

    [Fact]
    public void MakeAddsTheTimeLimit()
    {
        using var env = WalkerTestSupport.Registry().Make("BipedalWalker-v3");
        Assert.IsType<TimeLimit>(env);
    }

    [Fact]
    public void RegistersEveryId()
    {
        var r = WalkerTestSupport.Registry();
        Assert.Equal(10, Box2DEnvs.Ids.Count);
        Assert.All(Box2DEnvs.Ids, id => Assert.True(r.Contains(id)));
        Assert.Equal(r.Ids.Order(), Box2DEnvs.Ids.Order());
    }

    [Fact]
    public void DescribedSpecsMatchBuiltEnvsWithoutBuildingThem()
    {
        // The registry's spec providers must agree with what each env reports once built.
        var r = WalkerTestSupport.Registry();
        foreach (string id in Box2DEnvs.Ids)
        {
            var described = r.Describe(id);
            using var env = r.MakeRaw(id);
            Assert.Null(ControlRL.Core.Envs.EnvRegistry.SpecMismatch(described, env.Spec));
        }
    }
}
