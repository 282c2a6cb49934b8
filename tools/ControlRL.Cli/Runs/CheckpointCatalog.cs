using ControlRL.Learning.Checkpoints;

namespace ControlRL.Cli.Runs;

/// <summary>A checkpoint that passed verification (meta.json, checksums, config), with its step.</summary>
public sealed record VerifiedCheckpoint(string Dir, long Step, CheckpointMeta Meta);

/// <summary>
/// Finds usable checkpoints: every candidate is verified (<see cref="PpoCheckpoint.ReadMeta"/>: meta.json parses,
/// every file matches its checksum, the config validates) and a damaged newest one falls back to the newest valid
/// one, saying which it skipped and why. A checkpoint named explicitly is verified but never replaced by another.
/// </summary>
public static class CheckpointCatalog
{
    /// <summary>The newest valid step checkpoint of a run (never the best-by-eval copy), or null when none is valid.</summary>
    public static VerifiedCheckpoint? NewestValid(string runDir, TextWriter? log, string what)
    {
        foreach (var (step, dir) in RunDirectory.Checkpoints(runDir).Reverse())
        {
            var v = TryVerify(dir, step, out string? why);
            if (v is not null) return v;
            log?.WriteLine($"{what}: skipping damaged checkpoint {Path.GetFileName(dir)}: {why}");
        }
        return null;
    }

    /// <summary>Verifies one checkpoint folder; null with the reason when it is damaged.</summary>
    public static VerifiedCheckpoint? TryVerify(string dir, long step, out string? why)
    {
        try
        {
            var meta = PpoCheckpoint.ReadMeta(dir);
            why = null;
            return new VerifiedCheckpoint(dir, step >= 0 ? step : meta.GlobalStep, meta);
        }
        catch (InvalidDataException e)
        {
            why = e.Message;
            return null;
        }
        catch (IOException e)
        {
            why = e.Message;
            return null;
        }
    }

    /// <summary>
    /// Interprets a path given to --resume or eval: a run folder (its newest valid checkpoint), or a checkpoint
    /// folder (or a file in one). A checkpoint inside some run's checkpoints/ belongs to that run; a stand-alone
    /// one has no run (resume then starts a new run folder). Throws <see cref="CliUsageException"/> when nothing
    /// usable is there.
    /// </summary>
    public static (VerifiedCheckpoint Checkpoint, string? RunDir) Resolve(string path, TextWriter? log, string what)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) full = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(full)) throw new CliUsageException($"{what}: '{path}' does not exist.");
        if (RunDirectory.LooksLikeRun(full) && !File.Exists(Path.Combine(full, PpoCheckpoint.MetaFile)))
        {
            int count = RunDirectory.Checkpoints(full).Count;
            var newest = NewestValid(full, log, what) ?? throw new CliUsageException(count == 0
                ? $"{what}: run directory '{path}' has no checkpoint yet."
                : $"{what}: none of the {count} checkpoints of '{path}' is valid (see the notes above).");
            if (newest.Dir != RunDirectory.Checkpoints(full)[^1].Dir)
                log?.WriteLine($"{what}: using {Path.GetFileName(newest.Dir)}, the newest valid checkpoint.");
            return (newest, full);
        }
        var parent = Directory.GetParent(full);
        string? run = parent is { Name: "checkpoints" } && parent.Parent is not null ? parent.Parent.FullName : null;
        var v = TryVerify(full, RunDirectory.StepOf(full), out string? why);
        if (v is null)
        {
            string hint = run is not null && NewestValid(run, null, what) is { } ok
                ? $" The newest valid checkpoint of its run is {ok.Dir}."
                : "";
            throw new CliUsageException($"{what}: {why}{hint}");
        }
        return (v, run);
    }
}
