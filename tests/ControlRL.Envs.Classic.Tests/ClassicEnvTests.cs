using System.Security.Cryptography;
using System.Runtime.InteropServices;
using ControlRL.Core.Checking;
using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;

namespace ControlRL.Envs.Classic.Tests;

public class ClassicEnvTests
{
    private static EnvRegistry Registry()
    {
        var r = new EnvRegistry();
        ClassicEnvs.Register(r);
        return r;
    }

    [Fact]
    public void CartPoleSpecMatchesGymnasium()
    {
        var spec = Registry().Describe("CartPole-v1");
        Assert.Equal(new Discrete(2).Describe(), spec.ActionSpace.Describe());
        var box = Assert.IsType<Box>(spec.ObservationSpace);
        Assert.Equal(4.8f, box.High[0]);
        Assert.Equal(float.MaxValue, box.High[1]);
        Assert.Equal((float)(24 * Math.PI / 180), box.High[2]);
        Assert.Equal(500, spec.MaxEpisodeSteps);
        Assert.Equal(0.02, spec.Dt);
        Assert.Equal(["alive"], spec.RewardTerms);
        using var made = Registry().Make("CartPole-v1");
        Assert.Equal(500, made.Spec.MaxEpisodeSteps);
    }

    [Fact]
    public void PendulumSpecMatchesGymnasium()
    {
        var spec = Registry().Describe("Pendulum-v1");
        Assert.Equal("Box(-2.0, 2.0, (1,), float32)", spec.ActionSpace.Describe());
        Assert.Equal("Box([-1.0, -1.0, -8.0], [1.0, 1.0, 8.0], (3,), float32)", spec.ObservationSpace.Describe());
        Assert.Equal(200, spec.MaxEpisodeSteps);
        Assert.Equal(0.05, spec.Dt);
        Assert.Equal(["angle_cost", "velocity_cost", "torque_cost"], spec.RewardTerms);
    }

    [Fact]
    public void CartPoleStepFollowsTheEulerEquations()
    {
        var env = new CartPole();
        env.SetState(0.1, -0.2, 0.05, 0.3);
        var obs = new float[4];
        var terms = new float[1];
        var r = env.Step([1f], obs, terms);
        // Gymnasium's equations written out independently.
        double g = 9.8, mc = 1.0, mp = 0.1, l = 0.5, f = 10.0, tau = 0.02;
        double th = 0.05, thd = 0.3, c = Math.Cos(th), s = Math.Sin(th);
        double temp = (f + mp * l * thd * thd * s) / (mc + mp);
        double thacc = (g * s - c * temp) / (l * (4.0 / 3.0 - mp * c * c / (mc + mp)));
        double xacc = temp - mp * l * thacc * c / (mc + mp);
        Assert.Equal((float)(0.1 + tau * -0.2), obs[0]);
        Assert.Equal((float)(-0.2 + tau * xacc), obs[1]);
        Assert.Equal((float)(th + tau * thd), obs[2]);
        Assert.Equal((float)(thd + tau * thacc), obs[3]);
        Assert.Equal(new StepOutcome(1f, false, false), r);
        Assert.Equal(1f, terms[0]);
    }

    [Fact]
    public void CartPoleTerminatesPastTheThresholdsAndRewardsZeroAfterwards()
    {
        var env = new CartPole();
        var obs = new float[4];
        var terms = new float[1];
        env.SetState(2.39, 1.0, 0, 0);
        var r = env.Step([1f], obs, terms);
        Assert.True(r.Terminated);
        Assert.Equal(1f, r.Reward); // the terminating step still pays 1
        Assert.Equal(0f, env.Step([1f], obs, terms).Reward);

        env.SetState(0, 0, 0.2094, 0.1); // 12 degrees = 0.20944 rad
        Assert.True(env.Step([0f], obs, terms).Terminated);
        env.SetState(0, 0, 0.2, 0);
        Assert.False(env.Step([0f], obs, terms).Terminated);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(2f)]
    [InlineData(-1f)]
    [InlineData(0.5f)]
    public void CartPoleRejectsInvalidActions(float a)
    {
        var env = new CartPole();
        var obs = new float[4];
        env.Reset(obs, 0);
        var ex = Assert.Throws<InvalidActionException>(() => env.Step([a], obs, new float[1]));
        Assert.Contains("CartPole-v1", ex.Message);
    }

