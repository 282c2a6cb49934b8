using ControlRL.Core.Random;

namespace ControlRL.Envs.Box2D.Tests;

public class ObservationTests
{
    [Fact]
    public void ResetStandsOnFlatStartPad()
    {
        using var env = new BipedalWalkerEnv();
        var obs = new float[24];
        env.Reset(obs, 3);
        Assert.Equal(1f, obs[8]);  // both lower legs touch the ground
        Assert.Equal(1f, obs[13]);
        Assert.InRange(obs[0], -0.05f, 0.05f);
        // Ray 0 points straight down onto the flat start pad.
        double expected = (env.HullPosition.Y - WalkerConstants.TerrainHeight) / WalkerConstants.LidarRange;
        Assert.Equal(expected, obs[14], 2);
        // Rays tilt forwards, so they reach the ground further away (or not at all).
        for (int i = 15; i < 24; i++) Assert.True(obs[i] >= obs[i - 1] - 1e-6f, $"lidar {i - 14} shorter than {i - 15}");
    }

    [Theory]
    [InlineData("BipedalWalker-v3")]
    [InlineData("BipedalWalkerHardcore-v3")]
    [InlineData("StumpTracksQuadru-v0")]
    public void LidarFractionsAndContactFlagsStayInRange(string id)
    {
        using var env = WalkerTestSupport.Registry().MakeRaw(id);
        int n = env.Spec.ObservationSpace.FlatSize, legs = (n - 14) / 5;
        var obs = new float[n];
        var action = new float[env.Spec.ActionSpace.FlatSize];
        var terms = new float[3];
        var rng = new Rng(11);
        env.Reset(obs, 5);
        bool sawContact = false, sawNoContact = false;
        for (int t = 0; t < 300; t++)
        {
            for (int i = 0; i < action.Length; i++) action[i] = (float)rng.Uniform(-1, 1);
            if (env.Step(action, obs, terms).Terminated) env.Reset(obs);
            for (int leg = 0; leg < legs; leg++)
            {
                float c = obs[4 + 5 * leg + 4];
                Assert.True(c == 0f || c == 1f, $"contact flag {c}");
                if (leg < 2) { sawContact |= c == 1f; sawNoContact |= c == 0f; }
            }
            for (int i = n - 10; i < n; i++) Assert.InRange(obs[i], 0f, 1f);
        }
        Assert.True(sawContact && sawNoContact);
    }

    [Fact]
    public void QuadruSecondPairNeverReportsContactAsInTeachDeepRl()
    {
        using var env = WalkerTestSupport.Registry().MakeRaw("StumpTracksQuadru-v0");
        var obs = new float[34];
        var terms = new float[3];
        env.Reset(obs, 1);
        for (int t = 0; t < 50; t++)
        {
            env.Step(new float[8], obs, terms);
            Assert.Equal(0f, obs[4 + 5 * 2 + 4]);
            Assert.Equal(0f, obs[4 + 5 * 3 + 4]);
        }
    }
}
