using System.Text.Json;
using ControlRL.Cli.Logging;
using ControlRL.Cli.Runs;
using ControlRL.Learning.Ppo;

namespace ControlRL.Cli.Tests;

public class CliCommandTests
{
    [Fact]
    public void HelpListsEveryCommand()
    {
        var cli = new CliHarness();
        Assert.Equal(0, cli.Run("--help"));
        string help = cli.Out.ToString();
        foreach (var c in new[] { "train", "eval", "envs", "bench", "plot" }) Assert.Contains(c, help);

        foreach (var (args, expect) in new (string[], string[])[]
                 {
                     (["train", "--help"], ["--algo", "--env", "--total-timesteps", "--seed", "--num-envs", "--config", "--set", "--resume", "--run-dir", "--device", "--no-progress", "learning_rate"]),
                     (["eval", "--help"], ["<checkpoint>", "--episodes", "--deterministic", "--video", "--seed"]),
                     (["envs", "--help"], ["list", "describe"]),
                     (["envs", "describe", "--help"], ["--json"]),
                     (["bench", "--help"], ["env", "ppo"]),
                     (["bench", "env", "--help"], ["--steps", "--threads"]),
                     (["plot", "--help"], ["--out", "--title"]),
                 })
        {
            var h = new CliHarness();
            Assert.Equal(0, h.Run(args));
            foreach (var e in expect) Assert.Contains(e, h.Out.ToString());
        }
    }

    [Theory]
    [InlineData(new[] { "train", "--env", "Nope-v0" }, "unknown env id 'Nope-v0'")]
    [InlineData(new[] { "train", "--env", "FakePont-v0" }, "Did you mean: FakePoint-v0?")]
    [InlineData(new[] { "train", "--set", "learning_rat=1" }, "learning_rate")]
    [InlineData(new[] { "train", "--set", "num_envs=abc" }, "bad value for 'num_envs'")]
    [InlineData(new[] { "train", "--config", "/nonexistent/x.yaml" }, "does not exist")]
    [InlineData(new[] { "train", "--seed", "abc" }, "--seed")]
    [InlineData(new[] { "train", "--device", "tpu" }, "--device")]
    [InlineData(new[] { "train", "--bogus" }, "--bogus")]
    [InlineData(new[] { "envs", "describe", "Nope-v0" }, "unknown env id")]
    [InlineData(new[] { "eval", "/nonexistent/run" }, "does not exist")]
    [InlineData(new[] { "bench", "env", "FakePoint-v0", "--threads", "1,x" }, "--threads")]
    [InlineData(new[] { "plot", "/nonexistent/run" }, "does not exist")]
    public void BadInputIsOneLineOnStderrWithExitCode2(string[] args, string expected)
    {
        var cli = new CliHarness();
        Assert.Equal(2, cli.Run(args));
        string err = cli.Err.ToString();
        Assert.Contains(expected, err);
        Assert.StartsWith("error: ", err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void UnreadableYamlExitsWith2()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("c.yaml"), "gamma: [0.9\n");
        var cli = new CliHarness();
        Assert.Equal(2, cli.Run("train", "--env", "FakePoint-v0", "--config", tmp.File("c.yaml"), "--run-dir", tmp.Path));
        Assert.Contains("not valid YAML", cli.Err.ToString());
    }

