using System.Globalization;
using System.Text;
using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Leaderboard;

/// <summary>
/// A Markdown summary of a results file: one row per route (index, route id, status, route completion RC,
/// infraction penalty IS, driving score DS, infraction counts), the global row (means with standard deviations),
/// then the infractions per km and the failed routes.
/// </summary>
public static class MarkdownReport
{
    public static string Format(LeaderboardResults results, GlobalRecord global)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(global);
        var sb = new StringBuilder();
        sb.Append("| # | route | status | RC | IS | DS | infractions |\n");
        sb.Append("|---:|---|---|---:|---:|---:|---|\n");
        foreach (var r in results.Records)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"| {r.Index} | {Cell(r.RouteId)} | {Cell(r.Status)} | {F(r.Scores.Route, 2)} | {F(r.Scores.Penalty, 3)} | {F(r.Scores.Composed, 2)} | {Cell(Counts(r))} |\n");
        }
        sb.Append(CultureInfo.InvariantCulture,
            $"| | **all {results.ProgressTotal} routes** | **{Cell(global.Status)}** | **{F(global.Mean.Route, 2)}** ± {F(global.StdDev.Route, 2)} | **{F(global.Mean.Penalty, 3)}** ± {F(global.StdDev.Penalty, 3)} | **{F(global.Mean.Composed, 2)}** ± {F(global.StdDev.Composed, 2)} | |\n");
        sb.Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"Infractions per km ({global.KmDriven.ToString("0.###", CultureInfo.InvariantCulture)} km driven; outside_route_lanes in km): ");
        sb.Append(string.Join(", ", InfractionKeys.All.Select((k, i) => $"{k} {global.Infractions[i]}"))).Append('\n');
        if (global.Exceptions.Count > 0)
        {
            sb.Append('\n').Append(CultureInfo.InvariantCulture, $"Failed routes ({global.Exceptions.Count}): ");
            sb.Append(string.Join(", ", global.Exceptions.Select(e => $"{Cell(e.RouteId)} ({Cell(e.Status)})"))).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>"collisions_vehicle 1, red_light 1" for the keys with messages; "-" when none.</summary>
    public static string Counts(RouteRecord r)
    {
        var parts = InfractionKeys.All.Select((k, i) => (k, n: r.Infractions[i].Count)).Where(x => x.n > 0).Select(x => $"{x.k} {x.n}").ToArray();
        return parts.Length == 0 ? "-" : string.Join(", ", parts);
    }

    private static string F(PyNumber n, int decimals) => n.Value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
