using System.Text.Json.Nodes;
using ControlRL.Core.Vector;
using ControlRL.Learning.Algorithms;
using ControlRL.Learning.Checkpoints;
using ControlRL.Learning.Ppo;
using TorchSharp;

namespace ControlRL.Learning.Tests;

public class AlgorithmCheckpointTests
{
    // meta.json as PPO wrote it before configs had a shared base (format 1): no "algo" in the config, keys in PpoConfig's old order.
    private const string Format1PpoMeta = """
{
  "format": 1,
  "algorithm": "ppo",
  "env_id": "CarRacing-v3",
  "policy_kind": "encoded",
  "policy_description": "{\n  \u0022kind\u0022: \u0022encoded\u0022,\n  \u0022encoder\u0022: {\n    \u0022cnn\u0022: \u0022nature\u0022,\n    \u0022cnn_features\u0022: 0,\n    \u0022vector_hidden\u0022: [],\n    \u0022float_images\u0022: false\n  },\n  \u0022head\u0022: \u0022beta\u0022,\n  \u0022log_std_init\u0022: 0\n}",
  "observation_space": "Box(0, 255, (64, 64, 4), uint8)",
  "action_space": "Box([-1.0, 0.0, 0.0], 1.0, (3,), float32)",
  "observation_size": 16384,
  "action_size": 3,
  "global_step": 40960,
  "update": 20,
  "created_utc": "2026-12-02T06:20:06.5533807Z",
  "config": {
    "env_id": "CarRacing-v3",
    "total_timesteps": 3000000,
    "seed": 1,
    "num_envs": 8,
    "num_steps": 256,
    "vector_env": "threaded",
    "env_workers": 0,
    "learning_rate": 0.00025,
    "anneal_lr": true,
    "adam_eps": 1E-05,
    "gamma": 0.99,
    "gae_lambda": 0.95,
    "num_minibatches": 4,
    "update_epochs": 4,
    "norm_adv": true,
    "clip_coef": 0.2,
    "clip_vloss": true,
    "ent_coef": 0,
    "vf_coef": 0.5,
    "max_grad_norm": 0.5,
    "target_kl": null,
    "wrappers": [
      "frame_skip(k=4)",
      "grayscale",
      "resize(size=64)",
      "frame_stack(n=4)"
    ],
    "policy": "encoded",
    "cnn": "nature",
    "cnn_features": 0,
    "action_head": "beta",
    "normalize_observation": false,
    "normalize_reward": true,
    "obs_clip": 10,
    "reward_clip": 10,
    "hidden_sizes": [
      64,
      64
    ],
    "activation": "tanh",
    "log_std_init": 0,
    "ortho_init": true,
    "curriculum": null,
    "curriculum_return_range": [
      -150,
      350
    ],
    "device": "cpu",
    "torch_threads": 1,
    "checkpoint_every": 20,
    "batch_size": 2048,
    "minibatch_size": 512,
    "num_updates": 1464
  },
  "sha256": {
    "policy.dat": "a2c1d149568812968e6aaf10d8bc3383a61949e74dc824181c0283a772b71e27",
    "state.bin": "33320eaff3060e91299b9e45912a3561bcc758690dc68155760ca5f239b027bd"
  }
}
""";

    private static PpoConfig Small() => new()
    {
        EnvId = "Reach-v0", TotalTimesteps = 256, NumEnvs = 4, NumSteps = 64, NumMinibatches = 4, CheckpointEvery = 0,
        HiddenSizes = [16, 16],
    };

    private static string SaveSmall()
    {
        string dir = Path.Combine(Path.GetTempPath(), "controlrl-algo-" + Guid.NewGuid().ToString("N"));
        torch.manual_seed(1);
        var cfg = Small();
        using var env = PpoEnvironment.Build(ReachEnv.Registry(), cfg);
        using var t = new PpoTrainer(cfg, env, PolicyFactory.Create(env.Spec, cfg));
        t.Train();
        PpoCheckpoint.Save(t, dir);
        return dir;
    }

