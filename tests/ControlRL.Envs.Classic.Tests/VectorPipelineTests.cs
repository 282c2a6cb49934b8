using ControlRL.Core.Envs;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;

namespace ControlRL.Envs.Classic.Tests;

[CollectionDefinition("Allocation", DisableParallelization = true)]
public sealed class AllocationCollection;

[Collection("Allocation")]
public class VectorPipelineTests
{
    private static EnvRegistry Registry()
    {
        var r = new EnvRegistry();
        ClassicEnvs.Register(r);
        return r;
    }

    /// <summary>The CleanRL PPO stack: episode statistics (raw), action clipping (Box only), obs and reward normalization.</summary>
    private static (IVectorEnv env, RecordEpisodeStatistics stats) Pipeline(string id, bool threaded)
    {
        IVectorEnv v = VectorEnvFactory.Create(Registry(), id, 8, threaded, workers: 2);
        var stats = new RecordEpisodeStatistics(v);
        v = stats;
        if (id == Pendulum.Id) v = new ClipAction(v);
        v = new NormalizeObservation(v);
        v = new NormalizeReward(v);
        return (v, stats);
    }

    private static void FillActions(string id, IVectorEnv v, float[] actions, int t)
    {
        for (int i = 0; i < v.NumEnvs; i++)
        {
            actions[i] = id == CartPole.Id
                ? ((t * 7 + i * 3) % 5 < 2 ? 0f : 1f)
                : 3f * MathF.Sin(0.37f * t + i); // exceeds the bounds on purpose: ClipAction clips
        }
    }

    private static void Run(string id, IVectorEnv v, float[] actions, int from, int steps)
    {
        for (int t = from; t < from + steps; t++)
        {
            FillActions(id, v, actions, t);
            v.Step(actions);
        }
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void SyncPipelineDoesNotAllocatePerStep(string id)
    {
        var (v, stats) = Pipeline(id, threaded: false);
        using var _ = v;
        var actions = new float[v.NumEnvs];
        v.Reset(1);
        Run(id, v, actions, 0, 1000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(id, v, actions, 1000, 1000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(stats.TotalEpisodes > 0);
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void ThreadedPipelineDoesNotAllocatePerStep(string id)
    {
        var (v, _) = Pipeline(id, threaded: true);
        using var __ = v;
        var actions = new float[v.NumEnvs];
        v.Reset(1);
        Run(id, v, actions, 0, 1000);
        // Only this pipeline's threads: the caller (wrappers, the caller's slice) and the env's workers, so
        // allocations elsewhere in the test host (other tests, the runner, tiered JIT) do not count.
        var threaded = Threaded(v);
        Assert.True(threaded.Workers > 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long workersBefore = threaded.WorkerAllocatedBytes;
        Run(id, v, actions, 1000, 1000);
        long caller = GC.GetAllocatedBytesForCurrentThread() - before;
        long workers = threaded.WorkerAllocatedBytes - workersBefore;
        Assert.Equal(0, caller);
        Assert.Equal(0, workers);
    }

    private static ThreadedVectorEnv Threaded(IVectorEnv v)
    {
        while (v is VectorWrapper w) v = w.Inner;
        return Assert.IsType<ThreadedVectorEnv>(v);
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void ThreadedPipelineIsBitwiseIdenticalToSync(string id)
    {
        var (s, sStats) = Pipeline(id, threaded: false);
        var (t, tStats) = Pipeline(id, threaded: true);
        using var _ = s;
        using var __ = t;
        var actions = new float[s.NumEnvs];
        s.Reset(11);
        t.Reset(11);
        Assert.Equal(s.Buffers.Observations, t.Buffers.Observations);
        for (int step = 0; step < 700; step++)
        {
            FillActions(id, s, actions, step);
            s.Step(actions);
            t.Step(actions);
            Assert.Equal(s.Buffers.Observations, t.Buffers.Observations);
            Assert.Equal(s.Buffers.FinalObservations, t.Buffers.FinalObservations);
            Assert.Equal(s.Buffers.Rewards, t.Buffers.Rewards);
            Assert.Equal(s.Buffers.Terminated, t.Buffers.Terminated);
            Assert.Equal(s.Buffers.Truncated, t.Buffers.Truncated);
        }
        Assert.Equal(sStats.TotalEpisodes, tStats.TotalEpisodes);
        Assert.True(sStats.TotalEpisodes >= 8);
    }

    [Fact]
    public void PendulumEpisodesAreTruncatedAt200WithTermSums()
    {
        var (v, stats) = Pipeline(Pendulum.Id, threaded: false);
        using var _ = v;
        var actions = new float[v.NumEnvs];
        v.Reset(3);
        var records = new List<(EpisodeRecord r, double[] terms)>();
        for (int t = 0; t < 200; t++)
        {
            FillActions(Pendulum.Id, v, actions, t);
            v.Step(actions);
            foreach (var r in stats.CompletedThisStep) records.Add((r, r.TermSums.ToArray()));
        }
        Assert.All(v.Buffers.Truncated, Assert.True);
        Assert.All(v.Buffers.Terminated, Assert.False);
        Assert.Equal(8, records.Count);
        foreach (var (r, terms) in records)
        {
            Assert.Equal(200, r.Length);
            Assert.Equal(r.Return, terms.Sum(), 2);
            Assert.True(r.Return < 0);
        }
    }
}
