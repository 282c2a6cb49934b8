using ControlRL.Learning.Ppo;

namespace ControlRL.Learning.Tests;

public class GaeTests
{
    [Fact]
    public void MatchesHandComputationWithEpisodeEnd()
    {
        // One env, three steps; the episode ends after step 1 (index 1).
        float[] rewards = [1f, 2f, 3f];
        float[] values = [0.5f, 1f, 1.5f];
        bool[] ended = [false, true, false];
        float[] next = [2f];
        double g = 0.9, l = 0.8;
        var adv = new float[3];
        var ret = new float[3];
        Gae.Compute(rewards, values, ended, next, 3, 1, g, l, adv, ret);
        double d2 = 3 + g * 2 - 1.5;
        double d1 = 2 - 1;
        double d0 = 1 + g * 1 - 0.5;
        double a2 = d2, a1 = d1, a0 = d0 + g * l * a1;
        Assert.Equal(a2, adv[2], 5);
        Assert.Equal(a1, adv[1], 5);
        Assert.Equal(a0, adv[0], 5);
        Assert.Equal(a0 + 0.5, ret[0], 5);
    }

    [Fact]
    public void EnvsAreIndependentInTimeMajorLayout()
    {
        // Two envs interleaved: rows t*2 + i.
        float[] rewards = [1f, 10f, 1f, 10f];
        float[] values = [0f, 0f, 0f, 0f];
        bool[] ended = [false, false, false, true];
        float[] next = [0f, 100f];
        var adv = new float[4];
        var ret = new float[4];
        Gae.Compute(rewards, values, ended, next, 2, 2, 1.0, 1.0, adv, ret);
        Assert.Equal(2f, adv[0], 5);
        Assert.Equal(20f, adv[1], 5); // env 1 ended at t=1: next value 100 is not used
    }
}
