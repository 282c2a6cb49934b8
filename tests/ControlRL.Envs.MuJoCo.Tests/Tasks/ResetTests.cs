using ControlRL.Core.Envs;

namespace ControlRL.Envs.MuJoCo.Tests.Tasks;

public class ResetTests
{
    public static IEnumerable<object[]> Ids => TaskTestSupport.Ids;

    // Uniform noise half-widths (qpos, qvel); NaN marks qvel = scale * N(0, 1).
    [Theory]
    [InlineData("HalfCheetah-v5", 0.1, double.NaN, 0.1)]
    [InlineData("Hopper-v5", 5e-3, 5e-3, 0)]
    [InlineData("Walker2d-v5", 5e-3, 5e-3, 0)]
    [InlineData("Ant-v5", 0.1, double.NaN, 0.1)]
    [InlineData("Humanoid-v5", 1e-2, 1e-2, 0)]
    [InlineData("InvertedPendulum-v5", 0.01, 0.01, 0)]
    public void ResetNoiseStaysInTheDocumentedRange(string id, double qposScale, double qvelScale, double normalScale)
    {
        using var env = TaskTestSupport.MakeRaw(id);
        var (obs, _, _) = TaskTestSupport.Buffers(env);
        double[] qpos0 = env.Model.Qpos0.ToArray();
        double maxQpos = 0, maxQvel = 0, sumSq = 0;
        int n = 0;
        for (ulong seed = 0; seed < 20; seed++)
        {
            env.Reset(obs, seed);
            for (int i = 0; i < qpos0.Length; i++)
            {
                // mj_forward renormalizes a free joint's quaternion (qpos[3..7]) in place, so judge the rest.
                if (env.Model.Nq == env.Model.Nv + 1 && i is >= 3 and < 7) continue;
                maxQpos = Math.Max(maxQpos, Math.Abs(env.Data.Qpos[i] - qpos0[i]));
            }
            foreach (double v in env.Data.Qvel)
            {
                maxQvel = Math.Max(maxQvel, Math.Abs(v));
                sumSq += v * v;
                n++;
            }
        }
        Assert.InRange(maxQpos, qposScale * 0.5, qposScale);
        if (double.IsNaN(qvelScale))
        {
            double std = Math.Sqrt(sumSq / n);
            Assert.InRange(std, normalScale * 0.8, normalScale * 1.2);
        }
        else
        {
            Assert.InRange(maxQvel, qvelScale * 0.5, qvelScale);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void SameSeedGivesSameStartAndDifferentSeedsDiffer(string id)
    {
        using var env = TaskTestSupport.MakeRaw(id);
        var (a, _, _) = TaskTestSupport.Buffers(env);
        var b = new float[a.Length];
        var c = new float[a.Length];
        env.Reset(a, seed: 42);
        env.Reset(b, seed: 43);
        env.Reset(c, seed: 42);
        Assert.Equal(a, c);
        Assert.NotEqual(a, b);

        // Without a seed the generator continues, so consecutive episodes differ.
        var d = new float[a.Length];
        env.Reset(d);
        Assert.NotEqual(c, d);
    }

    [Fact]
    public void ResetRestoresTimeAndStepCount()
    {
        using var env = TaskTestSupport.MakeRaw("Hopper-v5");
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 1);
        env.Step(act, obs, terms);
        env.Step(act, obs, terms);
        Assert.Equal(2, env.StepsSinceReset);
        Assert.Equal(0.016, env.Data.Time, 12);
        env.Reset(obs, seed: 1);
        Assert.Equal(0, env.StepsSinceReset);
        Assert.Equal(0, env.Data.Time);
    }

    [Fact]
    public void StepBeforeResetIsRefused()
    {
        using var env = TaskTestSupport.MakeRaw("InvertedPendulum-v5");
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        var ex = Assert.Throws<InvalidOperationException>(() => env.Step(act, obs, terms));
        Assert.Contains("InvertedPendulum-v5", ex.Message);
    }

    [Fact]
    public void EnvFromRegistryResetsThroughTheTimeLimit()
    {
        using IEnv env = TaskTestSupport.Registry().Make("Walker2d-v5");
        var (obs, _, _) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 5);
        Assert.Equal(1.25f, obs[0], 0.006f); // z = 1.25 + U(+-5e-3)
    }
}
