using System.CommandLine;
using System.Text.Json;
using ControlRL.Cli.Bench;
using ControlRL.Cli.Commands;
using ControlRL.Cli.Config;
using ControlRL.Cli.Hosting;
using ControlRL.Cli.Logging;
using ControlRL.Cli.Runs;
using ControlRL.Learning.Algorithms;
using ControlRL.Learning.Ppo;

namespace ControlRL.Cli.Tests;

/// <summary>Bad input, --json, progress and interruption across every command.</summary>
public class CliHygieneTests
{
    private static void AssertBadInput(CliHarness cli, int code, params string[] expected)
    {
        string err = cli.Err.ToString();
        Assert.True(code == ExitCodes.BadInput, $"exit {code}: {err}");
        Assert.StartsWith("error: ", err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", err);
        Assert.DoesNotContain("Exception", err);
        foreach (var e in expected) Assert.Contains(e, err);
        Assert.Equal("", cli.Out.ToString());
    }

    // Each of these used to end in an internal exception (exit 1) or be silently accepted.
    [Theory]
    [InlineData(new[] { "plot", "some-run", "--last", "0" }, "--last must be a whole number >= 1 (got 0)")]
    [InlineData(new[] { "envs", "check", FakeEnv.Id, "--steps", "0" }, "--steps must be a whole number from 1 to 10000000 (got 0)")]
    [InlineData(new[] { "eval", "some-run", "--test-tasks", "-1" }, "--test-tasks must be a whole number from 0 to 1000000 (got -1)")]
    [InlineData(new[] { "eval", "some-run", "--episodes", "0" }, "--episodes must be a whole number from 1 to 1000000")]
    [InlineData(new[] { "train", "-t", "1.5" }, "--total-timesteps must be a whole number >= 1", "not a whole number")]
    [InlineData(new[] { "train", "-t", "1e30" }, "--total-timesteps", "too large")]
    [InlineData(new[] { "train", "-t", "0" }, "--total-timesteps must be a whole number >= 1 (got 0)")]
    [InlineData(new[] { "train", "-t", "ten" }, "--total-timesteps", "not a number", "1e6")]
    [InlineData(new[] { "train", "--num-envs", "3e9" }, "--num-envs must be a whole number from 1 to 65536")]
    [InlineData(new[] { "train", "--seed", "-1" }, "--seed must be a whole number >= 0")]
    [InlineData(new[] { "train", "--curriculum", "alp" }, "--curriculum must be one of random, alp-gmm, covar-gmm, riac (got 'alp')")]
    [InlineData(new[] { "train", "--set", "num_steps=1.5" }, "bad value for 'num_steps'", "not a whole number")]
    [InlineData(new[] { "train", "--set", "num_envs=1e12" }, "bad value for 'num_envs'", "out of range")]
    [InlineData(new[] { "bench", "env", FakeEnv.Id, "--steps", "-5" }, "--steps must be a whole number >= 1")]
    [InlineData(new[] { "bench", "env", FakeEnv.Id, "--threads", "1,5000" }, "--threads", "from 1 to 1024")]
    [InlineData(new[] { "bench", "env", FakeEnv.Id, "--num-envs", "0" }, "--num-envs must be a whole number from 1 to 65536")]
    [InlineData(new[] { "bench", "ppo", FakeEnv.Id, "--updates", "0" }, "--updates must be a whole number from 1 to 100000")]
    [InlineData(new[] { "bench", "cnn", "--size", "8" }, "--size must be a whole number from 36 to 1024 (got 8)")]
    [InlineData(new[] { "bench", "cnn", "--warmup", "-1" }, "--warmup must be a whole number from 0 to 1000000")]
    [InlineData(new[] { "bench", "cnn", "--head", "cauchy" }, "--head must be gaussian or beta (got 'cauchy')")]
    [InlineData(new[] { "bench", "cnn", "--torch-python", "/nonexistent/python3" }, "--torch-python: '/nonexistent/python3' is neither a file nor a program on PATH.")]
    [InlineData(new[] { "bench", "cnn", "--script", "/nonexistent/cnn_update.py" }, "--script: '/nonexistent/cnn_update.py' does not exist.")]
    [InlineData(new[] { "eval", "some-run", "--mastered", "inf" }, "--mastered must be a finite number")]
    [InlineData(new[] { "config", "keys", "--algo", "dqn" }, "--algo must be ppo (got 'dqn')")]
    public void OutOfRangeValuesAreOneLineNamingTheOptionAndTheRange(string[] args, params string[] expected)
    {
        var cli = new CliHarness();
        AssertBadInput(cli, cli.Run(args), expected);
        Assert.Null(cli.Hosts.Train);
        Assert.Null(cli.Hosts.Eval);
        Assert.Null(cli.Hosts.EnvBench);
    }

    [Theory]
    [InlineData("1e6")]
    [InlineData("1_000_000")]
    [InlineData("1000000")]
    [InlineData("1.0e6")]
    public void TotalTimestepsTakesEveryWrittenFormOfAMillion(string text)
    {
        using var tmp = new TempDir();
        var cli = new CliHarness();
        Assert.True(cli.Run("train", "--env", FakeEnv.Id, "-t", text, "--run-dir", tmp.Path) == 0, cli.Err.ToString());
        Assert.Equal(1_000_000, cli.Hosts.Train!.Config.TotalTimesteps);
    }

    [Fact]
    public void OtherIntegerOptionsTakeTheSameForms()
    {
        var cli = new CliHarness();
        Assert.True(cli.Run("bench", "env", FakeEnv.Id, "--steps", "2e4", "--num-envs", "1_6", "--seed", "1e3") == 0, cli.Err.ToString());
        Assert.Equal((20_000L, 16, 1000UL), (cli.Hosts.EnvBench!.Steps, cli.Hosts.EnvBench.NumEnvs, cli.Hosts.EnvBench.Seed));
    }

    [Theory]
    [InlineData("1000000", true, "1000000")]
    [InlineData("1_000_000", true, "1000000")]
    [InlineData("1e6", true, "1000000")]
    [InlineData("2.5e3", true, "2500")]
    [InlineData("-3", true, "-3")]
    [InlineData("18446744073709551615", true, "18446744073709551615")]
    [InlineData("1.5", false, "")]
    [InlineData("1e-3", false, "")]
    [InlineData("1e-40", false, "")]
    [InlineData("1e40", false, "")]
    [InlineData("_1", false, "")]
    [InlineData("1__0", false, "")]
    [InlineData("0x10", false, "")]
    [InlineData("", false, "")]
    public void WholeNumberParser(string text, bool ok, string expected)
    {
        Assert.Equal(ok, SharedOptions.TryParseWhole(text, out decimal value, out string? problem));
        if (ok) Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        else Assert.False(string.IsNullOrEmpty(problem));
    }

    /// <summary>Every command with its arguments filled, and each of its options.</summary>
    private static IEnumerable<(string[] Path, Option Option)> AllOptions()
    {
        var root = CliApp.BuildRoot(new CliHarness().Services());
        var stack = new Stack<(Command, string[])>();
        stack.Push((root, []));
        while (stack.Count > 0)
        {
            var (cmd, path) = stack.Pop();
            string[] args = [.. path, .. cmd.Arguments.Select(_ => "some-arg")];
            foreach (var o in cmd.Options.Where(o => o is not System.CommandLine.Help.HelpOption && o is not VersionOption)) yield return (args, o);
            foreach (var sub in cmd.Subcommands) stack.Push((sub, [.. path, sub.Name]));
        }
    }

    private static Type ValueType(Option o) => Nullable.GetUnderlyingType(o.ValueType) ?? o.ValueType;

    // The guard for options added later: an integer option without the shared parser, or a number without a
    // finiteness check, fails here.
    [Fact]
    public void EveryNumericOptionOfEveryCommandIsRangeChecked()
    {
        var numeric = AllOptions().Where(x => ValueType(x.Option) is var t && (t == typeof(int) || t == typeof(long) || t == typeof(ulong) || t == typeof(double))).ToArray();
        Assert.True(numeric.Length >= 20, $"only {numeric.Length} numeric options found");
        foreach (var (path, option) in numeric)
        {
            bool integer = ValueType(option) != typeof(double);
            var cli = new CliHarness();
            int code = cli.Run([.. path, option.Name, integer ? "1.5" : "nan"]);
            AssertBadInput(cli, code, option.Name, integer ? "whole number" : "finite number");
            if (integer) Assert.Contains("[range: ", option.Description);
        }
    }

    [Fact]
    public void EvalJsonPrintsTheDocumentAloneAndTheEpisodeLinesOnStderr()
    {
        using var tmp = new TempDir();
        var run = RunDirectory.Create(tmp.Path, FakeEnv.Id, 1, DateTime.Now);
        FakeCheckpoint.Write(run.CheckpointPath(100));
        FakeCheckpoint.Write(run.CheckpointPath(200));
        void Episodes(EvalRequest r)
        {
            for (int i = 0; i < 3; i++)
            {
                r.Log.WriteLine($"episode {i}: return 10.00, length 100");
                r.Progress?.Update(i + 1, 10);
            }
        }

        var json = new CliHarness();
        json.Hosts.OnEval = Episodes;
        Assert.True(json.Run("eval", run.Root, "--json", "--episodes", "3") == 0, json.Err.ToString());
        using (var doc = JsonDocument.Parse(json.Out.ToString()))
            Assert.Equal(3, doc.RootElement.GetProperty("episodes").GetInt32());
        Assert.Contains("episode 2: return 10.00", json.Err.ToString());
        Assert.Contains("progress: 3/3 episodes", json.Err.ToString());

        var all = new CliHarness();
        all.Hosts.OnEval = Episodes;
        Assert.True(all.Run("eval", run.Root, "--json", "--all-checkpoints", "--episodes", "3") == 0, all.Err.ToString());
        using (var doc = JsonDocument.Parse(all.Out.ToString()))
        {
            var rows = doc.RootElement.GetProperty("checkpoints").EnumerateArray().ToArray();
            Assert.Equal([100L, 200L], rows.Select(r => r.GetProperty("step").GetInt64()).ToArray());
            Assert.Equal(run.CheckpointPath(200), rows[1].GetProperty("checkpoint").GetString());
            Assert.True(File.Exists(doc.RootElement.GetProperty("eval_over_steps_csv").GetString()));
        }
        string err = all.Err.ToString();
        Assert.Contains("wrote ", err);
        Assert.Contains("progress: checkpoint 2/2 (step 200): 6/6 episodes", err);

        // Without --json the episode lines and the summary stay on stdout; progress is on stderr.
        var text = new CliHarness();
        text.Hosts.OnEval = Episodes;
        Assert.True(text.Run("eval", run.Root, "--episodes", "3") == 0, text.Err.ToString());
        Assert.Contains("episode 0: return 10.00", text.Out.ToString());
        Assert.Contains("3 episodes, return 20.00", text.Out.ToString());
        Assert.DoesNotContain("progress:", text.Out.ToString());
        Assert.Contains("progress: 3/3 episodes", text.Err.ToString());
    }

    [Fact]
    public void EveryJsonOptionIsOneDocumentOnStdout()
    {
        var withJson = AllOptions().Where(x => x.Option.Name == "--json").Select(x => string.Join(' ', x.Path.TakeWhile(p => p != "some-arg"))).Order().ToArray();
        Assert.Equal(["config keys", "envs describe", "eval", "score"], withJson);   // eval above, score in ScoreCommandTests

        foreach (var args in new[] { new[] { "envs", "describe", FakeEnv.Id, "--json" }, ["config", "keys", "--json"] })
        {
            var cli = new CliHarness();
            Assert.True(cli.Run(args) == 0, cli.Err.ToString());
            using var doc = JsonDocument.Parse(cli.Out.ToString());
            Assert.Equal("", cli.Err.ToString());
        }
    }

    [Fact]
    public void BenchesReportProgressOnStderrAndOnlyTheTableOnStdout()
    {
        var env = new CliHarness();
        env.Hosts.OnBenchEnv = r =>
        {
            r.Progress!.Phase("IEnv.Step", r.Steps);
            r.Progress.Update(r.Steps);
        };
        Assert.True(env.Run("bench", "env", FakeEnv.Id, "--steps", "5000") == 0, env.Err.ToString());
        Assert.Contains("progress: IEnv.Step: 5,000/5,000 steps 100.0%", env.Err.ToString());
        Assert.StartsWith("case ", env.Out.ToString());
        Assert.DoesNotContain("progress", env.Out.ToString());

        var ppo = new CliHarness();
        ppo.Hosts.OnBenchPpo = r => r.Progress!.Update(r.Config.BatchSize * (r.Updates + 1L));
        Assert.True(ppo.Run("bench", "ppo", FakeEnv.Id, "--updates", "2", "--set", "num_steps=256", "--set", "num_minibatches=4") == 0, ppo.Err.ToString());
        Assert.Contains("progress: 768/768", ppo.Err.ToString());
    }

    [Fact]
    public void TheRealBenchmarkHostReportsEachCase()
    {
        var cli = new CliHarness();
        var services = cli.Services(real: true);
        Assert.True(CliApp.Run(["bench", "env", FakeEnv.Id, "--steps", "3000", "--threads", "1,2", "--num-envs", "2"], services) == 0, cli.Err.ToString());
        string err = cli.Err.ToString();
        foreach (var phase in new[] { "IEnv.Step warm-up (FakePoint-v0): 300/300 steps", "IEnv.Step (FakePoint-v0): 3,000/3,000 steps", "SyncVectorEnv, 2 envs, 1 thread(s), warm-up: 300/300", "SyncVectorEnv, 2 envs, 1 thread(s): 3,000/3,000", "ThreadedVectorEnv, 2 envs, 2 thread(s): 3,000/3,000" })
            Assert.Contains("progress: " + phase, err);
        Assert.Contains("IEnv.Step, one env (FakePoint-v0)", cli.Out.ToString());
    }

    [Fact]
    public void AnInterruptedBenchPrintsNoResultAndExitsWith130()
    {
        var ppo = new CliHarness();
        // The trainer stops after the current update and returns what it timed so far: that is not a result.
        ppo.Hosts.OnBenchPpo = _ => ppo.Interrupt.Cancel();
        Assert.Equal(ExitCodes.Interrupted, ppo.Run("bench", "ppo", FakeEnv.Id, "--set", "num_steps=256"));
        Assert.Equal("", ppo.Out.ToString());
        Assert.Contains("interrupted: bench ppo stopped before the end; no result.", ppo.Err.ToString());

        var env = new CliHarness();
        env.Hosts.OnBenchEnv = _ =>
        {
            env.Interrupt.Cancel();
            throw new OperationCanceledException();
        };
        Assert.Equal(ExitCodes.Interrupted, env.Run("bench", "env", FakeEnv.Id));
        Assert.Equal("", env.Out.ToString());
        Assert.Contains("interrupted: bench env stopped before the end; no result.", env.Err.ToString());
    }

    [Fact]
    public void AnInterruptedEvalPrintsNoSummary()
    {
        using var tmp = new TempDir();
        var run = RunDirectory.Create(tmp.Path, FakeEnv.Id, 1, DateTime.Now);
        FakeCheckpoint.Write(run.CheckpointPath(100));
        var cli = new CliHarness();
        cli.Hosts.OnEval = _ => cli.Interrupt.Cancel();
        Assert.Equal(ExitCodes.Interrupted, cli.Run("eval", run.Root, "--json"));
        Assert.Equal("", cli.Out.ToString());
        Assert.Contains("interrupted: eval stopped after 3 of 10 episodes; no result.", cli.Err.ToString());
    }

    [Fact]
    public void TheRealHostsStopWhenInterrupted()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var envs = CliHarness.FakeRegistry();
        var host = new BenchmarkHost();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            host.BenchEnv(new EnvBenchRequest(FakeEnv.Id, 10_000, 2, [1], 1, envs), cancelled.Token));
        var cfg = new PpoConfig { EnvId = FakeEnv.Id, NumSteps = 64, NumMinibatches = 2, UpdateEpochs = 1, CheckpointEvery = 0 };
        Assert.ThrowsAny<OperationCanceledException>(() => host.BenchPpo(new PpoBenchRequest(cfg, 2, envs), cancelled.Token));
    }

    [Theory]
    [InlineData("HalfCheetah-v5")]
    [InlineData("Hopper-v5")]   // random actions topple it within tens of steps: many resets to replay
    public void TheNativeLoopReplaysTheEnvTrajectoryAndBothAreTimedInThreadCpu(string envId)
    {
        var rows = new BenchmarkHost().BenchEnv(new EnvBenchRequest(envId, 3000, 1, [1], 7, Registries.CreateEnvRegistry()), CancellationToken.None);
        Assert.StartsWith("native mj_step loop", rows[0].Case);
        Assert.Contains("same trajectory", rows[0].Case);
        Assert.StartsWith("IEnv.Step, one env", rows[1].Case);
        Assert.Contains("median over", rows[1].Note);
        Assert.All(rows.Take(2), r => Assert.Equal(3000, r.Steps));
        if (OperatingSystem.IsLinux())
        {
            Assert.All(rows.Take(3), r => Assert.True(r.CpuSeconds is > 0, r.Case));
            // The thread's CPU time cannot exceed the wall-clock time of the same loop (up to clock granularity).
            Assert.All(rows.Take(3), r => Assert.True(r.CpuSeconds <= r.Seconds + 0.01, r.Case));
        }
    }

    [Fact]
    public void BenchTableShowsCpuColumnsAndBothRatios()
    {
        string table = BenchCommand.FormatRows(
        [
            new BenchmarkRow("native", 1, 1000, 2.0, 1.0),
            new BenchmarkRow("env", 1, 1000, 4.0, 1.25) { Note = "paired: 0.80" },
            new BenchmarkRow("threaded", 2, 1000, 0.5),
        ]);
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("cpu s", lines[0]);
        Assert.Contains("steps/cpu s", lines[0]);
        Assert.Matches(@"^env\s+1\s+1,000\s+4\.00\s+250\s+1\.25\s+800$", lines[2]);
        Assert.EndsWith("-            -", lines[3]);
        Assert.Equal("ratios to the first row, wall-clock: 0.50 4.00", lines[4]);
        Assert.Equal("ratios to the first row, thread CPU time: 0.80 -", lines[5]);
        Assert.Equal("paired: 0.80", lines[6]);

        string noCpu = BenchCommand.FormatRows([new BenchmarkRow("ppo", 1, 1000, 2.0)]);
        Assert.DoesNotContain("cpu", noCpu);
    }

    [Fact]
    public void EveryConfigKeyOfEveryAlgorithmIsDocumented()
    {
        foreach (var algo in AlgorithmRegistry.Names)
        {
            var keys = ConfigKeys.For(algo);
            var docs = keys.Docs();
            Assert.Equal(keys.All, docs.Select(d => d.Key).ToArray());
            var missing = docs.Where(d => string.IsNullOrWhiteSpace(d.Description)).Select(d => d.Key).ToArray();
            Assert.True(missing.Length == 0,
                $"{algo}: config keys without a [ConfigDoc(\"...\")] on their property: {string.Join(", ", missing)}");
            Assert.All(docs, d => Assert.False(string.IsNullOrWhiteSpace(d.Type)));
        }
    }

    [Fact]
    public void ConfigKeysExplainsEveryKeyWithTypeDefaultAndUnits()
    {
        var cli = new CliHarness();
        Assert.Equal(0, cli.Run("config", "keys", "--algo", "ppo"));
        string text = cli.Out.ToString();
        foreach (var key in ConfigKeys.For("ppo").All) Assert.Contains($"\n  {key} = ", text);
        Assert.Contains("  total_timesteps = 1000000   (an integer, env steps)\n", text);
        Assert.Contains("  hidden_sizes = [64, 64]   (a list of integers, units per layer)\n", text);
        Assert.Contains("  target_kl = null   (a number or null)\n", text);
        Assert.Contains("  checkpoint_every = 50   (an integer, updates)\n", text);

        var json = new CliHarness();
        Assert.Equal(0, json.Run("config", "keys", "--json"));
        using var doc = JsonDocument.Parse(json.Out.ToString());
        var num = doc.RootElement.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("key").GetString() == "num_steps");
        Assert.Equal(2048, num.GetProperty("default").GetInt32());
        Assert.Equal("env steps per sub-env", num.GetProperty("units").GetString());
        Assert.False(num.GetProperty("shared").GetBoolean());

        // train --help and unknown keys point there.
        var help = new CliHarness();
        Assert.Equal(0, help.Run("train", "--help"));
        Assert.Contains("controlrl config keys", help.Out.ToString());
        var unknown = new CliHarness();
        Assert.Equal(2, unknown.Run("train", "--set", "gama=0.9"));
        Assert.Contains("'controlrl config keys --algo ppo' explains every key", unknown.Err.ToString());
    }

    [Fact]
    public void TaskProgressCountsItsUnitInPhasesAndPrintsPlainLinesOnATimer()
    {
        var now = TimeSpan.Zero;
        var w = new StringWriter();
        var p = new ConsoleProgress(10, w, ProgressMode.Plain, clock: () => now, unit: "episodes", plainInterval: TimeSpan.FromSeconds(5));
        for (int i = 1; i <= 10; i++)
        {
            now = TimeSpan.FromSeconds(i);
            p.Update(i, 100 + i);
        }
        p.Finish();
        var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["progress: 5/10 episodes  50.0% | 1.0 episodes/s | return 105.0 | ETA 00:00:05",
                      "progress: 10/10 episodes 100.0% | 1.0 episodes/s | return 110.0 | ETA --:--:--"], lines);

        var w2 = new StringWriter();
        var q = new ConsoleProgress(0, w2, ProgressMode.Plain, clock: () => now, unit: "steps", plainInterval: TimeSpan.FromSeconds(5));
        q.Phase("warm-up", 100);
        q.Update(100);
        q.Phase("timed", 1000);
        q.Offset = 200;
        q.Update(300);   // 500 of 1000
        q.Finish();
        q.Finish();      // harmless
        Assert.Equal(["progress: warm-up: 100/100 steps 100.0% | 0.0 steps/s | ETA --:--:--",
                      "progress: timed: 500/1,000 steps  50.0% | 0.0 steps/s | ETA --:--:--"],
            w2.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void LogLinesThroughTheProgressClearTheBarAndGoToTheirOwnStream()
    {
        var now = TimeSpan.Zero;
        var err = new StringWriter();
        var @out = new StringWriter();
        var p = new ConsoleProgress(10, err, ProgressMode.Bar, clock: () => now, unit: "episodes");
        p.Update(1);
        using (var log = new ProgressLogWriter(p, @out))
        {
            log.WriteLine("episode 0: return 1.00");
            log.Write("episode 1: ");
            log.Write("return 2.00\n");
        }
        Assert.Equal("episode 0: return 1.00\nepisode 1: return 2.00\n", @out.ToString());
        Assert.EndsWith("\r", err.ToString().TrimEnd(' '));   // the bar was wiped before the lines
    }
}

