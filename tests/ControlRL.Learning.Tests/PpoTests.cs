using ControlRL.Core.Vector;
using ControlRL.Learning.Checkpoints;
using ControlRL.Learning.Ppo;
using ControlRL.Models.Policies;
using TorchSharp;

namespace ControlRL.Learning.Tests;

public class PpoTests
{
    private static PpoConfig SmallConfig(long steps, ulong seed = 1) => new()
    {
        EnvId = "Reach-v0",
        TotalTimesteps = steps,
        Seed = seed,
        NumEnvs = 4,
        NumSteps = 64,
        NumMinibatches = 4,
        UpdateEpochs = 4,
        LearningRate = 3e-3,
        CheckpointEvery = 0,
        TorchThreads = 1,
    };

    private static (PpoTrainer Trainer, IVectorEnv Env) Build(PpoConfig cfg, int length = 32, bool randomTargets = true)
    {
        torch.manual_seed((long)cfg.Seed);
        var env = PpoEnvironment.Build(ReachEnv.Registry(length, randomTargets), cfg);
        var policy = PolicyFactory.Create(env.Spec, cfg);
        return (new PpoTrainer(cfg, env, policy), env);
    }

    private static float[] Flatten(ActorCritic policy) =>
        policy.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    [Fact]
    public void LearnsTheReachTaskWithinASmallBudget()
    {
        var cfg = SmallConfig(40_960);
        var (trainer, env) = Build(cfg);
        using var _ = env;
        using var __ = trainer;
        var returns = new List<double>();
        trainer.Scalar += (tag, value, step) => { if (tag == "charts/episodic_return") returns.Add(value); };
        trainer.Train();
        double early = returns.Take(8).Average();
        double late = returns.TakeLast(8).Average();
        // A random policy ends around -30 to -50; reaching the target quickly gives about -3.
        Assert.True(late > early + 10 && late > -12, $"return did not improve enough: early {early:F1}, late {late:F1}");
    }

    [Fact]
    public void SameSeedGivesIdenticalParameters()
    {
        float[] Run()
        {
            var (trainer, env) = Build(SmallConfig(512, seed: 7));
            using var _ = env;
            using var __ = trainer;
            trainer.Train();
            return Flatten(trainer.Policy);
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void ResumeFromCheckpointGivesTheSameNextUpdate()
    {
        string root = Path.Combine(Path.GetTempPath(), "controlrl-resume-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Episodes last exactly one rollout (32 steps), so an update boundary is also an episode boundary.
            var cfg = SmallConfig(4 * 32 * 2, seed: 3);
            cfg.NumSteps = 32;
            cfg.CheckpointEvery = 1;
            // The reward normalizer's return accumulator carries the last step of an episode into the next
            // (Gymnasium's masking order); a resumed run restarts episodes, so the accumulators legitimately differ.
            cfg.NormalizeReward = false;
            var (a, envA) = Build(cfg, length: 32, randomTargets: false);
            a.CheckpointDue += t => PpoCheckpoint.Save(t, Path.Combine(root, $"update_{t.Update}"));
            a.Train();
            float[] expected = Flatten(a.Policy);

            var (b, envB) = Build(cfg, length: 32, randomTargets: false);
            PpoCheckpoint.Restore(b, Path.Combine(root, "update_1"));
            Assert.Equal(1, b.Update);
            Assert.Equal(4 * 32, b.GlobalStep);
            b.Train();
            Assert.Equal(2, b.Update);
            Assert.Equal(expected, Flatten(b.Policy));
            a.Dispose(); envA.Dispose(); b.Dispose(); envB.Dispose();
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }

    [Fact]
    public void CheckpointCutShortIsRefusedWithAClearError()
    {
        string dir = Path.Combine(Path.GetTempPath(), "controlrl-cut-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (t, env) = Build(SmallConfig(256));
            t.Train();
            PpoCheckpoint.Save(t, dir);
            Assert.Equal("gaussian", PpoCheckpoint.ReadMeta(dir).PolicyKind);
            string policy = Path.Combine(dir, PpoCheckpoint.PolicyFile);
            var bytes = File.ReadAllBytes(policy);
            File.WriteAllBytes(policy, bytes[..(bytes.Length / 2)]);
            var ex = Assert.Throws<InvalidDataException>(() => PpoCheckpoint.ReadMeta(dir));
            Assert.Contains("policy.dat", ex.Message);
            t.Dispose(); env.Dispose();
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void InvalidConfigIsRejectedByName()
    {
        var cfg = SmallConfig(1024);
        cfg.NumMinibatches = 7;
        var ex = Assert.Throws<ArgumentException>(cfg.Validate);
        Assert.Contains("num_minibatches", ex.Message);
    }
}

public class CheckpointMismatchTests
{
    [Fact]
    public void ResumingIntoADifferentNetworkIsAClearError()
    {
        string dir = Path.Combine(Path.GetTempPath(), "controlrl-shape-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cfg = new PpoConfig { EnvId = "Reach-v0", TotalTimesteps = 256, NumEnvs = 4, NumSteps = 64, NumMinibatches = 4, CheckpointEvery = 0 };
            using (var env = PpoEnvironment.Build(ReachEnv.Registry(), cfg))
            using (var t = new PpoTrainer(cfg, env, PolicyFactory.Create(env.Spec, cfg)))
            {
                t.Train();
                PpoCheckpoint.Save(t, dir);
            }
            cfg.HiddenSizes = [32];
            using var env2 = PpoEnvironment.Build(ReachEnv.Registry(), cfg);
            using var t2 = new PpoTrainer(cfg, env2, PolicyFactory.Create(env2.Spec, cfg));
            var ex = Assert.Throws<InvalidDataException>(() => PpoCheckpoint.Restore(t2, dir));
            Assert.Contains("hidden sizes [64,64]", ex.Message);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