    [Fact]
    public void EnvsDescribeJson()
    {
        var cli = new CliHarness();
        Assert.Equal(0, cli.Run("envs", "describe", FakeEnv.Id, "--json"));
        using var doc = JsonDocument.Parse(cli.Out.ToString());
        var r = doc.RootElement;
        Assert.Equal(FakeEnv.Id, r.GetProperty("id").GetString());
        Assert.Equal(3, r.GetProperty("observation_space").GetProperty("size").GetInt32());
        Assert.Equal("-inf", r.GetProperty("observation_space").GetProperty("low")[0].GetString());
        Assert.Equal(-1.0, r.GetProperty("observation_space").GetProperty("low")[2].GetDouble());
        Assert.Equal("box", r.GetProperty("action_space").GetProperty("type").GetString());
        Assert.Equal(2, r.GetProperty("action_space").GetProperty("shape")[0].GetInt32());
        Assert.Equal(0.05, r.GetProperty("dt").GetDouble());
        Assert.Equal(5, r.GetProperty("frame_skip").GetInt32());
        Assert.Equal(200, r.GetProperty("max_episode_steps").GetInt32());
        Assert.Equal(["distance", "ctrl_cost"], r.GetProperty("reward_terms").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public void EnvsDescribeTextAndList()
    {
        var cli = new CliHarness();
        Assert.Equal(0, cli.Run("envs", "describe", "FakeDiscrete-v0"));
        Assert.Contains("Discrete(2)", cli.Out.ToString());
        Assert.Contains("reward terms:      alive", cli.Out.ToString());

        var list = new CliHarness();
        Assert.Equal(0, list.Run("envs", "list"));
        var lines = list.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ID", lines[0]);
        Assert.Matches(@"^FakeDiscrete-v0\s+4\s+discrete 2\s+0\.02\s+500$", lines[1]);
        Assert.Matches(@"^FakePoint-v0\s+3\s+2\s+0\.05\s+200$", lines[2]);
    }

    [Fact]
    public void TrainResolvesConfigCreatesRunDirAndCallsTheTrainer()
    {
        using var tmp = new TempDir();
        var cli = new CliHarness();
        cli.Hosts.OnTrain = r =>
        {
            for (int i = 1; i <= 30; i++)
            {
                r.Metrics.Scalar("charts/episodic_return", i, i * 100);
                r.Progress.Update(i * 100, i);
            }
        };
        int code = cli.Run("train", "--env", "FakePoint-v0", "--seed", "4", "--total-timesteps", "8192", "--num-envs", "2",
            "--set", "num_steps=64", "--set", "hidden_sizes=[32,32]", "--run-dir", tmp.Path, "--no-progress");
        Assert.True(code == 0, cli.Err.ToString());

        var req = cli.Hosts.Train!;
        var cfg = Assert.IsType<PpoConfig>(req.Config);
        Assert.Equal("FakePoint-v0", req.Config.EnvId);
        Assert.Equal(4UL, req.Config.Seed);
        Assert.Equal(8192, req.Config.TotalTimesteps);
        Assert.Equal(2, req.Config.NumEnvs);
        Assert.Equal(64, cfg.NumSteps);
        Assert.Equal([32, 32], cfg.HiddenSizes);
        Assert.Null(req.ResumeCheckpoint);
        Assert.Equal(Path.Combine(tmp.Path, "FakePoint-v0__ppo__4__20260102-030405"), req.Run.Root);

        string yaml = File.ReadAllText(req.Run.ConfigPath);
        Assert.Contains("num_steps: 64", yaml);
        Assert.Contains("seed: 4", yaml);
        Assert.Contains("hidden_sizes: [32, 32]", yaml);
        Assert.True(File.Exists(req.Run.ProgressCsvPath));
        Assert.Single(Directory.GetFiles(req.Run.TensorBoardDir, "events.out.tfevents.*"));
        Assert.True(File.Exists(req.Run.LearningCurvePath), cli.Err.ToString());
        Assert.Contains("progress: ", cli.Err.ToString());
    }

    [Fact]
    public void TrainAcceptsAlgoPpoAndWritesItFirst()
    {
        using var tmp = new TempDir();
        var cli = new CliHarness();
        Assert.True(cli.Run("train", "--algo", "ppo", "--env", "FakePoint-v0", "--seed", "2", "--run-dir", tmp.Path) == 0, cli.Err.ToString());
        var req = cli.Hosts.Train!;
        Assert.Equal("ppo", req.Config.Algo);
        Assert.IsType<PpoConfig>(req.Config);
        Assert.Equal(Path.Combine(tmp.Path, "FakePoint-v0__ppo__2__20260102-030405"), req.Run.Root);
        string firstKey = File.ReadLines(req.Run.ConfigPath).First(l => !l.StartsWith('#'));
        Assert.Equal("algo: \"ppo\"", firstKey);

        // The checkpoint names its algo; resuming reads it back.
        FakeCheckpoint.Write(req.Run.CheckpointPath(2048));
        var second = new CliHarness();
        Assert.True(second.Run("train", "--resume", req.Run.Root) == 0, second.Err.ToString());
        Assert.Equal("ppo", second.Hosts.Train!.Config.Algo);
    }

    [Fact]
    public void TrainWithAnUnknownAlgoListsTheKnownOnes()
    {
        using var tmp = new TempDir();
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.BadInput, cli.Run("train", "--algo", "dqn", "--env", "FakePoint-v0", "--run-dir", tmp.Path));
        Assert.Contains("unknown algorithm 'dqn' (known: ppo)", cli.Err.ToString());
        Assert.Null(cli.Hosts.Train);
        Assert.Empty(Directory.GetDirectories(tmp.Path));

        var viaSet = new CliHarness();
        Assert.Equal(ExitCodes.BadInput, viaSet.Run("train", "--set", "algo=sac", "--env", "FakePoint-v0", "--run-dir", tmp.Path));
        Assert.Contains("unknown algorithm 'sac'", viaSet.Err.ToString());
    }

    [Fact]
    public void EveryRegisteredAlgorithmHasATrainerAndATaskConfigFolder()
    {
        foreach (var algo in ControlRL.Learning.Algorithms.AlgorithmRegistry.All)
        {
            Assert.Contains(algo.Name, Hosting.TrainerHosts.Names);
            Assert.NotNull(Hosting.TrainerHosts.Create(algo.Name));
            Assert.True(Directory.Exists(Path.Combine(Repo.ConfigRoot, algo.ConfigFolder)), algo.Name);
        }
    }

    [Fact]
    public void TrainResumeContinuesTheRunWithItsConfig()
    {
        using var tmp = new TempDir();
        var first = new CliHarness();
        Assert.Equal(0, first.Run("train", "--env", "FakePoint-v0", "--set", "num_steps=128", "--run-dir", tmp.Path));
        var run = first.Hosts.Train!.Run;
        FakeCheckpoint.Write(run.CheckpointPath(2048), configure: c => c.NumSteps = 128);
        File.Delete(run.ConfigPath); // the checkpoint's own config rules; config.yaml is only a copy

        var second = new CliHarness();
        Assert.Equal(0, second.Run("train", "--resume", run.Root, "--total-timesteps", "8192"));
        var req = second.Hosts.Train!;
        Assert.Equal(run.Root, req.Run.Root);
        Assert.Equal(run.CheckpointPath(2048), req.ResumeCheckpoint);
        Assert.Equal(128, ((PpoConfig)req.Config).NumSteps);          // from the checkpoint
        Assert.Equal(8192, req.Config.TotalTimesteps);   // flag wins
        Assert.Contains("total_timesteps: 8192", File.ReadAllText(run.ConfigPath));
        Assert.Contains("changed on resume: total_timesteps: 4096 -> 8192", second.Out.ToString());
    }

    [Fact]
    public void TrainerFailureIsExitCode1WithoutStackTrace()
    {
        using var tmp = new TempDir();
        var cli = new CliHarness();
        cli.Hosts.OnTrain = _ => throw new InvalidOperationException("simulator diverged");
        Assert.Equal(1, cli.Run("train", "--env", "FakePoint-v0", "--run-dir", tmp.Path));
        Assert.Contains("error: simulator diverged", cli.Err.ToString());
        Assert.DoesNotContain("   at ", cli.Err.ToString());
    }

    [Fact]
    public void EvalDelegatesAndPrintsSummary()
    {
        using var tmp = new TempDir();
        var run = RunDirectory.Create(tmp.Path, FakeEnv.Id, 1, DateTime.Now);
        FakeCheckpoint.Write(run.CheckpointPath(100));
        var cli = new CliHarness();
        Assert.Equal(0, cli.Run("eval", run.Root, "--episodes", "3", "--seed", "9", "--deterministic", "false"));
        var req = cli.Hosts.Eval!;
        Assert.Equal(run.CheckpointPath(100), req.CheckpointDir);
        Assert.Equal(run.Root, req.RunDir);
        Assert.Equal((3, 9UL, false), (req.Episodes, req.Seed, req.Deterministic));
        Assert.Contains("return 20.00 ± 8.16", cli.Out.ToString());

        var json = new CliHarness();
        Assert.Equal(0, json.Run("eval", run.CheckpointPath(100), "--json"));
        Assert.True(json.Hosts.Eval!.Deterministic);
        Assert.Equal(20.0, JsonDocument.Parse(json.Out.ToString()).RootElement.GetProperty("mean_return").GetDouble());
    }

    [Fact]
    public void BenchDelegates()
    {
        var cli = new CliHarness();
        Assert.Equal(0, cli.Run("bench", "env", FakeEnv.Id, "--steps", "5000", "--threads", "1,2"));
        Assert.Equal([1, 2], cli.Hosts.EnvBench!.Threads);
        Assert.Equal(5000, cli.Hosts.EnvBench.Steps);
        Assert.Contains("5,000", cli.Out.ToString());

        var ppo = new CliHarness();
        Assert.Equal(0, ppo.Run("bench", "ppo", FakeEnv.Id, "--updates", "2", "--num-envs", "4", "--set", "num_steps=256"));
        Assert.Equal((FakeEnv.Id, 4, 256, 2), (ppo.Hosts.PpoBench!.Config.EnvId, ppo.Hosts.PpoBench.Config.NumEnvs, ppo.Hosts.PpoBench.Config.NumSteps, ppo.Hosts.PpoBench.Updates));
    }

    [Fact]
    public void PlotCommandWritesPngs()
    {
        using var tmp = new TempDir();
        var dirs = Enumerable.Range(1, 2).Select(s =>
        {
            var run = RunDirectory.Create(tmp.Path, FakeEnv.Id, (ulong)s, new DateTime(2026, 1, 1));
            PlotTests.WriteFakeProgress(run.ProgressCsvPath, s);
            return run;
        }).ToArray();
        var one = new CliHarness();
        Assert.Equal(0, one.Run("plot", dirs[0].Root));
        Assert.True(File.Exists(dirs[0].LearningCurvePath));

        var many = new CliHarness();
        string png = tmp.File("multi.png");
        Assert.Equal(0, many.Run("plot", dirs[0].Root, dirs[1].Root, "--out", png, "--title", "two seeds"));
        Assert.True(new FileInfo(png).Length > 1000);
    }

    [Fact]
    public void PlotEvalGroupsRunsByCurriculumAndReportsTheLastMasteredShare()
    {
        using var tmp = new TempDir();
        RunDirectory Run(ulong seed, string? curriculum, params double[] mastered)
        {
            var run = RunDirectory.Create(tmp.Path, FakeEnv.Id, seed, new DateTime(2026, 1, 1, 0, 0, (int)seed + (curriculum is null ? 0 : 30)));
            File.WriteAllText(run.ConfigPath, $"env_id: \"{FakeEnv.Id}\"\ncurriculum: {(curriculum is null ? "null" : $"\"{curriculum}\"")}\ncurriculum_return_range: [-150.0, 350.0]\n");
            var lines = new List<string> { "global_step,episodes,mean_return,std_return,mastered_fraction" };
            for (int i = 0; i < mastered.Length; i++) lines.Add($"{(i + 1) * 1000},50,{100 * mastered[i]},10,{mastered[i]}");
            File.WriteAllLines(Path.Combine(run.Root, "eval_over_steps.csv"), lines);
            return run;
        }
        var a1 = Run(1, "alp-gmm", 0.0, 0.2, 0.4);
        var a2 = Run(2, "alp-gmm", 0.0, 0.1, 0.2);
        var r1 = Run(1, null, 0.0, 0.1, 0.1);
        var cli = new CliHarness();
        string png = tmp.File("mastered.png");
        Assert.Equal(0, cli.Run("plot", a1.Root, a2.Root, r1.Root, "--eval", "--out", png));
        Assert.True(new FileInfo(png).Length > 1000);
        string text = cli.Out.ToString();
        // Mean of 40% and 20% with sample std 14.1; the run without a curriculum is its own group.
        Assert.Contains($"{FakeEnv.Id} (alp-gmm): 2 run(s), final % mastered 30.0 ± 14.1", text);
        Assert.Contains($"{FakeEnv.Id}: 1 run(s), final % mastered 10.0 ± 0.0", text);
        Assert.Contains("3 checkpoints to step 3,000", text);

        var lastTwo = new CliHarness();
        Assert.Equal(0, lastTwo.Run("plot", a1.Root, a2.Root, "--eval", "--last", "2", "--out", png));
        // Run means of the last two checkpoints: 30% and 15%; their mean 22.5, sample std 10.6.
        Assert.Contains($"{FakeEnv.Id} (alp-gmm): 2 run(s), final % mastered 22.5 ± 10.6", lastTwo.Out.ToString());

        var missing = new CliHarness();
        var bare = RunDirectory.Create(tmp.Path, FakeEnv.Id, 9, new DateTime(2026, 1, 2));
        Assert.Equal(ExitCodes.BadInput, missing.Run("plot", bare.Root, "--eval"));
        Assert.Contains("--all-checkpoints", missing.Err.ToString());
    }