/// <summary>docs/cli.md has a section for every command that runs, naming each of its options.</summary>
public class CliDocsTests
{
    [Fact]
    public void EveryCommandAndOptionIsInDocsCliMd()
    {
        string doc = File.ReadAllText(Path.Combine(Repo.Root, "docs", "cli.md"));
        var root = CliApp.BuildRoot(new CliHarness().Services());
        var missing = new List<string>();
        var stack = new Stack<(Command, string)>();
        foreach (var c in root.Subcommands) stack.Push((c, c.Name));
        while (stack.Count > 0)
        {
            var (cmd, path) = stack.Pop();
            foreach (var sub in cmd.Subcommands) stack.Push((sub, $"{path} {sub.Name}"));
            if (cmd.Action is null) continue;
            int start = doc.IndexOf($"\n## {path}\n", StringComparison.Ordinal);
            if (start < 0)
            {
                missing.Add($"section '## {path}'");
                continue;
            }
            int end = doc.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
            string section = end < 0 ? doc[start..] : doc[start..end];
            foreach (var o in cmd.Options.Where(o => o is not System.CommandLine.Help.HelpOption))
            {
                if (!section.Contains($"`{o.Name}`", StringComparison.Ordinal)) missing.Add($"{path} {o.Name}");
                foreach (var alias in o.Aliases)
                    if (!section.Contains($"`{alias}`", StringComparison.Ordinal)) missing.Add($"{path} {alias}");
            }
            foreach (var a in cmd.Arguments)
                if (!section.Contains($"`<{a.Name}>`", StringComparison.Ordinal)) missing.Add($"{path} <{a.Name}>");
        }
        Assert.True(missing.Count == 0, "docs/cli.md lacks: " + string.Join(", ", missing));
    }
}
