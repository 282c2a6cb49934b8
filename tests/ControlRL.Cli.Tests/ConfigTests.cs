using ControlRL.Cli.Config;
using ControlRL.Learning.Ppo;

namespace ControlRL.Cli.Tests;

public class ConfigTests
{
    private static ResolvedConfig Resolve(TempDir dir, string? env = null, string? configFile = null,
        string[]? sets = null, Dictionary<string, object?>? flags = null) =>
        ConfigLoader.Resolve(new ConfigRequest
        {
            EnvId = env,
            ConfigFile = configFile,
            Sets = sets ?? [],
            Flags = flags ?? (env is null ? [] : new Dictionary<string, object?> { ["env_id"] = env }),
            ConfigRoot = dir.Path,
        });

    private static ConfigKeys PpoKeys => ConfigKeys.For(typeof(PpoConfig));

    /// <summary>A file in the temp config root's ppo folder (configs/ppo/&lt;env&gt;.yaml).</summary>
    private static string PpoFile(TempDir dir, string name)
    {
        Directory.CreateDirectory(dir.File("ppo"));
        return Path.Combine(dir.File("ppo"), name);
    }

    [Fact]
    public void PrecedenceIsDefaultsThenTaskFileThenConfigThenSetThenFlags()
    {
        using var dir = new TempDir();
        File.WriteAllText(PpoFile(dir, "Fake-v0.yaml"), "learning_rate: 1.0e-3\nnum_steps: 512\ngamma: 0.9\nupdate_epochs: 5\n");
        File.WriteAllText(dir.File("user.yaml"), "num_steps: 256\ngamma: 0.95\nnum_minibatches: 8\n");
        var r = Resolve(dir, configFile: dir.File("user.yaml"), sets: ["gamma=0.97", "seed=5", "update_epochs=3"],
            flags: new() { ["env_id"] = "Fake-v0", ["seed"] = 9UL });
        var c = (PpoConfig)r.Config;
        Assert.Equal(1e-3, c.LearningRate);     // task file over defaults
        Assert.Equal(256, c.NumSteps);          // --config over task file
        Assert.Equal(0.97, c.Gamma);            // --set over --config
        Assert.Equal(3, c.UpdateEpochs);        // --set over task file
        Assert.Equal(9UL, c.Seed);              // flag over --set
        Assert.Equal(8, c.NumMinibatches);
        Assert.Equal(new PpoConfig().ClipCoef, c.ClipCoef); // untouched default
        Assert.Equal("Fake-v0", c.EnvId);
        Assert.Equal(["defaults", PpoFile(dir, "Fake-v0.yaml"), dir.File("user.yaml"), "--set", "command-line flags"], r.Sources);
    }

    [Fact]
    public void EnvIdFromConfigFileSelectsTheTaskFile()
    {
        using var dir = new TempDir();
        File.WriteAllText(PpoFile(dir, "Other-v1.yaml"), "num_steps: 64\nnum_minibatches: 4\n");
        File.WriteAllText(dir.File("user.yaml"), "env_id: Other-v1\n");
        var c = (PpoConfig)Resolve(dir, configFile: dir.File("user.yaml")).Config;
        Assert.Equal("Other-v1", c.EnvId);
        Assert.Equal(64, c.NumSteps);
    }

    [Fact]
    public void UnknownKeyNamesTheKeyTheFileAndCloseMatches()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.yaml"), "learning_rat: 0.1\n");
        var ex = Assert.Throws<CliUsageException>(() => Resolve(dir, configFile: dir.File("bad.yaml")));
        Assert.Contains("unknown config key 'learning_rat'", ex.Message);
        Assert.Contains("bad.yaml", ex.Message);
        Assert.Contains("learning_rate", ex.Message);

