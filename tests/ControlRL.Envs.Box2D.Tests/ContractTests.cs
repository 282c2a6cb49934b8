using ControlRL.Core.Checking;
using ControlRL.Core.Random;

namespace ControlRL.Envs.Box2D.Tests;

public class ContractTests
{
    [Theory]
    [MemberData(nameof(WalkerTestSupport.AllIds), MemberType = typeof(WalkerTestSupport))]
    public void EnvCheckerPasses(string id)
    {
        using var env = WalkerTestSupport.Registry().Make(id);
        var warnings = EnvChecker.Check(env, steps: 300, seed: 3);
        Assert.DoesNotContain(warnings, w => w.Check == "step.determinism" || w.Check == "reset.seeding");
    }

    [Theory]
    [InlineData("BipedalWalkerHardcore-v3")]
    [InlineData("HexagonTracksQuadru-v0")]
    public void StepDoesNotAllocate(string id)
    {
        using var env = WalkerTestSupport.Registry().Make(id);
        var obs = new float[env.Spec.ObservationSpace.FlatSize];
        var action = new float[env.Spec.ActionSpace.FlatSize];
        var terms = new float[3];
        var rng = new Rng(1);
        env.Reset(obs, 1);
        for (int t = 0; t < 50; t++) env.Step(action, obs, terms);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 500; t++)
        {
            for (int i = 0; i < action.Length; i++) action[i] = (float)rng.Uniform(-1, 1);
            env.Step(action, obs, terms);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void StepBeforeResetAndAfterDisposeAreRefused()
    {
        var env = new BipedalWalkerEnv();
        Assert.Throws<InvalidOperationException>(() => env.Step(new float[4], new float[24], new float[3]));
        env.Dispose();
        Assert.Throws<ObjectDisposedException>(() => env.Reset(new float[24], 1));
    }
}
