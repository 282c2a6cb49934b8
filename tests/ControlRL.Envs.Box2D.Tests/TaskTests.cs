using ControlRL.Core.Envs;
using ControlRL.Core.Tasks;

namespace ControlRL.Envs.Box2D.Tests;

public class TaskTests
{
    [Fact]
    public void TaskSpacesMatchTeachDeepRl()
    {
        var registry = WalkerTestSupport.Registry();
        using var stumps = registry.Make("StumpTracks-v0");
        var s = stumps.Find<IParameterizedEnv>()!.TaskSpace;
        Assert.Equal(["stump_height", "obstacle_spacing"], s.Names);
        Assert.Equal([0f, 0f], s.Low);
        Assert.Equal([3f, 6f], s.High);
        using var hex = registry.Make("HexagonTracksShort-v0");
        var h = hex.Find<IParameterizedEnv>()!.TaskSpace;
        Assert.Equal(12, h.Size);
        Assert.All(h.High, v => Assert.Equal(4f, v));
        Assert.Null(registry.Make("BipedalWalker-v3").Find<IParameterizedEnv>());
    }

    [Fact]
    public void SetTaskOutsideTheSpaceIsRefusedWithTheParameterName()
    {
        using var env = (ParameterizedWalkerEnv)WalkerTestSupport.Registry().MakeRaw("StumpTracks-v0");
        var e = Assert.Throws<ArgumentException>(() => env.SetTask([1f, 7f]));
        Assert.Contains("obstacle_spacing", e.Message);
        e = Assert.Throws<ArgumentException>(() => env.SetTask([-0.1f, 1f]));
        Assert.Contains("stump_height", e.Message);
        Assert.Throws<ArgumentException>(() => env.SetTask([float.NaN, 1f]));
        Assert.Throws<ArgumentException>(() => env.SetTask([1f]));
    }

    [Fact]
    public void SetTaskAppliesAtTheNextReset()
    {
        using var env = (ParameterizedWalkerEnv)WalkerTestSupport.Registry().MakeRaw("StumpTracks-v0");
        var obs = new float[24];
        env.Reset(obs, 1);
        Assert.Equal([1.5f, 3f], env.CurrentTask.ToArray()); // centre before any SetTask
        int before = env.Terrain.Polygons.Count;
        env.SetTask([3f, 0.5f]);
        env.Step(new float[4], obs, new float[3]);
        Assert.Equal([1.5f, 3f], env.CurrentTask.ToArray());
        Assert.Equal(before, env.Terrain.Polygons.Count);
        env.Reset(obs, 1);
        Assert.Equal([3f, 0.5f], env.CurrentTask.ToArray());
        Assert.True(env.Terrain.Polygons.Count > before);
    }

    [Fact]
    public void TallStumpsBlockTheLidar()
    {
        using var env = (ParameterizedWalkerEnv)WalkerTestSupport.Registry().MakeRaw("StumpTracks-v0");
        var obs = new float[24];
        env.SetTask([3f, 0f]);
        env.Reset(obs, 1);
        // Flat start pad under the walker, a wall of 3-step stumps from x = 9.33 that the flattest ray reaches.
        // (Which stump it reports is the first one Box2D's broad-phase returns, as in teachDeepRL, not the closest.)
        env.SetTask([0f, 6f]);
        var flat = new float[24];
        env.Reset(flat, 1);
        Assert.Equal(1f, flat[23]);
        Assert.InRange(obs[23], 0.85f, 0.999f);
    }
}
