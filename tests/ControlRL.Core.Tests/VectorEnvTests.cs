using ControlRL.Core.Spaces;
using ControlRL.Core.Envs;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;

namespace ControlRL.Core.Tests;

public class VectorEnvTests
{
    private static List<IEnv> Toys(int n, int terminateAt = 0, int timeLimit = 0)
    {
        var list = new List<IEnv>();
        for (int i = 0; i < n; i++)
        {
            IEnv e = new ToyEnv(terminateAt);
            list.Add(timeLimit > 0 ? new TimeLimit(e, timeLimit) : e);
        }
        return list;
    }

    public static TheoryData<bool> Modes => new() { false, true };

    private static IVectorEnv Make(bool threaded, List<IEnv> envs, int workers = 2) =>
        threaded ? new ThreadedVectorEnv(envs, workers) : new SyncVectorEnv(envs);

    [Theory]
    [MemberData(nameof(Modes))]
    public void SubEnvIIsSeededWithSeedPlusI(bool threaded)
    {
        var envs = Toys(4);
        using var v = Make(threaded, envs);
        v.Reset(100);
        for (int i = 0; i < 4; i++) Assert.Equal(100UL + (ulong)i, ((ToyEnv)envs[i]).LastSeed);
        // Same seed -> same first observation as a single env seeded directly.
        var single = new ToyEnv();
        var obs = new float[2];
        single.Reset(obs, 102);
        Assert.Equal(obs, v.Buffers.Observation(2).ToArray());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void SameStepAutoresetKeepsFinalObservationAndResetsWithoutSeed(bool threaded)
    {
        var envs = Toys(2, terminateAt: 3);
        using var v = Make(threaded, envs, workers: 1);
        v.Reset(7);
        var actions = new float[] { 0.5f, -0.5f };
        v.Step(actions);
        v.Step(actions);
        Assert.False(v.Buffers.Done(0));
        v.Step(actions);
        for (int i = 0; i < 2; i++)
        {
            Assert.True(v.Buffers.Terminated[i]);
            Assert.False(v.Buffers.Truncated[i]);
            Assert.Equal(3f, v.Buffers.FinalObservation(i)[0]); // last obs of the finished episode
            Assert.Equal(0f, v.Buffers.Observation(i)[0]);      // first obs of the new one
            var toy = (ToyEnv)envs[i];
            Assert.Equal(2, toy.Resets);
            Assert.Null(toy.LastSeed); // auto-reset continues the generator
        }
        Assert.Equal(0.5f + 0.3f, v.Buffers.Rewards[0], 6);
        Assert.Equal(new[] { 0.5f, 0.3f }, v.Buffers.RewardTermRow(0).ToArray());
        v.Step(actions);
        Assert.False(v.Buffers.Done(0));
        Assert.Equal(1f, v.Buffers.Observation(0)[0]);
    }

    [Fact]
    public void TimeLimitTruncationIsDistinguishedFromTermination()
    {
        // Env 0 terminates at step 3 with limit 3: terminated wins. Env 1 never terminates: truncated at 3.
        var envs = new List<IEnv> { new TimeLimit(new ToyEnv(terminateAt: 3), 3), new TimeLimit(new ToyEnv(), 3) };
        using var v = new SyncVectorEnv(envs);
        v.Reset(1);
        var a = new float[2];
        v.Step(a);
        v.Step(a);
        Assert.False(v.Buffers.Done(0) || v.Buffers.Done(1));
        v.Step(a);
        Assert.True(v.Buffers.Terminated[0]);
        Assert.False(v.Buffers.Truncated[0]);
        Assert.False(v.Buffers.Terminated[1]);
        Assert.True(v.Buffers.Truncated[1]);
        Assert.Equal(3f, v.Buffers.FinalObservation(1)[0]);
        Assert.Equal(0f, v.Buffers.Observation(1)[0]);
        // The time limit restarts its count with the auto-reset.
        v.Step(a);
        Assert.False(v.Buffers.Done(1));
    }

    [Fact]
    public void ThreadedIsBitwiseIdenticalToSync()
    {
        const int n = 7;
        using var s = new SyncVectorEnv(Toys(n, terminateAt: 5, timeLimit: 4));
        using var t = new ThreadedVectorEnv(Toys(n, terminateAt: 5, timeLimit: 4), workers: 3);
        s.Reset(42);
        t.Reset(42);
        var rng = new ControlRL.Core.Random.Rng(3);
        var actions = new float[n];
        for (int step = 0; step < 200; step++)
        {
            for (int i = 0; i < n; i++) actions[i] = (float)rng.Uniform(-1, 1);
            s.Step(actions);
            t.Step(actions);
            Assert.Equal(s.Buffers.Observations, t.Buffers.Observations);
            Assert.Equal(s.Buffers.Rewards, t.Buffers.Rewards);
            Assert.Equal(s.Buffers.RewardTerms, t.Buffers.RewardTerms);
            Assert.Equal(s.Buffers.Terminated, t.Buffers.Terminated);
            Assert.Equal(s.Buffers.Truncated, t.Buffers.Truncated);
            for (int i = 0; i < n; i++)
            {
                if (s.Buffers.Done(i)) Assert.Equal(s.Buffers.FinalObservation(i).ToArray(), t.Buffers.FinalObservation(i).ToArray());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void SubEnvExceptionSurfacesWithEnvIndex(bool threaded)
    {
        var envs = Toys(4);
        ((ToyEnv)envs[3]).ThrowAtStep = 2;
        using var v = Make(threaded, envs, workers: 2);
        v.Reset(0);
        var a = new float[4];
        v.Step(a);
        var ex = Assert.Throws<SimulatorException>(() => v.Step(a));
        Assert.Contains("sub-env 3", ex.Message);
        Assert.Contains("diverged", ex.Message);
        Assert.IsType<SimulatorException>(ex.InnerException);
        // The failed batch must be reset before stepping on.
        Assert.Throws<InvalidOperationException>(() => v.Step(a));
        v.Reset(0);
        v.Step(a);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void InvalidActionKeepsItsTypeAndNamesTheEnv(bool threaded)
    {
        using var v = Make(threaded, Toys(3), workers: 2);
        v.Reset(0);
        var ex = Assert.Throws<InvalidActionException>(() => v.Step([0f, 0f, float.NaN]));
        Assert.StartsWith("sub-env 2", ex.Message);
        Assert.IsType<InvalidActionException>(ex.InnerException);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void OtherExceptionsAreWrappedWithTheIndex(bool threaded)
    {
        var envs = Toys(3);
        ((ToyEnv)envs[1]).ThrowAtStep = 1;
        ((ToyEnv)envs[1]).ThrowWith = () => new InvalidOperationException("boom");
        using var v = Make(threaded, envs, workers: 2);
        v.Reset(0);
        var ex = Assert.Throws<SubEnvException>(() => v.Step(new float[3]));
        Assert.Equal(1, ex.EnvIndex);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void WrongActionLengthIsAClearError(bool threaded)
    {
        using var v = Make(threaded, Toys(2));
        v.Reset(0);
        var ex = Assert.Throws<ArgumentException>(() => v.Step(new float[3]));
        Assert.Contains("2 envs x action size 1", ex.Message);
    }

    [Fact]
    public void StepBeforeResetIsRefused()
    {
        using var v = new SyncVectorEnv(Toys(2));
        Assert.Throws<InvalidOperationException>(() => v.Step(new float[2]));
    }

    [Fact]
    public void MismatchedSpecsAreRefused()
    {
        var envs = new List<IEnv> { new ToyEnv(), new ToyEnv(id: "Other-v0") };
        var ex = Assert.Throws<ArgumentException>(() => new SyncVectorEnv(envs));
        Assert.Contains("Sub-env 1", ex.Message);
        Assert.Contains("Other-v0", ex.Message);
        var same = new ToyEnv();
        Assert.Throws<ArgumentException>(() => new SyncVectorEnv([same, same]));
    }

    [Fact]
    public void ThreadedDisposeStopsWorkersAndDisposesEnvs()
    {
        var envs = Toys(4);
        var v = new ThreadedVectorEnv(envs, workers: 8);
        Assert.Equal(3, v.Workers);
        v.Reset(0);
        v.Step(new float[4]);
        v.Dispose();
        Assert.All(envs, e => Assert.True(((ToyEnv)e).Disposed));
        Assert.Throws<ObjectDisposedException>(() => v.Step(new float[4]));
    }

    [Fact]
    public void FactoryUsesTheRegistryWithTimeLimit()
    {
        var reg = new EnvRegistry();
        reg.Register("Toy-v0", () => new TimeLimitedToy());
        using var v = VectorEnvFactory.Create(reg, "Toy-v0", 3, threaded: true, workers: 1);
        Assert.Equal(3, v.NumEnvs);
        Assert.Equal(2, v.Spec.MaxEpisodeSteps);
        v.Reset(0);
        v.Step(new float[3]);
        v.Step(new float[3]);
        Assert.All(v.Buffers.Truncated, Assert.True);
    }

    private sealed class TimeLimitedToy : IEnv
    {
        private readonly ToyEnv _inner = new();
        public EnvSpec Spec => _inner.Spec with { MaxEpisodeSteps = 2 };
        public void Reset(ObsRow observation, ulong? seed = null) => _inner.Reset(observation, seed);
        public StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default) => _inner.Step(action, observation, rewardTerms, info);
        public void Dispose() => _inner.Dispose();
    }
}
