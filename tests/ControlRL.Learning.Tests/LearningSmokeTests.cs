using ControlRL.Core.Envs;
using ControlRL.Envs.Classic;
using ControlRL.Envs.MuJoCo;
using ControlRL.Learning.Ppo;
using TorchSharp;

namespace ControlRL.Learning.Tests;

/// <summary>Short end-to-end learning checks on real tasks (the long learning curves are benchmarks).</summary>
public class LearningSmokeTests
{
    private static (double Early, double Late) TrainAndCompare(EnvRegistry registry, PpoConfig cfg)
    {
        torch.manual_seed(1);
        using var env = PpoEnvironment.Build(registry, cfg);
        using var trainer = new PpoTrainer(cfg, env, PolicyFactory.Create(env.Spec, cfg));
        var returns = new List<double>();
        trainer.Scalar += (tag, value, _) => { if (tag == "charts/episodic_return") returns.Add(value); };
        trainer.Train();
        Assert.True(returns.Count >= 20, $"only {returns.Count} episodes finished");
        return (returns.Take(10).Average(), returns.TakeLast(10).Average());
    }

    [Fact]
    public void InvertedPendulumImprovesClearlyWithinABudgetOf24kSteps()
    {
        var registry = new EnvRegistry();
        MuJoCoEnvs.Register(registry);
        var cfg = new PpoConfig
        {
            EnvId = "InvertedPendulum-v5",
            TotalTimesteps = 24_576,
            NumEnvs = 4,
            NumSteps = 512,
            NumMinibatches = 8,
            CheckpointEvery = 0,
        };
        var (early, late) = TrainAndCompare(registry, cfg);
        Assert.True(late > 4 * early && late > 60, $"InvertedPendulum did not improve enough: first episodes {early:F1}, last {late:F1}");
    }

    [Fact]
    public void CartPoleWithDiscretePolicyImproves()
    {
        var registry = new EnvRegistry();
        ClassicEnvs.Register(registry);
        var cfg = new PpoConfig
        {
            EnvId = "CartPole-v1",
            TotalTimesteps = 24_576,
            NumEnvs = 4,
            NumSteps = 128,
            NumMinibatches = 4,
            UpdateEpochs = 4,
            LearningRate = 1e-3,
            EntCoef = 0.01,
            NormalizeObservation = false,
            NormalizeReward = false,
            CheckpointEvery = 0,
        };
        var (early, late) = TrainAndCompare(registry, cfg);
        Assert.True(late > 2 * early && late > 60, $"CartPole did not improve enough: first episodes {early:F1}, last {late:F1}");
    }
}
