using System.Diagnostics;
using System.Security.Cryptography;
using ControlRL.Cli.Hosting;
using ControlRL.Cli.Logging;
using ControlRL.Cli.Plotting;
using ControlRL.Cli.Runs;
using ControlRL.Cli.Training;
using ControlRL.Learning.Ppo;

namespace ControlRL.Cli.Tests;

/// <summary>
/// Resume, checkpoints, locks and evaluation during training with the real PPO host on the fake point env: the
/// fault and bad-input cases a user met, each a regression test.
/// </summary>
public class RunSafetyTests
{
    // Small and fast: 64-step rollouts, 200-step episodes, one evaluation episode.
    private static readonly string[] Small = ["--set", "num_steps=64", "--set", "num_minibatches=2", "--set", "eval_episodes=1", "--set", "eval_every=256"];

    private static (int Code, string Out, string Err) Run(params string[] args) =>
        RealCli.Run(CliHarness.FakeRegistry, args);

    private static string Train(TempDir tmp, long steps, params string[] extra)
    {
        var r = Run(["train", "--env", FakeEnv.Id, "-t", steps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--run-dir", tmp.Path, .. Small, .. extra]);
        Assert.True(r.Code == 0, $"train exited {r.Code}: {r.Out} {r.Err}");
        return Directory.GetDirectories(tmp.Path).Single();
    }

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static long[] Steps(string run) => RunDirectory.Checkpoints(run).Select(c => c.Step).ToArray();

    [Fact]
    public void AFailedResumeChangesNothingOnDisk()
    {
        using var tmp = new TempDir();
        string run = Train(tmp, 512);
        var before = Snapshot(run);
        var r = Run("train", "--resume", run, "--env", "FakeDiscrete-v0");
        Assert.Equal(ExitCodes.BadInput, r.Code);
        Assert.Contains("was trained on FakePoint-v0; it cannot continue on FakeDiscrete-v0", r.Err);
        Assert.Equal(before, Snapshot(run));
        Assert.Equal(0, Run("train", "--resume", run, "-t", "768").Code); // a plain resume still works
    }

    [Fact]
    public void ResumeWithMoreEnvsEndsOnBudget()
    {
        using var tmp = new TempDir();
        string run = Train(tmp, 512);
        var r = Run("train", "--resume", run, "--num-envs", "2", "-t", "1000");
        Assert.True(r.Code == 0, r.Err);
        // 512 + one update of 2 x 64 = 640 ... the last whole update that fits ends at 896 <= 1000.
        Assert.Equal(896, Steps(run).Max());
        Assert.Contains("steps: 896 of 1,000", r.Out);
        Assert.Contains("changed on resume: num_envs: 1 -> 2", r.Out);
    }

    [Fact]
    public void ResumeThatCannotFitOneUpdateIsRefused()
    {
        using var tmp = new TempDir();
        string run = Train(tmp, 512);
        var before = Snapshot(run);
        var r = Run("train", "--resume", run, "--num-envs", "8", "-t", "600");
        Assert.Equal(ExitCodes.BadInput, r.Code);
        Assert.Contains("one update takes num_envs x num_steps = 8 x 64 = 512; set --total-timesteps to at least 1,024", r.Err);
        Assert.Equal(before, Snapshot(run));
    }

    [Fact]
    public void ResumingAFinishedRunSaysSoAndWritesNothing()
    {
        using var tmp = new TempDir();
        string run = Train(tmp, 512);
        var before = Snapshot(run);
        var r = Run("train", "--resume", run);
        Assert.Equal(0, r.Code);
        Assert.Contains("run already finished: 512 of total_timesteps 512", r.Out);
        Assert.Equal(before, Snapshot(run));
    }

    [Fact]
    public void AStandAloneCheckpointResumesIntoANewRunWithItsOwnConfig()
    {
        using var tmp = new TempDir();
        string run = Train(tmp, 512, "--set", "learning_rate=0.001");
        string standalone = Path.Combine(tmp.Path, "..", Path.GetFileName(tmp.Path) + "-export");
        try
        {
            CopyTree(RunDirectory.Checkpoints(run)[^1].Dir, standalone);
            using var runs = new TempDir();
            var r = Run("train", "--resume", standalone, "-t", "768", "--run-dir", runs.Path);
            Assert.True(r.Code == 0, r.Err);
            string created = Directory.GetDirectories(runs.Path).Single();
            Assert.StartsWith(FakeEnv.Id + "__ppo__", Path.GetFileName(created));
            Assert.Contains("learning_rate: 0.001", File.ReadAllText(Path.Combine(created, "config.yaml")));
            Assert.Equal([768], Steps(created));
        }
        finally
        {
            Directory.Delete(standalone, true);
        }
    }

    [Fact]
    public void ADamagedNewestCheckpointFallsBackToTheNewestValidOne()
    {
        using var tmp = new TempDir();
        string run = Train(tmp, 512, "--set", "checkpoint_every=4");
        var all = RunDirectory.Checkpoints(run);
        Assert.Equal([256, 512], all.Select(c => c.Step));
        string policy = Path.Combine(all[^1].Dir, "policy.dat");
        var bytes = File.ReadAllBytes(policy);
        bytes[bytes.Length / 2] ^= 0x40; // one flipped bit
        File.WriteAllBytes(policy, bytes);

        var eval = Run("eval", run, "--episodes", "1");
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains("skipping damaged checkpoint step_0000000512", eval.Err);
        Assert.Contains("using step_0000000256, the newest valid checkpoint", eval.Err);
        var overSteps = Run("eval", run, "--all-checkpoints", "--episodes", "1");
        Assert.True(overSteps.Code == 0, overSteps.Err);
        Assert.Contains("skipping damaged checkpoint step_0000000512", overSteps.Err);
        Assert.Contains("step 256:", overSteps.Out);

        var resumed = Run("train", "--resume", run, "-t", "768");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("resume from: " + all[0].Dir, resumed.Out);
        Assert.Contains("step_0000000512 came after the resumed checkpoint; moved aside", resumed.Err);
        Assert.Equal([256, 512, 768], Steps(run)); // 512 rewritten by the resumed timeline
        Assert.Null(CheckpointCatalog.TryVerify(Directory.GetDirectories(Path.Combine(run, "checkpoints"), ".superseded-*").Single(), 512, out _));
    }

    [Fact]
    public void ProgressRowsAfterTheResumedCheckpointAreDropped()
    {
        using var tmp = new TempDir();
        string run = Train(tmp, 512);
        string csv = Path.Combine(run, "progress.csv");
        // A run killed after its checkpoint logged more, ending in a partial line.
        File.AppendAllText(csv, "640,1.0,5\n700,1.0,6\n71");
        var r = Run("train", "--resume", run, "-t", "768");
        Assert.True(r.Code == 0, r.Err);
        var steps = File.ReadLines(csv).Skip(1).Select(l => long.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(steps.Zip(steps.Skip(1)).All(p => p.First <= p.Second), "steps go back in progress.csv");
        Assert.DoesNotContain(700, steps);
        // TensorBoard is told that the resumed run logs again from the checkpoint's next step.
        var events = Directory.GetFiles(Path.Combine(run, "tb")).SelectMany(TensorBoardSink.ReadEvents).ToArray();
        Assert.Contains(events, e => e.SessionStart && e.Step == 513);
    }

    [Fact]
    public void CheckpointWritesCutShortAreCleanedUpWhenTheRunResumes()
    {
        using var tmp = new TempDir();
        string run = Train(tmp, 512);
        string ckpts = Path.Combine(run, "checkpoints");
        // Killed mid-write: a temp folder of a new step, and best moved aside just before its replacement moved in.
        FakeCheckpoint.Write(Path.Combine(ckpts, ".step_0000000576.tmp-0123"));
        Directory.Move(Path.Combine(ckpts, "best"), Path.Combine(ckpts, ".best.old-4567"));
        var r = Run("train", "--resume", run, "-t", "576");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("cleaned up 2 checkpoint write(s) cut short", r.Err);
        Assert.Empty(Directory.GetDirectories(ckpts, ".*"));
        Assert.NotNull(CheckpointCatalog.TryVerify(Path.Combine(ckpts, "best"), -1, out _));
    }

    [Fact]
    public void PlotDropsRowsThatAResumedRunReplaced()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("progress.csv"), "global_step,wall_time,charts/episodic_return\n100,0,1\n200,0,2\n300,0,3\n200,0,20\n300,0,30\n400,0,40\n");
        var csv = ProgressCsv.Read(tmp.File("progress.csv"));
        var (steps, values) = csv.Series("charts/episodic_return");
        Assert.Equal([100.0, 200, 300, 400], steps);
        Assert.Equal([1.0, 20, 30, 40], values);
    }

    [Fact]
    public void ASecondWriterIsRefusedAndAStaleLockIsTakenOver()
    {
        using var tmp = new TempDir();
        string run = Train(tmp, 512);
        using (RunLock.Acquire(run))
        {
            var r = Run("train", "--resume", run, "-t", "768");
            Assert.Equal(ExitCodes.BadInput, r.Code);
            Assert.Contains($"is in use by another controlrl (pid {Environment.ProcessId}", r.Err);
        }
        File.WriteAllText(Path.Combine(run, RunLock.FileName), "pid=999999\nhost=gone\nstarted=2026-01-01T00:00:00Z\n");
        var resumed = Run("train", "--resume", run, "-t", "768");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("named a holder that is gone (pid 999999 on gone", resumed.Err);
        Assert.Equal("", File.ReadAllText(Path.Combine(run, RunLock.FileName)));
    }

    [Theory]
    [InlineData("--device", "cuda", "no CUDA device")]
    [InlineData("--curriculum", "alp-gmm", "no task parameters")]
    [InlineData("--set", "num_envs=65536", "more than 268,435,456")]
    public void ErrorsFoundBeforeTrainingLeaveNoRunFolder(string option, string value, string message)
    {
        using var tmp = new TempDir();
        string[] extra = option == "--set" ? ["--set", "num_steps=65536"] : [];
        var r = Run(["train", "--env", FakeEnv.Id, "--run-dir", tmp.Path, option, value, .. extra]);
        Assert.Equal(ExitCodes.BadInput, r.Code);
        Assert.Contains(message, r.Err);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp.Path));
    }

    [Fact]
    public void EvaluationKeepsTheBestCheckpointAndCanStopEarly()
    {
        using var tmp = new TempDir();
        // The fake env pays 0 per step, so the first evaluation reaches a target of -1.
        string run = Train(tmp, 4096, "--set", "eval_stop_reward=-1");
        var r = File.ReadAllText(Path.Combine(run, "progress.csv"));
        Assert.Contains("eval/mean_return", r);
        Assert.Equal([256], Steps(run)); // stopped after the first evaluation, checkpointed there
        string best = Path.Combine(run, "checkpoints", "best");
        Assert.NotNull(CheckpointCatalog.TryVerify(best, -1, out _));
        Assert.Contains("\"step\": 256", File.ReadAllText(Path.Combine(best, CheckpointSchedule.EvalFileName)));
    }

    [Fact]
    public void OnlyTheNewestCheckpointsAreKept()
    {
        using var tmp = new TempDir();
        string run = Train(tmp, 1024, "--set", "checkpoint_every=1", "--set", "keep_checkpoints=2");
        Assert.Equal([960, 1024], Steps(run));
        Assert.True(Directory.Exists(Path.Combine(run, "checkpoints", "best")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(run, "checkpoints"), ".*"));
    }

    [Fact]
    public void ACheckpointIsWrittenOnTheClockToo()
    {
        using var tmp = new TempDir();
        // checkpoint_every=0: only the clock (a tiny interval: every update) and the end write checkpoints.
        string run = Train(tmp, 512, "--set", "checkpoint_every=0", "--set", "checkpoint_minutes=0.000001", "--set", "keep_checkpoints=0");
        Assert.Equal([64, 128, 192, 256, 320, 384, 448, 512], Steps(run));
    }

    [Fact]
    public void ALoggingFailureStopsWithACheckpointAndAClearError()
    {
        using var tmp = new TempDir();
        var cfg = new PpoConfig { EnvId = FakeEnv.Id, NumSteps = 64, NumMinibatches = 2, TotalTimesteps = 4096, EvalEvery = 0 };
        var run = RunDirectory.Plan(tmp.Path, FakeEnv.Id, 1, DateTime.Now);
        int updates = 0;
        var progress = new ConsoleProgress(cfg.TotalTimesteps, TextWriter.Null, ProgressMode.Plain);
        var request = new TrainRequest(cfg, run, null, CliHarness.FakeRegistry(), NullMetricsSink.Instance, progress, TextWriter.Null)
        {
            Begin = run.EnsureLayout,
            LoggingFailure = () => ++updates > 3 ? new IOException("No space left on device") : null,
        };
        var e = Assert.Throws<IOException>(() => new PpoTrainerHost().Train(request, CancellationToken.None));
        Assert.Contains("writing the run's logs failed", e.Message);
        Assert.Contains("No space left on device", e.Message);
        Assert.Contains("checkpoint written to", e.Message);
        long step = Assert.Single(Steps(run.Root));
        Assert.True(step is > 0 and < 4096);
    }

    [Fact]
    public async Task SigtermWritesACheckpointThenExits()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempDir();
        string cli = Path.Combine(AppContext.BaseDirectory, "controlrl.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { cli, "train", "--env", "InvertedPendulum-v5", "-t", "100000000", "--run-dir", tmp.Path, "--no-progress", "--set", "eval_every=0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        // Wait until it trains (a plain progress line on stderr), then ask it to stop as a scheduler would.
        var err = new System.Text.StringBuilder();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            string? line;
            while ((line = await child.StandardError.ReadLineAsync(timeout.Token)) is not null)
            {
                err.AppendLine(line);
                if (line.StartsWith("progress:", StringComparison.Ordinal)) break;
            }
            Assert.True(line is not null, $"train ended before it trained: {err}");
        }
        await Process.Start("kill", ["-TERM", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExitAsync();
        var rest = child.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            await child.WaitForExitAsync(timeout.Token);
        err.Append(await rest);
        string output = await stdout;
        Assert.True(child.ExitCode == ExitCodes.Terminated, $"exit {child.ExitCode}: {err}");
        Assert.Contains("SIGTERM: stopping cleanly", err.ToString());
        Assert.Contains("checkpoint written, resume with --resume", output);
        string run = Directory.GetDirectories(tmp.Path).Single();
        var newest = CheckpointCatalog.NewestValid(run, null, "test");
        Assert.NotNull(newest);
        Assert.True(newest!.Step > 0);
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}