    [Fact]
    public void MetricsSinksForRunWriteBothFiles()
    {
        using var tmp = new TempDir();
        var run = RunDirectory.Create(tmp.Path, FakeEnv.Id, 1, DateTime.Now);
        using (var sinks = MetricsSinks.ForRun(run))
        {
            sinks.Scalar("a", 1, 1);
            sinks.Flush();
        }
        Assert.Contains("global_step,wall_time,a", File.ReadAllText(run.ProgressCsvPath));
        var tb = Directory.GetFiles(run.TensorBoardDir).Single();
        Assert.Equal(2, TensorBoardSink.ReadEvents(tb).Count());
    }
}

public class RealRegistryTests
{
    [Fact]
    public void EveryShippedTaskConfigHasARegisteredEnvAndViceVersa()
    {
        var reg = Registries.CreateEnvRegistry();
        var configured = Directory.GetFiles(Repo.TaskConfigDirectory, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order().ToArray();
        Assert.Equal(reg.Ids.Order().ToArray(), configured);
    }

    [Fact]
    public void DescribeHalfCheetahJson()
    {
        var output = new StringWriter();
        var err = new StringWriter();
        var services = new Hosting.CliServices
        {
            Envs = Registries.CreateEnvRegistry,
            Trainer = Hosting.DefaultHosts.Trainer,
            Evaluator = Hosting.DefaultHosts.Evaluator,
            Benchmarks = Hosting.DefaultHosts.Benchmarks,
            Out = output,
            Err = err,
        };
        Assert.True(CliApp.Run(["envs", "describe", "HalfCheetah-v5", "--json"], services) == 0, err.ToString());
        using var doc = JsonDocument.Parse(output.ToString());
        var r = doc.RootElement;
        Assert.Equal("HalfCheetah-v5", r.GetProperty("id").GetString());
        Assert.Equal(17, r.GetProperty("observation_space").GetProperty("size").GetInt32());
        Assert.Equal(6, r.GetProperty("action_space").GetProperty("size").GetInt32());
        Assert.Equal(-1.0, r.GetProperty("action_space").GetProperty("low")[0].GetDouble());
        Assert.Equal(0.05, r.GetProperty("dt").GetDouble(), 9);
        Assert.Equal(5, r.GetProperty("frame_skip").GetInt32());
        Assert.Equal(1000, r.GetProperty("max_episode_steps").GetInt32());
        Assert.True(r.GetProperty("reward_terms").GetArrayLength() >= 2);
    }
}
