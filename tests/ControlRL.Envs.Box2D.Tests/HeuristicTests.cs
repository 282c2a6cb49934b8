namespace ControlRL.Envs.Box2D.Tests;

/// <summary>
/// Gymnasium's demo controller for BipedalWalker (bipedal_walker.py's heuristic), ported: it walks the reference
/// walker to the far end, so it checks the physics, the observation scaling and the end-of-terrain termination.
/// </summary>
public class HeuristicTests
{
    private static (double Return, int Steps, bool Terminated) RunHeuristic(BipedalWalkerEnv env, ulong seed)
    {
        var s = new float[24];
        var terms = new float[3];
        var a = new float[4];
        env.Reset(s, seed);
        const int stay = 1, put = 2, push = 3;
        const double speed = 0.29, supportKnee = 0.1;
        int state = stay, moving = 0, supporting = 1;
        double supKnee = supportKnee, total = 0;
        for (int steps = 1; steps <= 1600; steps++)
        {
            var r = env.Step(a, s, terms);
            total += r.Reward;
            if (r.Terminated) return (total, steps, true);
            int mb = 4 + 5 * moving, sb = 4 + 5 * supporting;
            double[] hipTarget = [0, 0], kneeTarget = [0, 0], hip = [0, 0], knee = [0, 0];
            if (state == stay)
            {
                hipTarget[moving] = 1.1;
                kneeTarget[moving] = -0.6;
                supKnee += 0.03;
                if (s[2] > speed) supKnee += 0.03;
                supKnee = Math.Min(supKnee, supportKnee);
                kneeTarget[supporting] = supKnee;
                if (s[sb] < 0.10) state = put;
            }
            if (state == put)
            {
                hipTarget[moving] = 0.1;
                kneeTarget[moving] = supportKnee;
                kneeTarget[supporting] = supKnee;
                if (s[mb + 4] != 0)
                {
                    state = push;
                    supKnee = Math.Min(s[mb + 2], supportKnee);
                }
            }
            if (state == push)
            {
                kneeTarget[moving] = supKnee;
                kneeTarget[supporting] = 1.0;
                if (s[sb + 2] > 0.88 || s[2] > 1.2 * speed)
                {
                    state = stay;
                    moving = 1 - moving;
                    supporting = 1 - moving;
                }
            }
            // The reference skips falsy (zero / unset) targets.
            if (hipTarget[0] != 0) hip[0] = 0.9 * (hipTarget[0] - s[4]) - 0.25 * s[5];
            if (hipTarget[1] != 0) hip[1] = 0.9 * (hipTarget[1] - s[9]) - 0.25 * s[10];
            if (kneeTarget[0] != 0) knee[0] = 4.0 * (kneeTarget[0] - s[6]) - 0.25 * s[7];
            if (kneeTarget[1] != 0) knee[1] = 4.0 * (kneeTarget[1] - s[11]) - 0.25 * s[12];
            for (int l = 0; l < 2; l++)
            {
                hip[l] -= 0.9 * (0 - s[0]) - 1.5 * s[1];
                knee[l] -= 15.0 * s[3];
            }
            a[0] = (float)Math.Clamp(0.5 * hip[0], -1, 1);
            a[1] = (float)Math.Clamp(0.5 * knee[0], -1, 1);
            a[2] = (float)Math.Clamp(0.5 * hip[1], -1, 1);
            a[3] = (float)Math.Clamp(0.5 * knee[1], -1, 1);
        }
        return (total, 1600, false);
    }

    [Fact]
    public void GymnasiumHeuristicWalksToTheEnd()
    {
        using var env = new BipedalWalkerEnv();
        var (ret, steps, terminated) = RunHeuristic(env, 0);
        Assert.True(terminated, $"did not reach the end in {steps} steps (x = {env.HullPosition.X:F1})");
        Assert.False(env.GameOver);
        Assert.True(env.HullPosition.X > WalkerConstants.FinishX);
        Assert.InRange(ret, BipedalWalkerEnv.RewardThreshold, 340);
    }
}
