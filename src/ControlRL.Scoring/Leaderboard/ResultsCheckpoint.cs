namespace ControlRL.Scoring.Leaderboard;

/// <summary>
/// A run's results file kept current route by route, with the leaderboard's <c>--resume</c>
/// (leaderboard/leaderboard_evaluator.py <c>run</c>, leaderboard/utils/route_indexer.py <c>validate_and_resume</c>,
/// statistics_manager.py). Typical use by a benchmark runner:
/// <code>
/// var run = ResultsCheckpoint.Open("results.json", routeIds, resume: true, sensors);
/// for (int i = run.NextIndex; i &lt; routeIds.Count; i++) run.Add(RouteScoring.Compute(factsOfRoute(i)));
/// GlobalRecord global = run.Finish();
/// </code>
/// Resuming keeps every record of the file and continues at progress[0]; when the file's entry status is Crashed
/// (the simulation crashed during the last route) it repeats that route, whose record is then replaced. The file is
/// not resumed, and a new one started, when it has no entry status or an Invalid one, a different number of routes,
/// or other route ids in its first progress[0] records (the leaderboard's checks); <see cref="ResumeNote"/> says
/// why. Where progress[0] exceeds the records, the leaderboard's patch resumes one route before the last record.
/// Unlike the leaderboard, which reads an unparsable file as empty and overwrites it, a file that is not a valid
/// results file stops <see cref="Open"/> with a <see cref="ScoringFormatException"/>, so results are never lost to
/// a typo. Every write is atomic (<see cref="ResultsWriter"/>).
/// </summary>
public sealed class ResultsCheckpoint
{
    private readonly bool _sensorsInitialized;

    private ResultsCheckpoint(string path, IReadOnlyList<string> routeIds, LeaderboardResults results, int next, string? note, bool sensorsInitialized)
    {
        Path = path;
        RouteIds = routeIds;
        Results = results;
        NextIndex = next;
        ResumeNote = note;
        _sensorsInitialized = sensorsInitialized;
    }

    public string Path { get; }

    /// <summary>The run's routes in order ("&lt;name&gt;_rep&lt;repetition&gt;"); their count is progress[1].</summary>
    public IReadOnlyList<string> RouteIds { get; }

    /// <summary>What the file holds now.</summary>
    public LeaderboardResults Results { get; }

    /// <summary>Index of the next route to run (0 for a new file).</summary>
    public int NextIndex { get; private set; }

    /// <summary>Why an existing file was not resumed (it has been replaced by a new one), or null.</summary>
    public string? ResumeNote { get; }

    /// <summary>Why <see cref="Finish"/> marked the entry Invalid (validate_and_write_statistics), or null.</summary>
    public string? InvalidReason { get; private set; }

    /// <summary>
    /// Opens <paramref name="path"/> for a run of <paramref name="routeIds"/> and writes its starting state: progress
    /// [next index, routes], entry status Started, the given sensors (the leaderboard stores them once the agent is
    /// set up; ours are known up front), no values, labels or global record, and the kept records.
    /// </summary>
    public static ResultsCheckpoint Open(string path, IReadOnlyList<string> routeIds, bool resume, IReadOnlyList<string>? sensors = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(routeIds);
        if (routeIds.Count == 0) throw new ArgumentException("A run has at least one route.", nameof(routeIds));
        if (routeIds.Any(string.IsNullOrEmpty)) throw new ArgumentException("Route ids must not be empty.", nameof(routeIds));

        List<RouteRecord> kept = [];
        int next = 0;
        string? note = null;
        if (resume && File.Exists(path))
        {
            var old = ResultsReader.Read(path);
            note = WhyNotResumable(old, routeIds, out next);
            if (note is null) kept = old.Records;
            else next = 0;
        }
        else if (resume)
        {
            note = $"no file at {path}; starting a new run";
        }

        var results = new LeaderboardResults
        {
            ProgressDone = next,
            ProgressTotal = routeIds.Count,
            Records = kept,
            Sensors = sensors?.ToList() ?? [],
        };
        var run = new ResultsCheckpoint(path, routeIds, results, next, note, sensors is not null);
        ResultsWriter.Write(path, results);
        return run;
    }

