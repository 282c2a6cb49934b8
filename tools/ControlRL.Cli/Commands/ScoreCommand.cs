using System.CommandLine;
using System.Globalization;
using System.Text;
using ControlRL.Cli.Hosting;
using ControlRL.Scoring;
using ControlRL.Scoring.Leaderboard;
using ControlRL.Scoring.NuPlan;
using ControlRL.Scoring.Python;

namespace ControlRL.Cli.Commands;

/// <summary>
/// <c>controlrl score &lt;results.json&gt; [--json] [--routes]</c>: recomputes the global record of any CARLA
/// Leaderboard 2.0 results file (ours or a real CARLA run) as the leaderboard's statistics manager does, and prints
/// it; <c>--json</c> prints the global record alone, exactly as the leaderboard writes it. A nuplan_scores.json
/// beside the results file adds its summary to the text form only, so <c>--json</c> stays the global record; given
/// as the argument, a nuplan_scores.json is checked and summarised (with <c>--json</c>: its recomputed aggregate).
/// </summary>
public static class ScoreCommand
{
    public static Command Create(CliServices services)
    {
        var results = new Argument<string>("results") { Description = "A CARLA Leaderboard 2.0 results file (ours or a real CARLA run), or a nuplan_scores.json." };
        var json = new Option<bool>("--json") { Description = "Print only the recomputed global record, as the leaderboard writes _checkpoint.global_record (for a nuplan_scores.json: its recomputed aggregate)." };
        var routes = new Option<bool>("--routes") { Description = "Also list every route (index, id, status, RC, IS, DS, infractions), or every nuPlan scenario." };
        var cmd = new Command("score", """
            Recompute the global record of a CARLA Leaderboard 2.0 results file exactly as the leaderboard does
            (driving score, route completion and infraction penalty means with standard deviations, infractions per
            km, statuses, failed routes) and say whether the stored one matches. A nuplan_scores.json beside it adds
            the nuPlan summary (text form only). A malformed file is one error line naming the JSON path (exit 2).
            Example: controlrl score results/simulation_results.json --routes
            Example: controlrl score simulation_results.json --json > global_record.json
            """)
        {
            results, json, routes,
        };
        cmd.SetAction(parse => CommandRunner.Run(services, _ =>
            Run(services, parse.GetValue(results)!, parse.GetValue(json), parse.GetValue(routes))));
        return cmd;
    }

    private static int Run(CliServices services, string path, bool json, bool routes)
    {
        if (Directory.Exists(path)) throw new CliUsageException($"'{path}' is a folder; give the results file in it.");
        if (!File.Exists(path)) throw new CliUsageException($"'{path}' does not exist.");
        string text = File.ReadAllText(path);
        try
        {
            if (LooksLikeNuPlanScores(text))
            {
                var contents = NuPlanScoresFile.Parse(text, path);
                services.Out.Write(json ? PyJson.Serialize(AggregateJson(contents.Summary)) + "\n" : FormatNuPlan(path, contents.Summary, routes));
                return ExitCodes.Ok;
            }

            var results = ResultsReader.Parse(text, path);
            var global = results.ComputeGlobal();
            if (json)
            {
                services.Out.WriteLine(PyJson.Serialize(global.ToJson(), 4));
                return ExitCodes.Ok;
            }
            string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", NuPlanScoresFile.FileName);
            var nuplan = File.Exists(beside) ? NuPlanScoresFile.Read(beside) : null;
            var sb = new StringBuilder(FormatLeaderboard(path, results, global, routes));
            if (nuplan is not null) sb.Append('\n').Append(FormatNuPlan(beside, nuplan.Summary, routes: false));
            services.Out.Write(sb.ToString());
            return ExitCodes.Ok;
        }
        catch (ScoringFormatException ex)
        {
            throw new CliUsageException(ex.Message, ex);
        }
    }

    private static bool LooksLikeNuPlanScores(string text)
    {
        try
        {
            return NuPlanScoresFile.IsNuPlanScores(PyJson.Parse(text));
        }
        catch (PyJsonParseException)
        {
            return false; // the results reader reports the syntax error
        }
    }

