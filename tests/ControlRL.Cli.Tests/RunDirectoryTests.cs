using ControlRL.Cli.Runs;

namespace ControlRL.Cli.Tests;

public class RunDirectoryTests
{
    private static readonly DateTime Time = new(2026, 3, 4, 5, 6, 7);

    [Fact]
    public void NameIsEnvAlgoSeedTime()
    {
        Assert.Equal("HalfCheetah-v5__ppo__7__20260304-050607", RunDirectory.FormatName("HalfCheetah-v5", "ppo", 7, Time));
        Assert.Equal("dm_cheetah-run__ppo__1__20260304-050607", RunDirectory.FormatName("dm/cheetah-run", "ppo", 1, Time));
    }

    [Fact]
    public void CreateMakesTheLayoutAndAvoidsClashes()
    {
        using var tmp = new TempDir();
        var a = RunDirectory.Create(tmp.Path, "Hopper-v5", 3, Time);
        var b = RunDirectory.Create(tmp.Path, "Hopper-v5", 3, Time);
        Assert.Equal(Path.Combine(tmp.Path, "Hopper-v5__ppo__3__20260304-050607"), a.Root);
        Assert.Equal(a.Root + "-2", b.Root);
        foreach (var d in new[] { a.TensorBoardDir, a.CheckpointsDir, a.PlotsDir, a.VideosDir }) Assert.True(Directory.Exists(d), d);
        Assert.Equal(Path.Combine(a.Root, "config.yaml"), a.ConfigPath);
        Assert.Equal(Path.Combine(a.Root, "progress.csv"), a.ProgressCsvPath);
        Assert.Equal(Path.Combine(a.CheckpointsDir, "step_0000123456"), a.CheckpointPath(123456));
    }

    [Fact]
    public void LatestCheckpointIsTheHighestCompleteStep()
    {
        using var tmp = new TempDir();
        var run = RunDirectory.Create(tmp.Path, "Hopper-v5", 1, Time);
        Assert.Null(CheckpointCatalog.NewestValid(run.Root, null, "test"));
        FakeCheckpoint.Write(run.CheckpointPath(20480));
        FakeCheckpoint.Write(run.CheckpointPath(4096));
        Directory.CreateDirectory(run.CheckpointPath(30000)); // cut short: no files
        Directory.CreateDirectory(Path.Combine(run.CheckpointsDir, "step_0000999999.tmp"));
        Directory.CreateDirectory(Path.Combine(run.CheckpointsDir, ".step_0001000000.tmp-123"));
        FakeCheckpoint.Write(run.BestCheckpointDir); // never a resume candidate
        var log = new StringWriter();
        Assert.Equal(run.CheckpointPath(20480), CheckpointCatalog.NewestValid(run.Root, log, "test")!.Dir);
        Assert.Contains("skipping damaged checkpoint step_0000030000", log.ToString());
    }

    [Fact]
    public void ResumeAcceptsRunDirsCheckpointDirsAndFilesInThem()
    {
        using var tmp = new TempDir();
        var run = RunDirectory.Create(tmp.Path, "Hopper-v5", 1, Time);
        var ex = Assert.Throws<CliUsageException>(() => RunDirectory.ResolveResume(run.Root));
        Assert.Contains("no checkpoint", ex.Message);

        string c1 = FakeCheckpoint.Write(run.CheckpointPath(2048)), c2 = FakeCheckpoint.Write(run.CheckpointPath(4096));

        Assert.Equal(new ResumeTarget(c2, run.Root), RunDirectory.ResolveResume(run.Root));
        Assert.Equal(new ResumeTarget(c1, run.Root), RunDirectory.ResolveResume(c1));
        Assert.Equal(new ResumeTarget(c1, run.Root), RunDirectory.ResolveResume(Path.Combine(c1, "meta.json")));

        string standalone = FakeCheckpoint.Write(Path.Combine(tmp.Path, "exported"));
        Assert.Equal(new ResumeTarget(standalone, null), RunDirectory.ResolveResume(standalone));
        Assert.Contains("does not exist", Assert.Throws<CliUsageException>(() => RunDirectory.ResolveResume(tmp.File("missing"))).Message);
    }
}
