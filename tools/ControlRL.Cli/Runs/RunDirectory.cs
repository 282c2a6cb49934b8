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

    /// <summary>The best-by-evaluation checkpoint (a full checkpoint; its eval.json says when and how good).</summary>
    public string BestCheckpointDir => Path.Combine(CheckpointsDir, BestCheckpointName);
    public const string BestCheckpointName = "best";

    /// <summary>Whether the folder exists yet (a planned run is created only when training starts).</summary>
    public bool Exists => Directory.Exists(Root);

    /// <summary>Where the checkpoint of <paramref name="globalStep"/> goes (zero-padded so names sort by step).</summary>
    public string CheckpointPath(long globalStep) =>
        Path.Combine(CheckpointsDir, "step_" + globalStep.ToString("D10", CultureInfo.InvariantCulture));

    /// <summary><c>{env}__{algo}__{seed}__{yyyyMMdd-HHmmss}</c>, with characters unsafe in file names replaced.</summary>
    public static string FormatName(string envId, string algo, ulong seed, DateTime time) =>
        $"{Sanitize(envId)}__{Sanitize(algo)}__{seed.ToString(CultureInfo.InvariantCulture)}__{time.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";

    /// <summary>Creates a new run folder under <paramref name="parent"/>; a clash (same second) gets a -2, -3 suffix.</summary>
    public static RunDirectory Create(string parent, string envId, ulong seed, DateTime time, string algo = "ppo")
    {
        var run = Plan(parent, envId, seed, time, algo);
        run.EnsureLayout();
        return run;
    }

    /// <summary>
    /// Chooses a new run folder's name without creating anything, so a command can check all its input first and
    /// leave nothing behind when it refuses (<see cref="EnsureLayout"/> creates it).
    /// </summary>
    public static RunDirectory Plan(string parent, string envId, ulong seed, DateTime time, string algo = "ppo")
    {
        string name = FormatName(envId, algo, seed, time);
        string root = Path.Combine(parent, name);
        for (int i = 2; Directory.Exists(root); i++) root = Path.Combine(parent, $"{name}-{i}");
        return new RunDirectory(root);
    }

    /// <summary>Opens an existing run folder (for resume, eval, plot); <see cref="EnsureLayout"/> adds missing subfolders.</summary>
    public static RunDirectory Open(string root)
    {
        if (!Directory.Exists(root)) throw new CliUsageException($"run directory '{root}' does not exist.");
        return new RunDirectory(root);
    }

    /// <summary>A run folder is recognised by its checkpoints/ folder or its config.yaml.</summary>
    public static bool LooksLikeRun(string dir) =>
        Directory.Exists(Path.Combine(dir, "checkpoints")) || File.Exists(Path.Combine(dir, ConfigFileName));

    public void EnsureLayout()
    {
        foreach (var d in new[] { Root, TensorBoardDir, CheckpointsDir, PlotsDir, VideosDir }) Directory.CreateDirectory(d);
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
    /// Interprets --resume or eval's argument: a run folder (its newest valid checkpoint, falling back past damaged
    /// ones with a note on <paramref name="log"/>), or a checkpoint folder (or a file in one), verified. A checkpoint
    /// inside some run's checkpoints/ belongs to that run; a stand-alone checkpoint has none.
    /// </summary>
    public static ResumeTarget ResolveResume(string path, string what = "--resume", TextWriter? log = null)
    {
        var (checkpoint, run) = CheckpointCatalog.Resolve(path, log ?? Console.Error, what);
        return new ResumeTarget(checkpoint.Dir, run);
    }

    /// <summary>
    /// After a crash: every checkpoint write that was cut short is cleaned up (its hidden temp folder deleted; a
    /// checkpoint moved aside to be replaced, e.g. checkpoints/best, put back). Returns how many were found.
    /// </summary>
    public int RecoverCheckpoints()
    {
        if (!Directory.Exists(CheckpointsDir)) return 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string dir in Directory.EnumerateDirectories(CheckpointsDir, ".*"))
        {
            string hidden = Path.GetFileName(dir);
            int tag = Math.Max(hidden.LastIndexOf(".tmp-", StringComparison.Ordinal), hidden.LastIndexOf(".old-", StringComparison.Ordinal));
            if (tag > 1) names.Add(hidden[1..tag]);
        }
        foreach (string name in names) ControlRL.Core.Checkpoints.AtomicDirectory.Recover(Path.Combine(CheckpointsDir, name));
        return names.Count;
    }

    /// <summary>
    /// Before a run continues from the checkpoint of <paramref name="step"/>: its checkpoints of later steps (a
    /// timeline being abandoned, or ones found damaged) are renamed to hidden <c>.superseded-*</c> folders, so
    /// loaders and pruning see only the resumed timeline; nothing is deleted. Returns the moved folders' names.
    /// </summary>
    public IReadOnlyList<string> SupersedeCheckpointsAfter(long step)
    {
        var moved = new List<string>();
        foreach (var (s, dir) in Checkpoints(Root))
        {
            if (s <= step) continue;
            string name = Path.GetFileName(dir);
            Directory.Move(dir, Path.Combine(CheckpointsDir, $".superseded-{name}-{Guid.NewGuid():N}"));
            moved.Add(name);
        }
        if (moved.Count > 0) ControlRL.Core.Checkpoints.Durable.SyncDirectory(CheckpointsDir);
        return moved;
    }

    /// <summary>
    /// Deletes all but the newest <paramref name="keep"/> step checkpoints (0 keeps all); the best-by-eval one has
    /// no step in its name and is never touched. Each is renamed to a hidden name first, so a crash midway never
    /// leaves a half-deleted folder under a checkpoint's name. Returns the deleted folders.
    /// </summary>
    public IReadOnlyList<string> PruneCheckpoints(int keep)
    {
        if (keep <= 0) return [];
        var all = Checkpoints(Root);
        var deleted = new List<string>();
        foreach (var (_, dir) in all.Take(Math.Max(0, all.Count - keep)))
        {
            string doomed = Path.Combine(CheckpointsDir, $".{Path.GetFileName(dir)}.deleting-{Guid.NewGuid():N}");
            try
            {
                Directory.Move(dir, doomed);
                Directory.Delete(doomed, recursive: true);
                deleted.Add(dir);
            }
            catch (IOException)
            {
                // Best effort: a leftover hidden folder is ignored by every loader and removed next time.
            }
        }
        foreach (string leftover in Directory.EnumerateDirectories(CheckpointsDir, ".*.deleting-*"))
        {
            try
            {
                Directory.Delete(leftover, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        return deleted;
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
