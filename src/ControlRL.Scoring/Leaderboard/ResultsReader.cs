using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Leaderboard;

/// <summary>
/// Reads and checks a Leaderboard 2.0 results file. Everything the global record's computation touches must be
/// there with the right type (the leaderboard itself would crash on a missing infraction key, a string score or an
/// outside-route-lanes message without metres); anything wrong is a <see cref="ScoringFormatException"/> naming the
/// file, the JSON path and what was expected. Checks:
/// <list type="bullet">
/// <item>the top-level keys, entry_status one of the leaderboard's five, lists of strings where it writes them;</item>
/// <item>progress: two integers, 0 &lt;= progress[0] &lt;= progress[1], progress[1] &gt;= 1, and no more records than
/// progress[1] routes nor than progress[0] + 1 (the route a crashed run repeats on resume);</item>
/// <item>each record: index an integer in [0, progress[1]) and unique; route_id and status strings; num_infractions
/// an integer &gt;= 0; exactly the 12 infraction keys, each a list of strings; scores and meta finite numbers, route
/// length and scores &gt;= 0.</item>
/// </list>
/// Keys the leaderboard does not write are kept for rewriting, except unknown infraction keys and unknown keys in
/// scores and meta, which are refused: they would change what the record means.
/// </summary>
public static class ResultsReader
{
    private static readonly string[] TopKeys = ["_checkpoint", "entry_status", "eligible", "sensors", "values", "labels"];
    private static readonly string[] CheckpointKeys = ["global_record", "progress", "records"];
    private static readonly string[] RecordKeys = ["index", "route_id", "status", "num_infractions", "infractions", "scores", "meta"];
    private static readonly string[] ScoreKeys = ["score_route", "score_penalty", "score_composed"];
    private static readonly string[] MetaKeys = ["route_length", "duration_game", "duration_system"];

    public static LeaderboardResults Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScoringFormatException(path, "", $"cannot be read ({ex.Message})");
        }
        return Parse(text, path);
    }

    /// <summary>Parses results text; <paramref name="source"/> names it in errors.</summary>
    public static LeaderboardResults Parse(string text, string source)
    {
        var c = new JsonChecker(source);
        var root = c.Object(c.Parse(text), "");

        var cp = c.RequiredObject(root, "", "_checkpoint");
        const string cpPath = "_checkpoint";
        var global = c.RequiredObject(cp, cpPath, "global_record");
        var progress = c.RequiredList(cp, cpPath, "progress", "[routes started, routes of the run]");
        if (progress.Count != 2) throw c.Fail("_checkpoint.progress", $"expected two integers [routes started, routes of the run], got a list of {progress.Count}");
        long total = c.Integer(progress[1], "_checkpoint.progress[1]", 1, int.MaxValue);
        long done = c.Integer(progress[0], "_checkpoint.progress[0]", 0, int.MaxValue);
        if (done > total) throw c.Fail("_checkpoint.progress", $"routes started ({done}) exceed the routes of the run ({total})");

        var recordValues = c.RequiredList(cp, cpPath, "records");
        if (recordValues.Count > total)
            throw c.Fail("_checkpoint.records", $"{recordValues.Count} records but progress says the run has {total} routes");
        if (recordValues.Count > done + 1)
            throw c.Fail("_checkpoint.records", $"{recordValues.Count} records but progress says only {done} routes were started");
        var records = new List<RouteRecord>();
        var seen = new Dictionary<long, int>();
        for (int i = 0; i < recordValues.Count; i++)
        {
            var r = ReadRecord(c, recordValues[i], $"_checkpoint.records[{i}]", total);
            if (seen.TryGetValue(r.Index, out int first))
                throw c.Fail($"_checkpoint.records[{i}].index", $"index {r.Index} repeats that of _checkpoint.records[{first}]");
            seen[r.Index] = i;
            records.Add(r);
        }

        string entry = c.RequiredString(root, "", "entry_status");
        if (!GlobalScoring.EntryStatuses.Contains(entry))
            throw c.Fail("entry_status", $"expected one of {string.Join(", ", GlobalScoring.EntryStatuses)}, got {PyJson.Quote(entry)}");

        return new LeaderboardResults
        {
            GlobalRecord = global,
            ProgressDone = (int)done,
            ProgressTotal = (int)total,
            Records = records,
            EntryStatus = entry,
            Eligible = c.RequiredBool(root, "", "eligible"),
            Sensors = c.RequiredStrings(root, "", "sensors"),
            Values = c.RequiredStrings(root, "", "values"),
            Labels = c.RequiredStrings(root, "", "labels"),
            Extra = root.Members.Where(m => !TopKeys.Contains(m.Key)).ToList(),
            CheckpointExtra = cp.Members.Where(m => !CheckpointKeys.Contains(m.Key)).ToList(),
        };
    }

    private static RouteRecord ReadRecord(JsonChecker c, PyJsonValue value, string path, long total)
    {
        var o = c.Object(value, path);
        int index = (int)c.RequiredInteger(o, path, "index", 0, total - 1);
        string routeId = c.RequiredString(o, path, "route_id");
        string status = c.RequiredString(o, path, "status");
        long count = c.RequiredInteger(o, path, "num_infractions", 0);

        string infPath = JsonChecker.Member(path, "infractions");
        var inf = c.RequiredObject(o, path, "infractions");
        c.OnlyKeys(inf, infPath, InfractionKeys.All, "infraction key");
        var lists = new List<IReadOnlyList<string>>();
        foreach (string key in InfractionKeys.All)
            lists.Add(c.RequiredStrings(inf, infPath, key));
        var outside = lists[(int)InfractionKind.OutsideRouteLanes];
        if (outside.Count > 0 && GlobalScoring.OutsideLanesMeters(outside[0]) is null)
            throw c.Fail(JsonChecker.Member(infPath, "outside_route_lanes") + "[0]",
                $"expected 'Agent went outside its route lanes for about <metres> meters (...)', got {PyJson.Quote(outside[0])}");

        string scoresPath = JsonChecker.Member(path, "scores");
        var scores = c.RequiredObject(o, path, "scores");
        c.OnlyKeys(scores, scoresPath, ScoreKeys);
        string metaPath = JsonChecker.Member(path, "meta");
        var meta = c.RequiredObject(o, path, "meta");
        c.OnlyKeys(meta, metaPath, MetaKeys);

        return new RouteRecord
        {
            Index = index,
            RouteId = routeId,
            Status = status,
            NumInfractions = count,
            Infractions = lists,
            Scores = new RouteScores(
                c.RequiredNumber(scores, scoresPath, "score_route", 0),
                c.RequiredNumber(scores, scoresPath, "score_penalty", 0),
                c.RequiredNumber(scores, scoresPath, "score_composed", 0)),
            Meta = new RouteMeta(
                c.RequiredNumber(meta, metaPath, "route_length", 0),
                c.RequiredNumber(meta, metaPath, "duration_game"),
                c.RequiredNumber(meta, metaPath, "duration_system")),
            Extra = o.Members.Where(m => !RecordKeys.Contains(m.Key)).ToList(),
        };
    }
}
