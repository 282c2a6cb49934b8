using ControlRL.Core.Random;

namespace ControlRL.Envs.MuJoCo.Tests.Tasks;

public class ObservationLayoutTests
{
    private static void AssertSegment(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True((float)expected[i] == actual[i], $"{what}[{i}] = {actual[i]}, expected {(float)expected[i]}");
    }

    private static void StepRandom(MuJoCoEnv env, int steps, ulong seed, float[] obs)
    {
        var (_, act, terms) = TaskTestSupport.Buffers(env);
        var rng = new Rng(seed);
        for (int t = 0; t < steps; t++)
        {
            TaskTestSupport.Sample(rng, (Core.Spaces.Box)env.Spec.ActionSpace, act);
            env.Step(act, obs, terms);
        }
    }

    [Theory]
    [InlineData("HalfCheetah-v5")]
    [InlineData("Hopper-v5")]
    [InlineData("Walker2d-v5")]
    public void PlanarTasksObservePositionsWithoutXThenVelocities(string id)
    {
        using var env = TaskTestSupport.MakeRaw(id);
        var (obs, _, _) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 3);
        int nq = env.Model.Nq;
        AssertSegment(env.Data.Qpos[1..], obs.AsSpan(0, nq - 1), "qpos[1:]");
        AssertSegment(env.Data.Qvel, obs.AsSpan(nq - 1), "qvel");

        StepRandom(env, 5, 11, obs);
        AssertSegment(env.Data.Qpos[1..], obs.AsSpan(0, nq - 1), "qpos[1:] after steps");
    }

    [Theory]
    [InlineData("Hopper-v5")]
    [InlineData("Walker2d-v5")]
    public void HopperAndWalkerClipVelocitiesToTen(string id)
    {
        using var env = TaskTestSupport.MakeRaw(id);
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 0);
        env.Data.Qvel[0] = 40; // a fast slide along x stays above 10 over one step
        env.Data.Qvel[1] = -40;
        env.Step(act, obs, terms);
        int q = env.Model.Nq - 1;
        Assert.True(env.Data.Qvel[0] > 10 && env.Data.Qvel[1] < -10);
        Assert.Equal(10f, obs[q]);
        Assert.Equal(-10f, obs[q + 1]);
        for (int i = 2; i < env.Model.Nv; i++)
            Assert.Equal((float)Math.Clamp(env.Data.Qvel[i], -10, 10), obs[q + i]);
    }

    [Fact]
    public void AntObservesQposWithoutXyQvelAndClippedContactForces()
    {
        using var env = TaskTestSupport.MakeRaw("Ant-v5");
        var (obs, _, _) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 5);
        // After a reset no contact forces are computed yet (Gymnasium's reset only runs mj_forward).
        Assert.All(obs[27..], v => Assert.Equal(0f, v));

        // The torso drops from 0.75 m; step until the legs press on the floor.
        var (_, act, terms) = TaskTestSupport.Buffers(env);
        var rng = new Rng(2);
        int steps = 0;
        do
        {
            TaskTestSupport.Sample(rng, (Core.Spaces.Box)env.Spec.ActionSpace, act);
            env.Step(act, obs, terms);
            Assert.True(++steps < 200, "the ant never touched the floor");
        } while (terms[2] == 0f);
        AssertSegment(env.Data.Qpos[2..], obs.AsSpan(0, 13), "qpos[2:]");
        AssertSegment(env.Data.Qvel, obs.AsSpan(13, 14), "qvel");
        var forces = env.Data.CfrcExt[6..].ToArray().Select(f => Math.Clamp(f, -1, 1)).ToArray();
        AssertSegment(forces, obs.AsSpan(27, 78), "clip(cfrc_ext[1:])");
        Assert.Contains(obs[27..], v => v != 0f);
        Assert.All(obs[27..], v => Assert.InRange(v, -1f, 1f));
    }

    [Fact]
    public void HumanoidObservationHasTheV5Layout()
    {
        using var env = TaskTestSupport.MakeRaw("Humanoid-v5");
        var (obs, _, _) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 8);
        StepRandom(env, 10, 4, obs);
        var d = env.Data;
        int o = 0;
        AssertSegment(d.Qpos[2..], obs.AsSpan(o, 22), "qpos[2:]"); o += 22;
        AssertSegment(d.Qvel, obs.AsSpan(o, 23), "qvel"); o += 23;
        AssertSegment(d.Cinert[10..], obs.AsSpan(o, 130), "cinert[1:]"); o += 130;
        AssertSegment(d.Cvel[6..], obs.AsSpan(o, 78), "cvel[1:]"); o += 78;
        AssertSegment(d.QfrcActuator[6..], obs.AsSpan(o, 17), "qfrc_actuator[6:]"); o += 17;
        AssertSegment(d.CfrcExt[6..], obs.AsSpan(o, 78), "cfrc_ext[1:]"); o += 78;
        Assert.Equal(348, o);
    }

    [Fact]
    public void InvertedPendulumObservesQposThenQvel()
    {
        using var env = TaskTestSupport.MakeRaw("InvertedPendulum-v5");
        var (obs, _, _) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 1);
        StepRandom(env, 3, 1, obs);
        AssertSegment(env.Data.Qpos, obs.AsSpan(0, 2), "qpos");
        AssertSegment(env.Data.Qvel, obs.AsSpan(2, 2), "qvel");
    }
}