        var ex2 = Assert.Throws<CliUsageException>(() => Resolve(dir, sets: ["num_env=4"]));
        Assert.Contains("'num_env'", ex2.Message);
        Assert.Contains("num_envs", ex2.Message);
    }

    [Fact]
    public void SetParsesIntsFloatsBoolsListsAndNull()
    {
        using var dir = new TempDir();
        var c = (PpoConfig)Resolve(dir, sets:
        [
            "num_envs=4", "total_timesteps=2e6", "learning_rate=2.5e-4", "anneal_lr=false", "norm_adv=no",
            "hidden_sizes=[256, 128]", "target_kl=0.02", "activation=relu", "seed=1_000", "num-minibatches=64",
        ]).Config;
        Assert.Equal(4, c.NumEnvs);
        Assert.Equal(2_000_000L, c.TotalTimesteps);
        Assert.Equal(2.5e-4, c.LearningRate);
        Assert.False(c.AnnealLr);
        Assert.False(c.NormAdv);
        Assert.Equal([256, 128], c.HiddenSizes);
        Assert.Equal(0.02, c.TargetKl);
        Assert.Equal("relu", c.Activation);
        Assert.Equal(1000UL, c.Seed);
        Assert.Equal(64, c.NumMinibatches);

        Assert.Equal([32, 32, 16], ((PpoConfig)Resolve(dir, sets: ["hidden_sizes=32,32,16"]).Config).HiddenSizes);
        Assert.Null(((PpoConfig)Resolve(dir, sets: ["target_kl=0.1", "target_kl=null"]).Config).TargetKl);
    }

    [Theory]
    [InlineData("num_envs=four", "num_envs")]
    [InlineData("num_envs=1.5", "num_envs")]
    [InlineData("anneal_lr=maybe", "anneal_lr")]
    [InlineData("learning_rate=fast", "learning_rate")]
    [InlineData("seed=-1", "seed")]
    [InlineData("hidden_sizes=[64, x]", "hidden_sizes")]
    public void BadValueTypeNamesTheKey(string set, string key)
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<CliUsageException>(() => Resolve(dir, sets: [set]));
        Assert.Contains($"bad value for '{key}'", ex.Message);
    }

    [Fact]
    public void SetWithoutEqualsIsAnError()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<CliUsageException>(() => Resolve(dir, sets: ["gamma"]));
        Assert.Contains("key=value", ex.Message);
    }

    [Fact]
    public void UnreadableYamlAndMissingFileAreUsageErrors()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("broken.yaml"), "gamma: [0.9\nseed: 1\n");
        var ex = Assert.Throws<CliUsageException>(() => Resolve(dir, configFile: dir.File("broken.yaml")));
        Assert.Contains("not valid YAML", ex.Message);
        File.WriteAllText(dir.File("list.yaml"), "- 1\n- 2\n");
        Assert.Contains("expected a mapping", Assert.Throws<CliUsageException>(() => Resolve(dir, configFile: dir.File("list.yaml"))).Message);
        Assert.Contains("does not exist", Assert.Throws<CliUsageException>(() => Resolve(dir, configFile: dir.File("nope.yaml"))).Message);
        File.WriteAllText(dir.File("nested.yaml"), "gamma:\n  a: 1\n");
        Assert.Contains("bad value for 'gamma'", Assert.Throws<CliUsageException>(() => Resolve(dir, configFile: dir.File("nested.yaml"))).Message);
    }

    [Fact]
    public void ValidateFailureIsAUsageError()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<CliUsageException>(() => Resolve(dir, sets: ["num_minibatches=3"]));
        Assert.Contains("num_minibatches", ex.Message);
    }

    [Fact]
    public void WrittenConfigReadsBackIdentically()
    {
        using var dir = new TempDir();
        var original = Resolve(dir, sets: ["hidden_sizes=[128,64]", "target_kl=0.015", "learning_rate=0.0001", "device=cuda:1", "seed=7"]).Config;
        ConfigWriter.Write(original, dir.File("config.yaml"), ["defaults", "--set"]);
        var back = Resolve(dir, configFile: dir.File("config.yaml")).Config;
        foreach (string key in PpoKeys.All)
            Assert.Equal(ConfigWriter.Format(PpoKeys.Get(original, key)), ConfigWriter.Format(PpoKeys.Get(back, key)));
        Assert.Contains("batch_size=2048", File.ReadAllText(dir.File("config.yaml")));
    }

    [Fact]
    public void ResumeBaseConfigReplacesDefaultsAndTaskFile()
    {
        using var dir = new TempDir();
        File.WriteAllText(PpoFile(dir, "Fake-v0.yaml"), "num_steps: 512\n");
        File.WriteAllText(dir.File("run-config.yaml"), "env_id: \"Fake-v0\"\nnum_steps: 1024\nseed: 3\n");
        var r = ConfigLoader.Resolve(new ConfigRequest
        {
            BaseConfigFile = dir.File("run-config.yaml"),
            Flags = new Dictionary<string, object?> { ["total_timesteps"] = 4_000_000L },
            ConfigRoot = dir.Path,
        });
        Assert.Equal(1024, ((PpoConfig)r.Config).NumSteps);
        Assert.Equal(3UL, r.Config.Seed);
        Assert.Equal(4_000_000L, r.Config.TotalTimesteps);
        Assert.Equal("Fake-v0", r.Config.EnvId);
    }

    [Theory]
    [InlineData("HalfCheetah-v5")]
    [InlineData("Hopper-v5")]
    [InlineData("Walker2d-v5")]
    [InlineData("Ant-v5")]
    [InlineData("Humanoid-v5")]
    [InlineData("InvertedPendulum-v5")]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void ShippedTaskConfigsLoadAndValidate(string env)
    {
        Assert.True(File.Exists(ConfigLoader.TaskConfigPath(Repo.TaskConfigDirectory, env)));
        var r = ConfigLoader.Resolve(new ConfigRequest
        {
            Flags = new Dictionary<string, object?> { ["env_id"] = env },
            ConfigRoot = Repo.ConfigRoot,
        });
        Assert.Equal(env, r.Config.EnvId);
        Assert.Equal(3, r.Sources.Count);
    }

    [Fact]
    public void MuJoCoTaskConfigsMatchCleanRlDefaults()
    {
        var cleanRl = new PpoConfig();
        var c = ConfigLoader.Resolve(new ConfigRequest
        {
            Flags = new Dictionary<string, object?> { ["env_id"] = "Hopper-v5" },
            ConfigRoot = Repo.ConfigRoot,
        }).Config;
        foreach (string key in PpoKeys.All.Where(k => k != "env_id"))
            Assert.Equal(ConfigWriter.Format(PpoKeys.Get(cleanRl, key)), ConfigWriter.Format(PpoKeys.Get(c, key)));
    }

    [Fact]
    public void AlgoIsWrittenFirstAndReadsBack()
    {
        using var dir = new TempDir();
        var original = Resolve(dir, sets: ["algo=ppo", "seed=3"]).Config;
        Assert.Equal("ppo", original.Algo);
        ConfigWriter.Write(original, dir.File("config.yaml"));
        string yaml = File.ReadAllText(dir.File("config.yaml"));
        Assert.StartsWith("algo: \"ppo\"", yaml.Split('\n').First(l => !l.StartsWith('#')));
        Assert.Contains("# Effective ppo config", yaml);

        var back = Resolve(dir, configFile: dir.File("config.yaml")).Config;
        Assert.IsType<PpoConfig>(back);
        Assert.Equal(3UL, back.Seed);
        var resumed = ConfigLoader.Resolve(new ConfigRequest { BaseConfigFile = dir.File("config.yaml"), ConfigRoot = dir.Path });
        Assert.Equal("ppo", resumed.Config.Algo);
    }

    [Fact]
    public void UnknownAlgoListsTheKnownOnes()
    {
        using var dir = new TempDir();
        var fromFlag = Assert.Throws<CliUsageException>(() => Resolve(dir, flags: new() { ["algo"] = "dqn" }));
        Assert.Contains("unknown algorithm 'dqn'", fromFlag.Message);
        Assert.Contains("known: ppo", fromFlag.Message);
        Assert.Contains("command-line flags", fromFlag.Message);

        Assert.Contains("unknown algorithm 'sacc'", Assert.Throws<CliUsageException>(() => Resolve(dir, sets: ["algo=sacc"])).Message);
        File.WriteAllText(dir.File("user.yaml"), "algo: a2c\n");
        var fromFile = Assert.Throws<CliUsageException>(() => Resolve(dir, configFile: dir.File("user.yaml")));
        Assert.Contains("user.yaml", fromFile.Message);
        Assert.Contains("unknown algorithm 'a2c'", fromFile.Message);
    }

    [Fact]
    public void KeysCoverTheSharedBaseFirstThenPpo()
    {
        var keys = PpoKeys.All;
        Assert.Equal("algo", keys[0]);
        Assert.Equal("env_id", keys[1]);
        Assert.True(keys.ToList().IndexOf("curriculum_return_range") < keys.ToList().IndexOf("num_steps"));
        foreach (string k in new[] { "normalize_observation", "obs_clip", "wrappers", "device", "checkpoint_every", "learning_rate", "normalize_reward" })
            Assert.Contains(k, keys);
        Assert.DoesNotContain("batch_size", keys);
        Assert.Same(PpoKeys, ConfigKeys.For("ppo"));
    }
}
