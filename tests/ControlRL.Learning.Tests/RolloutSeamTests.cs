using ControlRL.Core.Vector;
using ControlRL.Learning.Ppo;
using ControlRL.Learning.Rollouts;
using ControlRL.Learning.Training;
using TorchSharp;

namespace ControlRL.Learning.Tests;

public class RolloutSeamTests
{
    [Fact]
    public void TruncationBootstrapCompletesTruncatedRewardsBeforeGae()
    {
        // 3 steps x 2 envs, time-major. Env 0 is truncated at t=1 (V(final) = 10), env 1 terminates at t=2.
        float[] rewards = [1, 2, 1, 2, 1, 2];
        float[] values = [0.5f, 0.25f, 0.5f, 0.25f, 0.5f, 0.25f];
        bool[] ended = [false, false, true, false, false, true];
        float[] next = [4f, 8f];
        const double gamma = 0.9, lambda = 0.8;

        TruncationBootstrap.Apply(rewards, [2], [10f], gamma);
        Assert.Equal(1 + 9f, rewards[2]);

        var adv = new float[6];
        var ret = new float[6];
        Gae.Compute(rewards, values, ended, next, 3, 2, gamma, lambda, adv, ret);

        // By hand, env 0 (rows 0, 2, 4): row 4 bootstraps next[0]; row 2 ends (its reward holds gamma*V(final)).
        double d4 = 1 + gamma * 4 - 0.5, a4 = d4;
        double d2 = 10 - 0.5, a2 = d2;
        double d0 = 1 + gamma * 0.5 - 0.5, a0 = d0 + gamma * lambda * a2;
        Assert.Equal(a4, adv[4], 5);
        Assert.Equal(a2, adv[2], 5);
        Assert.Equal(a0, adv[0], 5);
        // Env 1 (rows 1, 3, 5): row 5 terminates, no bootstrap from next[1].
        double e5 = 2 - 0.25, e3 = 2 + gamma * 0.25 - 0.25 + gamma * lambda * e5;
        Assert.Equal(e5, adv[5], 5);
        Assert.Equal(e3, adv[3], 5);
        Assert.Equal(a0 + 0.5, ret[0], 5);
    }

    [Fact]
    public void BootstrapRejectsNonFiniteValues()
    {
        var ex = Assert.Throws<ArgumentException>(() => TruncationBootstrap.Apply(new float[3], [1], [float.NaN], 0.99));
        Assert.Contains("row 1", ex.Message);
    }

    private sealed class ConstantReward(float value) : IRolloutProcessor
    {
        public string Name => "constant";
        public int Calls;
        public float[]? NextFirstRow;

        public void Process(Rollout rollout)
        {
            Calls++;
            var next = rollout.GatherNextObservations();
            NextFirstRow = next.FloatRow(0, 0).ToArray();
            var r = new float[rollout.Size];
            Array.Fill(r, value);
            rollout.AddRewardTerm("constant", r, replace: true);
        }
    }

    private sealed class Recorder : TrainerCallback
    {
        public int Steps, Rollouts, Updates;
        public override bool OnStep(in TrainerState state) { Steps++; return true; }
        public override void OnRolloutEnd(Rollout rollout, in TrainerState state) => Rollouts++;
        public override bool OnUpdate(in TrainerState state) { Updates++; return Updates < 2; }
    }

    [Fact]
    public void AReplacingRewardSourceDrivesTheAdvantagesAndCallbacksSeeEveryPhase()
    {
        var cfg = new PpoConfig
        {
            EnvId = "Reach-v0", TotalTimesteps = 4 * 16 * 3, Seed = 3, NumEnvs = 4, NumSteps = 16, NumMinibatches = 2,
            UpdateEpochs = 1, CheckpointEvery = 0, NormalizeReward = false,
        };
        torch.manual_seed(3);
        using var env = PpoEnvironment.Build(ReachEnv.Registry(length: 100, randomTargets: true), cfg);
        using var policy = PolicyFactory.Create(env.Spec, cfg);
        using var trainer = new PpoTrainer(cfg, env, policy);
        var source = new ConstantReward(0.5f);
        var recorder = new Recorder();
        trainer.Processors.Add(source);
        trainer.Callbacks.Add(recorder);
        var logged = new List<(string, double)>();
        trainer.Scalar += (tag, v, _) => logged.Add((tag, v));
        trainer.Train();

        Assert.Equal(2, recorder.Updates); // the callback stopped training after the second update
        Assert.Equal(2, recorder.Rollouts);
        Assert.Equal(32, recorder.Steps);
        Assert.Equal(2, source.Calls);
        Assert.Contains(logged, e => e.Item1 == "reward_sources/constant" && e.Item2 == 0.5);

        // Independent GAE over the relabelled rewards (no truncation: episodes are 100 steps long).
        var r = trainer.Rollout;
        Assert.All(r.Rewards, x => Assert.Equal(0.5f, x));
        Assert.DoesNotContain(r.Truncated, x => x);
        var expected = new double[r.Size];
        for (int i = 0; i < r.NumEnvs; i++)
        {
            double last = 0;
            for (int t = r.NumSteps - 1; t >= 0; t--)
            {
                int row = t * r.NumEnvs + i;
                double nextV = t == r.NumSteps - 1 ? r.NextValues[i] : r.Values[row + r.NumEnvs];
                double live = r.EpisodeEnded(row) ? 0 : 1;
                last = 0.5 + cfg.Gamma * nextV * live - r.Values[row] + cfg.Gamma * cfg.GaeLambda * live * last;
                expected[row] = last;
            }
        }
        for (int row = 0; row < r.Size; row++) Assert.Equal(expected[row], r.Advantages[row], 4);
        // The source saw real next observations: row 0's next observation is row NumEnvs's observation.
        Assert.Equal(r.Observations.FloatRow(0, r.NumEnvs).ToArray(), source.NextFirstRow);
    }
}
