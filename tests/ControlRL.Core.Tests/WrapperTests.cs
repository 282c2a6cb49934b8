using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Statistics;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;

namespace ControlRL.Core.Tests;

public class WrapperTests
{
    private static SyncVectorEnv Toys(int n, int terminateAt = 0, int timeLimit = 0)
    {
        var list = new List<IEnv>();
        for (int i = 0; i < n; i++)
        {
            IEnv e = new ToyEnv(terminateAt);
            list.Add(timeLimit > 0 ? new TimeLimit(e, timeLimit) : e);
        }
        return new SyncVectorEnv(list);
    }

    [Fact]
    public void RunningMeanStdMatchesTwoPassStatistics()
    {
        var rng = new Rng(5);
        var rms = new RunningMeanStd(3);
        var all = new List<double[]>();
        foreach (int rows in new[] { 1, 4, 7, 2, 16 })
        {
            var batch = new float[rows * 3];
            for (int i = 0; i < batch.Length; i++) batch[i] = (float)(rng.Normal() * (1 + i % 3) + i % 3);
            rms.Update(batch, rows);
            for (int r = 0; r < rows; r++) all.Add([batch[r * 3], batch[r * 3 + 1], batch[r * 3 + 2]]);
        }
        // The epsilon prior (count 1e-4, mean 0, var 1) is a pseudo-sample; include it in the reference.
        const double eps = 1e-4;
        double n = all.Count + eps;
        for (int d = 0; d < 3; d++)
        {
            double mean = all.Sum(x => x[d]) / n;
            double m2 = all.Sum(x => (x[d] - mean) * (x[d] - mean)) + eps * (1.0 + mean * mean);
            Assert.Equal(mean, rms.Mean[d], 10);
            Assert.Equal(m2 / n, rms.Var[d], 10);
        }
        Assert.Equal(n, rms.Count, 10);
    }

    [Fact]
    public void RunningMeanStdStateRoundTripsAndRejectsBadState()
    {
        var a = new RunningMeanStd(2, stateName: "obs_norm");
        a.Update(new float[] { 1, 2, 3, 5 }, 2);
        var state = new Dictionary<string, double[]>();
        a.SaveState(state);
        var b = new RunningMeanStd(2, stateName: "obs_norm");
        b.LoadState(state);
        Assert.Equal(a.Mean, b.Mean);
        Assert.Equal(a.Var, b.Var);
        Assert.Equal(a.Count, b.Count);
        state.Remove("var");
        var ex = Assert.Throws<InvalidDataException>(() => b.LoadState(state));
        Assert.Contains("'var'", ex.Message);
        state["var"] = [1.0];
        Assert.Throws<InvalidDataException>(() => b.LoadState(state));
    }

    [Fact]
    public void NormalizeObservationUpdatesWithReturnedObsAndNormalizesFinals()
    {
        var v = new NormalizeObservation(Toys(2, terminateAt: 2), clip: 1000f);
        var raw = v.Inner;
        v.Reset(3);
        v.Step(new float[2]);
        Assert.Equal(1e-4 + 4, v.Stats.Count, 9); // reset batch + one step batch
        // Recompute the expected normalization of the step observations from the raw env state.
        v.Step(new float[2]);
        Assert.True(v.Buffers.Terminated[0]);
        // Final obs row 0 had raw step count 2; normalized with the post-update stats.
        double expected = (2 - v.Stats.Mean[0]) / Math.Sqrt(v.Stats.Var[0] + 1e-8);
        Assert.Equal((float)expected, v.Buffers.FinalObservation(0)[0]);
        // Final observations are not added: 3 batches of 2 observations (+ epsilon).
        Assert.Equal(1e-4 + 6, v.Stats.Count, 9);
        // New-episode observation (raw step count 0).
        Assert.Equal((float)((0 - v.Stats.Mean[0]) / Math.Sqrt(v.Stats.Var[0] + 1e-8)), v.Buffers.Observation(0)[0]);
        v.Dispose();
    }

    [Fact]
    public void NormalizeObservationClipsAndFreezesAndRoundTrips()
    {
        using var v = new NormalizeObservation(Toys(2), clip: 0.5f);
        v.Reset(1);
        for (int i = 0; i < 20; i++) v.Step(new float[2]);
        Assert.All(v.Buffers.Observations, x => Assert.InRange(x, -0.5f, 0.5f));

        var state = new Dictionary<string, double[]>();
        v.SaveState(state);
        Assert.Equal("obs_norm", v.StateName);

        v.Training = false;
        double count = v.Stats.Count;
        double[] mean = (double[])v.Stats.Mean.Clone();
        for (int i = 0; i < 5; i++) v.Step(new float[2]);
        Assert.Equal(count, v.Stats.Count);
        Assert.Equal(mean, v.Stats.Mean);

        using var w = new NormalizeObservation(Toys(2), clip: 0.5f);
        w.LoadState(state);
        Assert.Equal(state["mean"], w.Stats.Mean);
        Assert.Equal(state["var"], w.Stats.Var);
        Assert.Equal(state["count"][0], w.Stats.Count);
    }

