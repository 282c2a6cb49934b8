using System.Globalization;

namespace ControlRL.Cli.Runs;

/// <summary>
/// One training run on disk: <c>runs/{env}__{algo}__{seed}__{yyyyMMdd-HHmmss}/</c> holding config.yaml,
/// tb/ (TensorBoard events), progress.csv, checkpoints/, plots/ and videos/.
/// Checkpoints are folders under checkpoints/ named <c>step_{global step:D10}</c>; the trainer writes each one
/// under a temporary name (a leading '.' or ".tmp" in it) and renames it, so partial ones are never picked up.
/// </summary>
public sealed class RunDirectory
{
    public const string ConfigFileName = "config.yaml";
    public const string ProgressFileName = "progress.csv";

    private RunDirectory(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }
    public string ConfigPath => Path.Combine(Root, ConfigFileName);
    public string ProgressCsvPath => Path.Combine(Root, ProgressFileName);
    public string TensorBoardDir => Path.Combine(Root, "tb");
    public string CheckpointsDir => Path.Combine(Root, "checkpoints");
    public string PlotsDir => Path.Combine(Root, "plots");
    public string VideosDir => Path.Combine(Root, "videos");
    public string LearningCurvePath => Path.Combine(PlotsDir, "learning_curve.png");

    /// <summary>Where the checkpoint of <paramref name="globalStep"/> goes (zero-padded so names sort by step).</summary>
    public string CheckpointPath(long globalStep) =>
        Path.Combine(CheckpointsDir, "step_" + globalStep.ToString("D10", CultureInfo.InvariantCulture));

    /// <summary><c>{env}__{algo}__{seed}__{yyyyMMdd-HHmmss}</c>, with characters unsafe in file names replaced.</summary>
    public static string FormatName(string envId, string algo, ulong seed, DateTime time) =>
        $"{Sanitize(envId)}__{Sanitize(algo)}__{seed.ToString(CultureInfo.InvariantCulture)}__{time.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";

    /// <summary>Creates a new run folder under <paramref name="parent"/>; a clash (same second) gets a -2, -3 suffix.</summary>
    public static RunDirectory Create(string parent, string envId, ulong seed, DateTime time, string algo = "ppo")
    {
        string name = FormatName(envId, algo, seed, time);
        string root = Path.Combine(parent, name);
        for (int i = 2; Directory.Exists(root); i++) root = Path.Combine(parent, $"{name}-{i}");
        var run = new RunDirectory(root);
        run.EnsureLayout();
        return run;
    }

    /// <summary>Opens an existing run folder (for resume, eval, plot) and adds any missing subfolder.</summary>
    public static RunDirectory Open(string root)
    {
        if (!Directory.Exists(root)) throw new CliUsageException($"run directory '{root}' does not exist.");
        var run = new RunDirectory(root);
        run.EnsureLayout();
        return run;
    }

    /// <summary>A run folder is recognised by its checkpoints/ folder or its config.yaml.</summary>
    public static bool LooksLikeRun(string dir) =>
        Directory.Exists(Path.Combine(dir, "checkpoints")) || File.Exists(Path.Combine(dir, ConfigFileName));

    public void EnsureLayout()
    {
        foreach (var d in new[] { Root, TensorBoardDir, CheckpointsDir, PlotsDir, VideosDir }) Directory.CreateDirectory(d);
    }

    /// <summary>
    /// The newest complete checkpoint folder of a run (highest step number in its name; ties and unnumbered
    /// names by modification time), or null when there is none.
    /// </summary>
    public static string? FindLatestCheckpoint(string runDir)
    {
        string dir = Path.Combine(runDir, "checkpoints");
        if (!Directory.Exists(dir)) return null;
        return new DirectoryInfo(dir).EnumerateDirectories()
            .Where(d => !d.Name.StartsWith('.') && !d.Name.Contains(".tmp", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(d => StepOf(d.Name))
            .ThenByDescending(d => d.LastWriteTimeUtc)
            .Select(d => d.FullName)
            .FirstOrDefault();
    }

    /// <summary>Every complete checkpoint folder of a run with its step number, in step order.</summary>
    public static IReadOnlyList<(long Step, string Dir)> Checkpoints(string runDir)
    {
        string dir = Path.Combine(runDir, "checkpoints");
        if (!Directory.Exists(dir)) return [];
        return new DirectoryInfo(dir).EnumerateDirectories()
            .Where(d => !d.Name.StartsWith('.') && !d.Name.Contains(".tmp", StringComparison.OrdinalIgnoreCase) && StepOf(d.Name) >= 0)
            .Select(d => (StepOf(d.Name), d.FullName))
            .OrderBy(x => x.Item1)
            .ToArray();
    }

    /// <summary>
    /// Interprets --resume: a run folder (its latest checkpoint; training continues in that folder), or a
    /// checkpoint folder (or a file in one). A checkpoint inside some run's checkpoints/ continues that run;
    /// a stand-alone checkpoint starts a new run folder.
    /// </summary>
    public static ResumeTarget ResolveResume(string path, string what = "--resume")
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) full = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(full)) throw new CliUsageException($"{what}: '{path}' does not exist.");
        if (LooksLikeRun(full))
        {
            string ckpt = FindLatestCheckpoint(full)
                ?? throw new CliUsageException($"{what}: run directory '{path}' has no checkpoint yet.");
            return new ResumeTarget(ckpt, full);
        }
        var parent = Directory.GetParent(full);
        string? run = parent is { Name: "checkpoints" } && parent.Parent is not null ? parent.Parent.FullName : null;
        return new ResumeTarget(full, run);
    }

    /// <summary>The step number in a checkpoint folder's name (step_0000065536 → 65536); -1 when it has none.</summary>
    public static long StepOf(string checkpointDirOrName)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(checkpointDirOrName));
        int end = name.Length;
        while (end > 0 && !char.IsAsciiDigit(name[end - 1])) end--;
        int start = end;
        while (start > 0 && char.IsAsciiDigit(name[start - 1])) start--;
        return start < end && long.TryParse(name.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out long s) ? s : -1;
    }

    private static string Sanitize(string s)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return string.Concat(s.Select(c => invalid.Contains(c) || c == '/' || c == '\\' || char.IsWhiteSpace(c) ? '_' : c));
    }

    public override string ToString() => Root;
}

/// <summary>What --resume points at: the checkpoint to load and the run folder to continue (null: start a new one).</summary>
public sealed record ResumeTarget(string CheckpointDir, string? RunDir);
