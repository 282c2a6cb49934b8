namespace ControlRL.Envs.Box2D.Tests;

public class DeterminismTests
{
    [Theory]
    [InlineData("BipedalWalker-v3")]
    [InlineData("BipedalWalkerHardcore-v3")]
    [InlineData("StumpTracks-v0")]
    [InlineData("HexagonTracksQuadru-v0")]
    public void SameSeedSameTrajectoryDifferentSeedDifferent(string id)
    {
        var registry = WalkerTestSupport.Registry();
        using var a = registry.MakeRaw(id);
        using var b = registry.MakeRaw(id);
        string first = WalkerTestSupport.TrajectoryHash(a, 42, 300);
        Assert.Equal(first, WalkerTestSupport.TrajectoryHash(b, 42, 300));
        // The same instance again, after other episodes: each reset builds a fresh world.
        Assert.Equal(first, WalkerTestSupport.TrajectoryHash(a, 42, 300));
        Assert.NotEqual(first, WalkerTestSupport.TrajectoryHash(b, 43, 300));
    }

    [Fact]
    public void UnseededResetsDiffer()
    {
        using var env = new BipedalWalkerEnv(hardcore: true);
        var obs = new float[24];
        env.Reset(obs, 5);
        var first = env.Terrain.Y.ToArray();
        env.Reset(obs);
        Assert.NotEqual(first, env.Terrain.Y.ToArray());
    }
}