    [Fact]
    public void PendulumStepFollowsGymnasiumAndTermsSumToReward()
    {
        var env = new Pendulum();
        env.SetState(3.5, 7.9);
        var obs = new float[3];
        var terms = new float[3];
        var r = env.Step([3f], obs, terms); // torque clipped to 2
        double th = 3.5, thd = 7.9, u = 2.0;
        double an = 3.5 - 2 * Math.PI;
        double cost = an * an + 0.1 * thd * thd + 0.001 * u * u;
        double newThd = Math.Min(8.0, thd + (3 * 10.0 / 2 * Math.Sin(th) + 3.0 * u) * 0.05);
        double newTh = th + newThd * 0.05;
        Assert.Equal((float)-cost, r.Reward);
        Assert.False(r.Terminated || r.Truncated);
        Assert.Equal((float)Math.Cos(newTh), obs[0]);
        Assert.Equal((float)Math.Sin(newTh), obs[1]);
        Assert.Equal((float)newThd, obs[2]);
        Assert.Equal((float)(-an * an), terms[0]);
        Assert.Equal((float)(-0.1 * thd * thd), terms[1]);
        Assert.Equal((float)(-0.004), terms[2]);
        Assert.Equal(r.Reward, terms[0] + terms[1] + terms[2], 4);
        Assert.Throws<InvalidActionException>(() => env.Step([float.PositiveInfinity], obs, terms));
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(Math.PI, -Math.PI)]
    [InlineData(-Math.PI, -Math.PI)]
    [InlineData(3 * Math.PI / 2, -Math.PI / 2)]
    [InlineData(-7.0, -7.0 + 2 * Math.PI)]
    public void AngleNormalizeIsPythonsFlooredModulo(double x, double expected) =>
        Assert.Equal(expected, Pendulum.AngleNormalize(x), 12);

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void PassesTheEnvChecker(string id)
    {
        using var env = Registry().Make(id);
        var warnings = EnvChecker.Check(env, steps: 600);
        Assert.DoesNotContain(warnings, w => w.Check == "reset_after_done");
    }

    /// <summary>SHA-256 of a 1000-step trajectory from a fixed seed and action rule (both time-limited envs).</summary>
    private static string TrajectoryHash(string id, ulong seed)
    {
        using var env = Registry().Make(id);
        int n = env.Spec.ObservationSpace.FlatSize;
        var obs = new float[n];
        var terms = new float[env.Spec.RewardTerms.Count];
        var bytes = new List<byte>();
        env.Reset(obs, seed);
        for (int t = 0; t < 1000; t++)
        {
            float a = id == CartPole.Id ? (obs[2] + 0.3f * obs[3] > 0 ? 1f : 0f) : MathF.Sin(t * 0.1f) * 2.5f;
            var r = env.Step([a], obs, terms);
            bytes.AddRange(MemoryMarshal.AsBytes(obs.AsSpan()).ToArray());
            bytes.AddRange(BitConverter.GetBytes(r.Reward));
            bytes.Add((byte)((r.Terminated ? 1 : 0) | (r.Truncated ? 2 : 0)));
            if (r.Terminated || r.Truncated) env.Reset(obs);
        }
        return Convert.ToHexString(SHA256.HashData(bytes.ToArray()))[..16];
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void DeterministicForAFixedSeed(string id)
    {
        Assert.Equal(TrajectoryHash(id, 7), TrajectoryHash(id, 7));
        Assert.NotEqual(TrajectoryHash(id, 7), TrajectoryHash(id, 8));
    }

    [Theory]
    [InlineData("CartPole-v1", "0FB2D936A9103A36")]
    [InlineData("Pendulum-v1", "D9F96CD162AFEEC5")]
    public void TrajectoryHashIsPinned(string id, string golden)
    {
        // Pinned so that a change to the physics, the seeding or the generator is noticed (x64, glibc libm).
        Assert.Equal(golden, TrajectoryHash(id, 7));
    }
}