    private static void EditMeta(string dir, Action<JsonObject> edit)
    {
        string path = Path.Combine(dir, PpoCheckpoint.MetaFile);
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    [Fact]
    public void Format1PpoMetaReadsAsAPpoConfig()
    {
        var meta = CheckpointMeta.FromJson(Format1PpoMeta, "meta.json");
        Assert.Equal("ppo", meta.Algorithm);
        var cfg = Assert.IsType<PpoConfig>(meta.Config);
        Assert.Equal("CarRacing-v3", cfg.EnvId);
        Assert.Equal(8, cfg.NumEnvs);
        Assert.Equal(256, cfg.NumSteps);
        Assert.Equal("threaded", cfg.VectorEnv);
        Assert.Equal(["frame_skip(k=4)", "grayscale", "resize(size=64)", "frame_stack(n=4)"], cfg.Wrappers);
        Assert.False(cfg.NormalizeObservation);
        Assert.Equal("beta", cfg.ActionHead);
        Assert.Equal(20, cfg.CheckpointEvery);
        cfg.Validate();
    }

    [Fact]
    public void MetaStoresTheConfigWithItsAlgorithmAndRoundTrips()
    {
        string dir = SaveSmall();
        try
        {
            var text = File.ReadAllText(Path.Combine(dir, PpoCheckpoint.MetaFile));
            var node = JsonNode.Parse(text)!;
            Assert.Equal("ppo", (string?)node["algorithm"]);
            Assert.Equal("ppo", (string?)node["config"]!["algo"]);
            Assert.Equal(64, (int?)node["config"]!["num_steps"]); // the algorithm's own keys, not only the base's
            var meta = PpoCheckpoint.ReadMeta(dir);
            Assert.Equal([16, 16], Assert.IsType<PpoConfig>(meta.Config).HiddenSizes);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void CheckpointInTheOldLayoutStillLoadsAndResumes()
    {
        string dir = SaveSmall();
        try
        {
            // As format-1 checkpoints were written: no "algo" inside the config (and none of the derived keys needed).
            EditMeta(dir, m => m["config"]!.AsObject().Remove("algo"));
            var meta = PpoCheckpoint.ReadMeta(dir);
            Assert.IsType<PpoConfig>(meta.Config);
            var cfg = Small();
            using var env = PpoEnvironment.Build(ReachEnv.Registry(), cfg);
            using var t = new PpoTrainer(cfg, env, PolicyFactory.Create(env.Spec, cfg));
            PpoCheckpoint.Restore(t, dir);
            Assert.Equal(256, t.GlobalStep);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void UnknownAlgorithmIsAClearError()
    {
        string dir = SaveSmall();
        try
        {
            EditMeta(dir, m => m["algorithm"] = "sac");
            var ex = Assert.Throws<InvalidDataException>(() => PpoCheckpoint.ReadMeta(dir));
            Assert.Contains("algorithm 'sac'", ex.Message);
            Assert.Contains("known: ppo", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void EvalEnvAndPolicyComeFromTheCheckpointAlone()
    {
        string dir = SaveSmall();
        try
        {
            var meta = PpoCheckpoint.ReadMeta(dir);
            AlgorithmConfig cfg = meta.Config;
            using var env = AlgorithmEnvironment.BuildForEval(ReachEnv.Registry(), cfg);
            Assert.Equal(1, env.NumEnvs);
            Assert.Null(env.Find<Core.Wrappers.NormalizeReward>());
            Assert.NotNull(env.Find<Core.Wrappers.NormalizeObservation>());
            PpoCheckpoint.RestoreEnvState(env, PpoCheckpoint.ReadState(dir).Doubles);
            using var policy = PpoCheckpoint.LoadPolicy(dir, meta, env.Spec);
            Assert.Equal(env.Buffers.ActionSize, policy.ActionSize);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void RegistryKnowsPpoAndRefusesMismatchedNames()
    {
        var ppo = AlgorithmRegistry.Get("ppo");
        Assert.Equal(typeof(PpoConfig), ppo.ConfigType);
        Assert.Equal("ppo", ppo.ConfigFolder);
        Assert.Contains("known: ppo", Assert.Throws<ArgumentException>(() => AlgorithmRegistry.Get("nope")).Message);
        Assert.Throws<ArgumentException>(() => AlgorithmRegistry.Register(new AlgorithmInfo("other", () => new PpoConfig(), "other")));
        Assert.Throws<ArgumentException>(() => AlgorithmRegistry.Register(new AlgorithmInfo("ppo", () => new PpoConfig(), "ppo")));
    }
}
