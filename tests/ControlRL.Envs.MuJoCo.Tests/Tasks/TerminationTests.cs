using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Envs.MuJoCo.Tasks;

namespace ControlRL.Envs.MuJoCo.Tests.Tasks;

public class TerminationTests
{
    [Fact]
    public void HopperTerminatesWhenTheTorsoTiltsTooFar()
    {
        using var env = (HopperEnv)TaskTestSupport.MakeRaw("Hopper-v5");
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 0);
        Assert.True(env.IsHealthy);
        env.Data.Qpos[2] = 0.5; // angle beyond 0.2
        var r = env.Step(act, obs, terms);
        Assert.True(r.Terminated);
        Assert.False(r.Truncated);
        Assert.Equal(0f, terms[2]); // no healthy reward on the unhealthy step
    }

    [Fact]
    public void HopperTerminatesWhenTooLowOrAStateValueIsHuge()
    {
        using var env = (HopperEnv)TaskTestSupport.MakeRaw("Hopper-v5");
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 0);
        env.Data.Qpos[1] = 0.6; // z below 0.7
        Assert.False(env.IsHealthy);
        env.Reset(obs, seed: 0);
        env.Data.Qvel[4] = 150; // |state[2:]| must stay below 100
        Assert.False(env.IsHealthy);
        Assert.True(env.Step(act, obs, terms).Terminated);
    }

    [Fact]
    public void HopperFallsOverUnderZeroActions()
    {
        using var env = TaskTestSupport.MakeRaw("Hopper-v5");
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 3);
        int steps = 0;
        while (!env.Step(act, obs, terms).Terminated)
            Assert.True(++steps < 1000, "a passive hopper should fall within an episode");
    }

    [Fact]
    public void WalkerTerminatesOutsideHeightOrAngleRange()
    {
        using var env = (Walker2dEnv)TaskTestSupport.MakeRaw("Walker2d-v5");
        var (obs, _, _) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 0);
        Assert.True(env.IsHealthy);
        env.Data.Qpos[1] = 2.1;
        Assert.False(env.IsHealthy);
        env.Data.Qpos[1] = 1.25;
        env.Data.Qpos[2] = -1.1;
        Assert.False(env.IsHealthy);
    }

    [Fact]
    public void AntAndHumanoidUseTheirHealthyZRanges()
    {
        using var ant = (AntEnv)TaskTestSupport.MakeRaw("Ant-v5");
        var obs = new float[105];
        ant.Reset(obs, seed: 0);
        Assert.True(ant.IsHealthy);
        ant.Data.Qpos[2] = 1.0; // inclusive bounds
        Assert.True(ant.IsHealthy);
        ant.Data.Qpos[2] = 1.01;
        Assert.False(ant.IsHealthy);

        using var humanoid = (HumanoidEnv)TaskTestSupport.MakeRaw("Humanoid-v5");
        var hobs = new float[348];
        humanoid.Reset(hobs, seed: 0);
        Assert.True(humanoid.IsHealthy);
        humanoid.Data.Qpos[2] = 1.0; // exclusive bounds
        Assert.False(humanoid.IsHealthy);
    }

    [Fact]
    public void InvertedPendulumTerminatesPastPointTwoRadiansWithZeroReward()
    {
        using var env = TaskTestSupport.MakeRaw("InvertedPendulum-v5");
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 0);
        act[0] = 3f; // push hard: the pole tips over
        int steps = 0;
        StepOutcome last;
        while (!(last = env.Step(act, obs, terms)).Terminated)
        {
            Assert.Equal(1f, last.Reward);
            Assert.True(Math.Abs(env.Data.Qpos[1]) <= 0.2);
            Assert.True(++steps < 200);
        }
        Assert.True(Math.Abs(env.Data.Qpos[1]) > 0.2);
        Assert.Equal(0f, last.Reward);
        Assert.Equal(0f, terms[0]);
    }

    [Fact]
    public void HalfCheetahNeverTerminatesEvenUpsideDown()
    {
        using var env = TaskTestSupport.MakeRaw("HalfCheetah-v5");
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 0);
        env.Data.Qpos[2] = Math.PI; // flipped
        var rng = new Rng(1);
        for (int t = 0; t < 200; t++)
        {
            TaskTestSupport.Sample(rng, (Core.Spaces.Box)env.Spec.ActionSpace, act);
            var r = env.Step(act, obs, terms);
            Assert.False(r.Terminated);
            Assert.False(r.Truncated);
        }
    }
}