    [Fact]
    public void NormalizeRewardMatchesHandComputation()
    {
        const double gamma = 0.9;
        // Env 0 terminates every 2 steps; env 1 is truncated by its time limit every 3 steps.
        var envs = new List<IEnv> { new TimeLimit(new ToyEnv(terminateAt: 2), 3), new TimeLimit(new ToyEnv(), 3) };
        using var v = new NormalizeReward(new SyncVectorEnv(envs), gamma: gamma, clip: 1000f);
        v.Reset(0);
        var acc = new double[2];
        var steps = new int[2];
        var hist = new List<double>();
        double[] actions = [0.5, -0.25];
        for (int t = 0; t < 8; t++)
        {
            v.Step([(float)actions[0], (float)actions[1]]);
            var raw = new double[2];
            for (int i = 0; i < 2; i++)
            {
                steps[i]++;
                raw[i] = (float)((float)actions[i] + 0.1f * steps[i]);
                bool done = i == 0 ? steps[i] == 2 : steps[i] == 3;
                acc[i] = acc[i] * gamma * (done ? 0 : 1) + raw[i];
                if (done) steps[i] = 0;
            }
            hist.AddRange(acc);
            // Two-pass variance with the epsilon pseudo-sample (count 1e-4 at mean 0, var 1).
            double n = hist.Count + 1e-4;
            double mean = hist.Sum() / n;
            double var = (hist.Sum(x => (x - mean) * (x - mean)) + 1e-4 * (1 + mean * mean)) / n;
            for (int i = 0; i < 2; i++)
                Assert.Equal((float)(raw[i] / Math.Sqrt(var + 1e-8)), v.Buffers.Rewards[i], 5);
            for (int i = 0; i < 2; i++) Assert.Equal(acc[i], v.Returns[i], 5);
        }
        // Reward terms stay raw.
        Assert.Equal(0.5f, v.Buffers.RewardTermRow(0)[0]);
    }

    [Fact]
    public void NormalizeRewardClipsAndFreezesAndRoundTrips()
    {
        using var v = new NormalizeReward(Toys(2), clip: 0.01f);
        v.Reset(0);
        v.Step([1f, 1f]);
        Assert.All(v.Buffers.Rewards, r => Assert.Equal(0.01f, r));
        var state = new Dictionary<string, double[]>();
        v.SaveState(state);
        v.Training = false;
        double count = v.Stats.Count;
        v.Step([1f, 1f]);
        Assert.Equal(count, v.Stats.Count);

        using var w = new NormalizeReward(Toys(2));
        w.LoadState(state);
        Assert.Equal(state["var"], w.Stats.Var);
        Assert.Equal(state["returns"], w.Returns.ToArray());
        Assert.Equal("reward_norm", w.StateName);
    }

    [Fact]
    public void ClipActionClipsIntoItsOwnBufferAndPassesNaN()
    {
        var inner = Toys(2);
        var toy0 = (ToyEnv)GetEnv(inner, 0);
        using var v = new ClipAction(inner);
        v.Reset(0);
        float[] actions = [5f, -0.25f];
        v.Step(actions);
        Assert.Equal(1f, toy0.LastAction);
        Assert.Equal(5f, actions[0]); // caller's buffer untouched
        Assert.Equal(1f + 0.1f, v.Buffers.Rewards[0], 6);
        Assert.Equal(-0.25f + 0.1f, v.Buffers.Rewards[1], 6);
        v.Step([-3f, 0f]);
        Assert.Equal(-1f, toy0.LastAction);
        var ex = Assert.Throws<InvalidActionException>(() => v.Step([float.NaN, 0f]));
        Assert.Contains("sub-env 0", ex.Message);
    }

    private static IEnv GetEnv(SyncVectorEnv v, int i)
    {
        var batch = typeof(SyncVectorEnv).GetField("_batch", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(v)!;
        var envs = (IEnv[])batch.GetType().GetField("_envs", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(batch)!;
        return envs[i];
    }

    [Fact]
    public void RecordEpisodeStatisticsReportsRawReturnsLengthsAndTermSums()
    {
        var envs = new List<IEnv> { new TimeLimit(new ToyEnv(terminateAt: 2), 3), new TimeLimit(new ToyEnv(), 3) };
        var stats = new RecordEpisodeStatistics(new SyncVectorEnv(envs));
        using var v = new NormalizeReward(stats);
        v.Reset(0);
        var seen = new List<(EpisodeRecord rec, double[] terms)>();
        for (int t = 0; t < 6; t++)
        {
            v.Step([0.5f, 0.25f]);
            foreach (var r in stats.CompletedThisStep) seen.Add((r, r.TermSums.ToArray()));
        }
        Assert.Equal(5, stats.TotalEpisodes); // env 0 at 2, 4, 6; env 1 at 3, 6
        Assert.Equal(12, stats.TotalSteps);
        var first0 = seen.First(s => s.rec.EnvIndex == 0);
        Assert.Equal(2, first0.rec.Length);
        double r1 = (float)(0.5f + 0.1f), r2 = (float)(0.5f + 0.2f);
        Assert.Equal(r1 + r2, first0.rec.Return, 12);
        Assert.Equal(1.0, first0.terms[0], 6);
        Assert.Equal(0.3, first0.terms[1], 6);
        var first1 = seen.First(s => s.rec.EnvIndex == 1);
        Assert.Equal(3, first1.rec.Length);
        Assert.Equal(0.75, first1.terms[0], 6);
        Assert.Equal(new[] { "a", "b" }, stats.TermNames);
        // The last step finished both envs: two records, the list is rebuilt each step.
        Assert.Equal(2, stats.CompletedThisStep.Count);
        v.Step([0f, 0f]);
        Assert.Empty(stats.CompletedThisStep);
    }

    [Fact]
    public void RecordEpisodeStatisticsRefusesToSitOutsideRewardNormalization()
    {
        using var inner = new NormalizeReward(Toys(1));
        Assert.Throws<ArgumentException>(() => new RecordEpisodeStatistics(inner));
    }
}
