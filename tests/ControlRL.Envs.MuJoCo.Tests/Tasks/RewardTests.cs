using ControlRL.Core.Random;
using ControlRL.Envs.MuJoCo.Tasks;

namespace ControlRL.Envs.MuJoCo.Tests.Tasks;

public class RewardTests
{
    public static IEnumerable<object[]> Ids => TaskTestSupport.Ids;

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected)),
            $"{what}: {actual}, expected {expected}");

    [Theory]
    [MemberData(nameof(Ids))]
    public void RewardTermsSumToTheReward(string id)
    {
        using var env = TaskTestSupport.MakeRaw(id);
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        var rng = new Rng(99);
        env.Reset(obs, seed: 99);
        for (int t = 0; t < 30; t++)
        {
            TaskTestSupport.Sample(rng, (Core.Spaces.Box)env.Spec.ActionSpace, act);
            var r = env.Step(act, obs, terms);
            double sum = 0;
            foreach (float x in terms) sum += x;
            AssertClose(r.Reward, sum, $"{id} step {t} sum of terms");
            if (r.Terminated) env.Reset(obs);
        }
    }

    [Fact]
    public void HalfCheetahRewardIsForwardVelocityMinusControlCost()
    {
        using var env = TaskTestSupport.MakeRaw("HalfCheetah-v5");
        var (obs, _, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 7);
        float[] act = [0.5f, -0.25f, 1f, 0f, -1f, 0.75f];
        double xBefore = env.Data.Qpos[0];
        var r = env.Step(act, obs, terms);
        double xAfter = env.Data.Qpos[0];

        double forward = (xAfter - xBefore) / 0.05;
        double ctrl = -0.1 * (0.25 + 0.0625 + 1 + 0 + 1 + 0.5625);
        Assert.Equal((float)forward, terms[0]);
        Assert.Equal((float)ctrl, terms[1]);
        AssertClose(forward + ctrl, r.Reward, "reward");
        Assert.False(r.Terminated);
        Assert.False(r.Truncated);
    }

    [Fact]
    public void HopperPaysHealthyRewardAndSmallControlCost()
    {
        using var env = TaskTestSupport.MakeRaw("Hopper-v5");
        var (obs, _, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 1);
        float[] act = [1f, -1f, 0.5f];
        double xBefore = env.Data.Qpos[0];
        var r = env.Step(act, obs, terms);
        Assert.Equal((float)((env.Data.Qpos[0] - xBefore) / 0.008), terms[0]);
        Assert.Equal((float)(-1e-3 * 2.25), terms[1]);
        Assert.Equal(1f, terms[2]);
        Assert.False(r.Terminated);
    }

    [Fact]
    public void AntContactCostUsesClippedExternalForcesAndForwardUsesTorso()
    {
        using var env = TaskTestSupport.MakeRaw("Ant-v5");
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 4);
        var rng = new Rng(4);
        int torso = env.Model.Name2Id(ControlRL.Envs.MuJoCo.Native.MjObj.Body, "torso");
        for (int t = 0; t < 25; t++)
        {
            TaskTestSupport.Sample(rng, (Core.Spaces.Box)env.Spec.ActionSpace, act);
            double xBefore = env.Data.Xpos[3 * torso];
            env.Step(act, obs, terms);
            double expectedContact = 0, expectedCtrl = 0;
            foreach (double f in env.Data.CfrcExt) expectedContact += Math.Pow(Math.Clamp(f, -1, 1), 2);
            foreach (float a in act) expectedCtrl += (double)a * a;
            Assert.Equal((float)((env.Data.Xpos[3 * torso] - xBefore) / 0.05), terms[0]);
            Assert.Equal((float)(-0.5 * expectedCtrl), terms[1]);
            Assert.Equal((float)(-5e-4 * expectedContact), terms[2]);
        }
        Assert.True(terms[2] < 0, "after landing the ant feels contact forces");
    }

    [Fact]
    public void HumanoidForwardRewardFollowsTheCentreOfMass()
    {
        using var env = (HumanoidEnv)TaskTestSupport.MakeRaw("Humanoid-v5");
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 2);
        var rng = new Rng(2);
        TaskTestSupport.Sample(rng, (Core.Spaces.Box)env.Spec.ActionSpace, act);
        double before = env.CenterOfMassX;
        var r = env.Step(act, obs, terms);
        double after = env.CenterOfMassX;
        // The whole-model centre of mass equals the world body's subtree centre of mass.
        Assert.Equal(env.Data.SubtreeCom[0], after, 12);
        Assert.Equal((float)(1.25 * (after - before) / 0.015), terms[0]);
        double ctrl = 0;
        foreach (float a in act) ctrl += (double)a * a;
        Assert.Equal((float)(-0.1 * ctrl), terms[1]);
        double force = 0;
        foreach (double f in env.Data.CfrcExt) force += f * f;
        Assert.Equal((float)-Math.Min(5e-7 * force, 10), terms[2]);
        Assert.Equal(5f, terms[3]);
        Assert.False(r.Terminated);
    }
}
