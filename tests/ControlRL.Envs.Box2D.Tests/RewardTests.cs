namespace ControlRL.Envs.Box2D.Tests;

public class RewardTests
{
    private static double Shaping(BipedalWalkerEnv env, float angle) => 130 * env.HullPosition.X / 30.0 - 5.0 * Math.Abs((double)angle);

    [Fact]
    public void TorqueCostAndShapingMatchTheFormulas()
    {
        using var env = new BipedalWalkerEnv();
        var obs = new float[24];
        var terms = new float[3];
        env.Reset(obs, 3);
        double before = Shaping(env, obs[0]);
        var r = env.Step([0.5f, -0.25f, 1f, 0f], obs, terms);
        // 0.00035 * 80 * (0.5 + 0.25 + 1 + 0)
        Assert.Equal(-0.049, terms[1], 6);
        Assert.Equal(Shaping(env, obs[0]) - before, terms[0], 5);
        Assert.Equal(0f, terms[2]);
        Assert.Equal(terms[0] + terms[1] + terms[2], r.Reward, 5);
        Assert.False(r.Terminated);

        // |a| is clipped to 1 in the cost; the sign alone sets the motor speed.
        env.Step([2f, -3f, 0f, 0f], obs, terms);
        Assert.Equal(-0.056, terms[1], 6);
    }

    [Fact]
    public void QuadruUsesItsTorqueAndPenalty()
    {
        using var env = WalkerTestSupport.Registry().MakeRaw("StumpTracksQuadru-v0");
        var obs = new float[34];
        var terms = new float[3];
        env.Reset(obs, 3);
        env.Step([1, 0, 0, 0, 0, 0, 0, 0], obs, terms);
        Assert.Equal(-0.00035 / 8 * 300, terms[1], 6);
    }

    [Fact]
    public void FallingGivesMinus100AndTerminates()
    {
        using var env = new BipedalWalkerEnv();
        var obs = new float[24];
        var terms = new float[3];
        env.Reset(obs, 1);
        for (int t = 0; t < 300; t++)
        {
            // Both hips and knees driven forward at full torque: the walker folds over onto its hull.
            var r = env.Step([1f, 1f, 1f, 1f], obs, terms);
            if (r.Terminated)
            {
                Assert.True(env.GameOver);
                Assert.Equal(-100f, r.Reward);
                Assert.Equal(0f, terms[0]);
                Assert.Equal(0f, terms[1]);
                Assert.Equal(-100f, terms[2]);
                Assert.True(t > 5);
                return;
            }
            Assert.False(env.GameOver);
        }
        Assert.Fail("the walker did not fall within 300 steps");
    }

    [Fact]
    public void InvalidActionsNameTheEnv()
    {
        using var env = new BipedalWalkerEnv(hardcore: true);
        var obs = new float[24];
        var terms = new float[3];
        env.Reset(obs, 1);
        var e = Assert.Throws<ControlRL.Core.Envs.InvalidActionException>(() => env.Step([0f, float.NaN, 0f, 0f], obs, terms));
        Assert.Contains("BipedalWalkerHardcore-v3", e.Message);
        e = Assert.Throws<ControlRL.Core.Envs.InvalidActionException>(() => env.Step([0f, 0f, 0f], obs, terms));
        Assert.Contains("BipedalWalkerHardcore-v3", e.Message);
    }
}
