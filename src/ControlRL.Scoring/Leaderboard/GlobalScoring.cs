using System.Globalization;
using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Leaderboard;

/// <summary>
/// The global record over a run's route records, as carla-simulator/leaderboard's <c>compute_global_statistics</c>
/// (leaderboard/utils/statistics_manager.py, branch leaderboard-2.0) computes it, records in file order and T the
/// number of routes of the run (<c>progress[1]</c>):
/// <list type="bullet">
/// <item>scores_mean[k] = round(sum over records of s_k / T, 6): each term divided by T, then summed.</item>
/// <item>scores_std_dev[k] = integer 0 when T == 1, else round(sqrt(sum((s_k - rounded mean)^2) / (T - 1)), 3).</item>
/// <item>km driven = max(sum of route_length / 1000 x score_route / 100, 0.001).</item>
/// <item>infractions[key] = round(messages / km, 3); outside_route_lanes instead sums the metres of each route's
/// first message (its 9th word) / 1000, rounded to 3 and not divided.</item>
/// <item>meta sums route_length, duration_game, duration_system unrounded; exceptions lists [route_id, index,
/// status] of every record whose status contains "Failed".</item>
/// <item>status: Perfect, lowered to the status of the first record that is not Perfect, and Failed as soon as
/// one record failed.</item>
/// </list>
/// Python's arithmetic is kept exactly (int versus float, summation order, <see cref="PyMath.Round"/>), so a
/// recomputed record equals the published one number for number.
/// </summary>
public static class GlobalScoring
{
    public static GlobalRecord Compute(IReadOnlyList<RouteRecord> records, int totalRoutes)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (totalRoutes < 1) throw new ArgumentOutOfRangeException(nameof(totalRoutes), totalRoutes, "A run has at least one route.");
        foreach (var r in records)
            if (r.Infractions.Count != InfractionKeys.All.Count)
                throw new ArgumentException($"Record {r.Index} has {r.Infractions.Count} infraction lists; every record has one per key ({InfractionKeys.All.Count}).", nameof(records));
        var t = PyNumber.Int(totalRoutes);

        // GlobalRecord.__init__ starts every sum at the integer 0.
        PyNumber meanRoute = PyNumber.Zero, meanPenalty = PyNumber.Zero, meanComposed = PyNumber.Zero;
        PyNumber totalLength = PyNumber.Zero, durationGame = PyNumber.Zero, durationSystem = PyNumber.Zero;
        var exceptions = new List<RouteException>();
        string status = "Perfect";
        foreach (var r in records)
        {
            meanRoute += r.Scores.Route / t;
            meanPenalty += r.Scores.Penalty / t;
            meanComposed += r.Scores.Composed / t;
            totalLength += r.Meta.RouteLength;
            durationGame += r.Meta.DurationGame;
            durationSystem += r.Meta.DurationSystem;

            string routeResult = r.Status.Contains("Failed", StringComparison.Ordinal) ? "Failed" : r.Status;
            if (routeResult == "Failed")
            {
                exceptions.Add(new RouteException(r.RouteId, r.Index, r.Status));
                status = routeResult;
            }
            else if (status == "Perfect" && routeResult != "Perfect")
            {
                status = routeResult;
            }
        }
        var mean = new RouteScores(meanRoute.Round(6), meanPenalty.Round(6), meanComposed.Round(6));

        RouteScores std;
        if (totalRoutes == 1)
        {
            std = new RouteScores(PyNumber.Zero, PyNumber.Zero, PyNumber.Zero);
        }
        else
        {
            PyNumber sRoute = PyNumber.Zero, sPenalty = PyNumber.Zero, sComposed = PyNumber.Zero;
            foreach (var r in records)
            {
                sComposed += Square(r.Scores.Composed - mean.Composed);
                sRoute += Square(r.Scores.Route - mean.Route);
                sPenalty += Square(r.Scores.Penalty - mean.Penalty);
            }
            var dof = PyNumber.Float(totalRoutes - 1);
            static PyNumber Std(PyNumber sum, PyNumber dof) => PyNumber.Float(PyMath.Round(Math.Sqrt((sum / dof).Value), 3));
            std = new RouteScores(Std(sRoute, dof), Std(sPenalty, dof), Std(sComposed, dof));
        }

        PyNumber km = PyNumber.Zero;
        var sums = InfractionKeys.All.Select(_ => PyNumber.Zero).ToArray();
        foreach (var r in records)
        {
            km += r.Meta.RouteLength / PyNumber.Int(1000) * r.Scores.Route / PyNumber.Int(100);
            for (int k = 0; k < sums.Length; k++) sums[k] += InfractionValue(r, (InfractionKind)k);
        }
        km = PyNumber.Max(km, PyNumber.Float(0.001));
        for (int k = 0; k < sums.Length; k++)
        {
            if ((InfractionKind)k != InfractionKind.OutsideRouteLanes) sums[k] /= km;
            sums[k] = sums[k].Round(3);
        }

        return new GlobalRecord
        {
            Status = status,
            Infractions = sums,
            Mean = mean,
            StdDev = std,
            TotalLength = totalLength,
            DurationGame = durationGame,
            DurationSystem = durationSystem,
            Exceptions = exceptions,
            KmDriven = km.Value,
        };
    }

    /// <summary>
    /// The entry status <c>compute_global_statistics</c> sets: Finished, unless a record's status says the simulation
    /// crashed (Crashed) or the sensors were invalid (Rejected); the last such record decides.
    /// </summary>
    public static string EntryStatus(IEnumerable<RouteRecord> records)
    {
        string entry = "Finished";
        foreach (var r in records)
        {
            if (r.Status.Contains(RouteFailure.SimulationCrashed.Message(), StringComparison.Ordinal)) entry = "Crashed";
            else if (r.Status.Contains(RouteFailure.SensorsInvalid.Message(), StringComparison.Ordinal)) entry = "Rejected";
        }
        return entry;
    }

    /// <summary>The leaderboard's ENTRY_STATUS_VALUES and ELIGIBLE_VALUES.</summary>
    public static IReadOnlyList<string> EntryStatuses { get; } = ["Started", "Finished", "Rejected", "Crashed", "Invalid"];

    public static bool Eligible(string entryStatus) => entryStatus == "Finished";

    // math.pow(diff, 2): libm's pow, as .NET's Math.Pow calls it.
    private static PyNumber Square(PyNumber diff) => PyNumber.Float(Math.Pow(diff.Value, 2));

    /// <summary>get_infractions_value: the number of messages, or for outside route lanes the first message's km.</summary>
    private static PyNumber InfractionValue(RouteRecord r, InfractionKind kind)
    {
        var messages = r.Messages(kind);
        if (kind != InfractionKind.OutsideRouteLanes) return PyNumber.Int(messages.Count);
        if (messages.Count == 0) return PyNumber.Float(0.0);
        if (OutsideLanesMeters(messages[0]) is not { } meters)
            throw new FormatException($"route {r.RouteId}: the outside_route_lanes message has no metres as its 9th word: '{messages[0]}'");
        return PyNumber.Float(meters) / PyNumber.Int(1000);
    }

    /// <summary>
    /// <c>float(message.split(" ")[8])</c>: the metres of an outside-route-lanes message, or null when that word is
    /// missing or not a finite number.
    /// </summary>
    public static double? OutsideLanesMeters(string message)
    {
        var words = message.Split(' ');
        if (words.Length < 9) return null;
        string w = words[8].Trim();
        return double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : null;
    }
}