    /// <summary>The text form: optional route table, the means with standard deviations, rates, statuses.</summary>
    internal static string FormatLeaderboard(string path, LeaderboardResults results, GlobalRecord global, bool routes)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"{path}: {results.Records.Count} route records of {results.ProgressTotal} routes (progress {results.ProgressDone}/{results.ProgressTotal}), entry_status {results.EntryStatus}, eligible {(results.Eligible ? "true" : "false")}\n");
        if (routes)
        {
            sb.Append('\n');
            var rows = new List<string[]> { new[] { "#", "route", "status", "RC", "IS", "DS", "infractions" } };
            rows.AddRange(results.Records.Select(r => new[]
            {
                r.Index.ToString(inv), r.RouteId, r.Status, r.Scores.Route.ToString(), r.Scores.Penalty.ToString(),
                r.Scores.Composed.ToString(), MarkdownReport.Counts(r),
            }));
            AppendTable(sb, rows, rightAligned: [0, 3, 4, 5]);
        }

        sb.Append('\n');
        AppendTable(sb,
        [
            ["", "mean", "std dev"],
            ["driving score (DS)", global.Mean.Composed.ToString(), global.StdDev.Composed.ToString()],
            ["route completion (RC)", global.Mean.Route.ToString(), global.StdDev.Route.ToString()],
            ["infraction penalty (IS)", global.Mean.Penalty.ToString(), global.StdDev.Penalty.ToString()],
        ], rightAligned: [1, 2]);

        sb.Append('\n').Append(inv, $"km driven: {global.KmDriven.ToString("0.###", inv)} (route length {global.TotalLength} m in total; {global.DurationGame} s simulated, {global.DurationSystem} s wall-clock)\n");
        sb.Append("infractions per km:\n");
        int width = InfractionKeys.All.Max(k => k.Length) + 5;
        for (int k = 0; k < InfractionKeys.All.Count; k++)
        {
            string key = InfractionKeys.All[k] + ((InfractionKind)k == InfractionKind.OutsideRouteLanes ? " (km)" : "");
            sb.Append("  ").Append(key.PadRight(width)).Append(global.Infractions[k].ToString()).Append('\n');
        }

        sb.Append('\n').Append(inv, $"status: {global.Status}");
        string recomputedEntry = GlobalScoring.EntryStatus(results.Records);
        if (results.GlobalRecord.Count > 0 && results.EntryStatus != recomputedEntry && results.EntryStatus != "Invalid")
            sb.Append(inv, $" (entry_status recomputed: {recomputedEntry})");
        sb.Append(inv, $"; {global.Exceptions.Count} failed route(s){(global.Exceptions.Count > 0 ? ":" : "")}\n");
        foreach (var e in global.Exceptions) sb.Append(inv, $"  {e.RouteId} (index {e.Index}): {e.Status}\n");

        if (results.GlobalRecord.Count == 0)
            sb.Append("stored global record: none (the file's is empty; the leaderboard fills it when a run finishes)\n");
        else if (PyJson.Difference(results.GlobalRecord, global.ToJson(), "") is { } where)
            sb.Append(inv, $"stored global record: differs from the recomputed one at {(where.Length == 0 ? "the top level" : where)}\n");
        else
            sb.Append("stored global record: matches the recomputed one\n");
        return sb.ToString();
    }

    internal static string FormatNuPlan(string path, NuPlanSummary summary, bool routes)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"{path}: {summary.Scenarios.Count} nuPlan scenario(s)\n");
        sb.Append(inv, $"nuPlan closed-loop score: {summary.Score.ToString("0.####", inv)}   PDM score: {summary.PdmScore.ToString("0.####", inv)}\n");
        sb.Append("metric means:\n");
        int width = NuPlanScorer.MetricNames.Max(m => m.Length) + 2;
        foreach (var m in summary.MetricMeans)
        {
            string kind = NuPlanScorer.MultiplierNames.Contains(m.Key) ? "  (multiplier)" : "";
            sb.Append("  ").Append(m.Key.PadRight(width)).Append(m.Value.ToString("0.####", inv)).Append(kind).Append('\n');
        }
        if (routes)
        {
            sb.Append('\n');
            var rows = new List<string[]> { new[] { "scenario", "type", "multiplier", "score", "PDM score" } };
            rows.AddRange(summary.Scenarios.Select(s => new[]
            {
                s.ScenarioId, s.ScenarioType, s.Multiplier.ToString("0.###", inv), s.Score.ToString("0.####", inv), s.PdmScore.ToString("0.####", inv),
            }));
            AppendTable(sb, rows, rightAligned: [2, 3, 4]);
        }
        return sb.ToString();
    }

    private static PyJsonObject AggregateJson(NuPlanSummary summary)
    {
        var metrics = new PyJsonObject();
        foreach (var m in summary.MetricMeans) metrics.Set(m.Key, new PyJsonNumber(PyNumber.Float(m.Value)));
        return new PyJsonObject()
            .Set("scenarios", new PyJsonNumber(PyNumber.Int(summary.Scenarios.Count)))
            .Set("score", new PyJsonNumber(PyNumber.Float(summary.Score)))
            .Set("pdm_score", new PyJsonNumber(PyNumber.Float(summary.PdmScore)))
            .Set("metrics", metrics);
    }

    private static void AppendTable(StringBuilder sb, IReadOnlyList<string[]> rows, int[] rightAligned)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var r in rows)
        {
            var cells = r.Select((cell, c) => rightAligned.Contains(c) ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
            sb.Append(string.Join("  ", cells).TrimEnd()).Append('\n');
        }
    }
}