    /// <summary>
    /// validate_and_resume: null when the file can be resumed (then <paramref name="next"/> is where), else the reason.
    /// </summary>
    private static string? WhyNotResumable(LeaderboardResults old, IReadOnlyList<string> routeIds, out int next)
    {
        next = 0;
        if (old.EntryStatus == "Invalid") return "its entry_status is 'Invalid'";
        if (old.ProgressTotal != routeIds.Count)
            return $"it is a run of {old.ProgressTotal} routes, not {routeIds.Count}";
        int resumeIndex = old.ProgressDone;
        for (int i = 0; i < resumeIndex; i++)
        {
            if (i >= old.Records.Count)
            {
                // The leaderboard's "patch" when progress is ahead of the records: back off one more route.
                resumeIndex = Math.Max(i - 1, 0);
                break;
            }
            if (old.Records[i].RouteId != routeIds[i])
                return $"its route {i} is {old.Records[i].RouteId}, not {routeIds[i]}";
        }
        // A crash during the last route: run it again.
        next = old.EntryStatus == "Crashed" ? Math.Max(0, resumeIndex - 1) : resumeIndex;
        return null;
    }

    /// <summary>
    /// Stores the record of route <see cref="NextIndex"/> (replacing a kept record at that position), sets progress to
    /// [index + 1, routes] and the entry status the evaluator sets after a route (Crashed after a simulation crash,
    /// Rejected after invalid sensors, else Started), and writes the file.
    /// </summary>
    public void Add(RouteRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (NextIndex >= RouteIds.Count) throw new InvalidOperationException($"All {RouteIds.Count} routes already have a record.");
        if (record.Index != NextIndex) throw new ArgumentException($"Expected the record of route {NextIndex}, got index {record.Index}.", nameof(record));
        if (record.RouteId != RouteIds[NextIndex])
            throw new ArgumentException($"Route {NextIndex} is {RouteIds[NextIndex]}, not {record.RouteId}.", nameof(record));

        var records = Results.Records;
        if (record.Index < records.Count) records[record.Index] = record;
        else records.Add(record);
        NextIndex = record.Index + 1;
        Results.ProgressDone = NextIndex;
        Results.EntryStatus = record.Status.Contains(RouteFailure.SimulationCrashed.Message(), StringComparison.Ordinal) ? "Crashed"
            : record.Status.Contains(RouteFailure.SensorsInvalid.Message(), StringComparison.Ordinal) ? "Rejected"
            : "Started";
        Results.Eligible = GlobalScoring.Eligible(Results.EntryStatus);
        ResultsWriter.Write(Path, Results);
    }

    /// <summary>
    /// Ends a run that did not crash (compute_global_statistics, then validate_and_write_statistics): the global
    /// record, values, labels and entry status (Finished, Crashed or Rejected from the records), then Invalid with
    /// <see cref="InvalidReason"/> when the sensors are missing, progress does not match the records, or a record is
    /// still Started. Writes the file and returns the global record.
    /// </summary>
    public GlobalRecord Finish()
    {
        var global = GlobalScoring.Compute(Results.Records, Results.ProgressTotal);
        Results.GlobalRecord = global.ToJson();
        Results.Values = [.. global.Values()];
        Results.Labels = [.. GlobalRecord.Labels];
        Results.EntryStatus = GlobalScoring.EntryStatus(Results.Records);

        InvalidReason =
            _sensorsInitialized && Results.Sensors.Count == 0 ? "Missing 'sensors' data"
            : Results.ProgressDone != Results.ProgressTotal || Results.ProgressDone != Results.Records.Count ? "'progress' data doesn't match its expected value"
            : Results.Records.Any(r => r.Status == "Started") ? "Found a route record with missing data"
            : null;
        if (InvalidReason is not null) Results.EntryStatus = "Invalid";
        Results.Eligible = GlobalScoring.Eligible(Results.EntryStatus);
        ResultsWriter.Write(Path, Results);
        return global;
    }
}
