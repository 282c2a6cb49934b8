using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ControlRL.Cli.Runs;
using ControlRL.Learning.Algorithms;
using ControlRL.Learning.Evaluation;

namespace ControlRL.Cli.Training;

/// <summary>
/// When and where a run's checkpoints are written, for any algorithm (it is handed the algorithm's save
/// function): every checkpoint_every updates (the trainer says when) and every checkpoint_minutes of wall time,
/// the newest keep_checkpoints step checkpoints kept, and the best-by-evaluation checkpoint in checkpoints/best
/// with its eval.json.
/// </summary>
public sealed class CheckpointSchedule
{
    public const string EvalFileName = "eval.json";

    private readonly RunDirectory _run;
    private readonly AlgorithmConfig _config;
    private readonly Action<string, IReadOnlyDictionary<string, string>?> _save;
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();

    /// <param name="save">Writes the trainer's checkpoint into a directory, with extra files (atomically).</param>
    public CheckpointSchedule(RunDirectory run, AlgorithmConfig config, Action<string, IReadOnlyDictionary<string, string>?> save)
    {
        _run = run;
        _config = config;
        _save = save;
    }

    /// <summary>The last step checkpoint written by this schedule, and its step.</summary>
    public string? LastDir { get; private set; }
    public long LastStep { get; private set; } = -1;

    /// <summary>Whether checkpoint_minutes have passed since the last checkpoint (or the start).</summary>
    public bool TimeDue => _config.CheckpointMinutes > 0 && _sinceLast.Elapsed.TotalMinutes >= _config.CheckpointMinutes;

    /// <summary>Writes the step checkpoint of <paramref name="step"/> (unless it exists from this run) and prunes old ones.</summary>
    public string Save(long step)
    {
        string dir = _run.CheckpointPath(step);
        if (LastStep != step)
        {
            _save(dir, null);
            LastDir = dir;
            LastStep = step;
            _sinceLast.Restart();
            _run.PruneCheckpoints(_config.KeepCheckpoints);
        }
        return dir;
    }

    /// <summary>Writes checkpoints/best with the evaluation that made it the best.</summary>
    public void SaveBest(long step, EvaluationResult result) =>
        _save(_run.BestCheckpointDir, new Dictionary<string, string> { [EvalFileName] = EvalJson(step, result) });

    /// <summary>The best evaluation recorded in a run's checkpoints/best/eval.json, or null.</summary>
    public static (double MeanReturn, long Step)? ReadBest(RunDirectory run)
    {
        string path = Path.Combine(run.BestCheckpointDir, EvalFileName);
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return (doc.RootElement.GetProperty("mean_return").GetDouble(), doc.RootElement.GetProperty("step").GetInt64());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException)
        {
            return null; // a damaged record only loses the best-so-far; the next evaluation sets it again
        }
    }

    public static string EvalJson(long step, EvaluationResult r) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["step"] = step,
        ["mean_return"] = r.MeanReturn,
        ["std_return"] = r.StdReturn,
        ["mean_length"] = r.MeanLength,
        ["episodes"] = r.Returns.Count,
        ["returns"] = r.Returns,
        ["lengths"] = r.Lengths,
        ["written_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
    }, new JsonSerializerOptions { WriteIndented = true });
}
