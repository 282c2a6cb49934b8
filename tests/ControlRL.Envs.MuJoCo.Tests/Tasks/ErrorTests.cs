using ControlRL.Core.Envs;
using ControlRL.Core.Random;

namespace ControlRL.Envs.MuJoCo.Tests.Tasks;

public class ErrorTests
{
    public static IEnumerable<object[]> Ids => TaskTestSupport.Ids;

    [Theory]
    [MemberData(nameof(Ids))]
    public void NaNOrInfiniteActionIsRejectedNamingEnvAndIndex(string id)
    {
        using var env = TaskTestSupport.MakeRaw(id);
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 0);
        int last = act.Length - 1;
        act[last] = float.NaN;
        var ex = Assert.Throws<InvalidActionException>(() => env.Step(act, obs, terms));
        Assert.Contains(id, ex.Message);
        Assert.Contains($"action[{last}]", ex.Message);

        act[last] = float.PositiveInfinity;
        Assert.Throws<InvalidActionException>(() => env.Step(act, obs, terms));

        // The env stays usable after a refused action.
        act[last] = 0;
        env.Step(act, obs, terms);
    }

    [Fact]
    public void WrongActionLengthIsRejected()
    {
        using var env = TaskTestSupport.MakeRaw("HalfCheetah-v5");
        var (obs, _, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 0);
        var ex = Assert.Throws<InvalidActionException>(() => env.Step(new float[5], obs, terms));
        Assert.Contains("HalfCheetah-v5", ex.Message);
        Assert.Contains("expected 6", ex.Message);
    }

    [Fact]
    public void ActionsOutsideTheBoxAreNotClippedByTheEnv()
    {
        // Gymnasium passes the action to ctrl as is (MuJoCo clamps limited controls internally) and charges
        // the control cost on it; clipping belongs to a ClipAction wrapper.
        using var env = TaskTestSupport.MakeRaw("HalfCheetah-v5");
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 0);
        act[0] = 2f;
        env.Step(act, obs, terms);
        Assert.Equal(2.0, env.Data.Ctrl[0]);
        Assert.Equal((float)(-0.1 * 4), terms[1]);
    }

    [Fact]
    public void DivergedSimulationThrowsSimulatorExceptionNamingEnvAndStep()
    {
        using var env = TaskTestSupport.MakeRaw("Hopper-v5");
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 0);
        env.Step(act, obs, terms);
        env.Data.Qvel[3] = 1e12; // beyond MuJoCo's bad-qvel threshold
        var ex = Assert.Throws<SimulatorException>(() => env.Step(act, obs, terms));
        Assert.Contains("Hopper-v5", ex.Message);
        Assert.Contains("step 2", ex.Message);
        Assert.Throws<InvalidOperationException>(() => env.Step(act, obs, terms));
        env.Reset(obs, seed: 0);
        env.Step(act, obs, terms);
    }

    [Theory]
    [InlineData("Ant-v5")]
    [InlineData("Humanoid-v5")]
    public void SteppingDoesNotAllocate(string id)
    {
        using var env = TaskTestSupport.MakeRaw(id);
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        var rng = new Rng(1);
        env.Reset(obs, seed: 1);
        TaskTestSupport.Sample(rng, (Core.Spaces.Box)env.Spec.ActionSpace, act);
        for (int t = 0; t < 20; t++) env.Step(act, obs, terms);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 50; t++) env.Step(act, obs, terms);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
