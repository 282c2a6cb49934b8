using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Leaderboard;

/// <summary>The three route scores (score_route, score_penalty, score_composed), number kinds kept.</summary>
public sealed record RouteScores(PyNumber Route, PyNumber Penalty, PyNumber Composed);

/// <summary>A record's meta: route_length, duration_game, duration_system.</summary>
public sealed record RouteMeta(PyNumber RouteLength, PyNumber DurationGame, PyNumber DurationSystem);

/// <summary>
/// One entry of <c>_checkpoint.records</c> (statistics_manager.py, RouteRecord). Fields a fork adds (town_name,
/// scenario_name, save_name, weather_id, ...) are kept in <see cref="Extra"/> in file order and written after meta,
/// where the leaderboard's <c>to_route_record</c> + <c>vars()</c> put them when it rewrites a resumed file.
/// </summary>
public sealed class RouteRecord
{
    public required int Index { get; init; }

    public required string RouteId { get; init; }

    /// <summary>Perfect, Completed, Failed or "Failed - &lt;reason&gt;" (any text in files of other forks).</summary>
    public required string Status { get; init; }

    public required long NumInfractions { get; init; }

    /// <summary>The messages of each of the 12 infraction keys, in <see cref="InfractionKeys.All"/> order.</summary>
    public required IReadOnlyList<IReadOnlyList<string>> Infractions { get; init; }

    public required RouteScores Scores { get; init; }

    public required RouteMeta Meta { get; init; }

    public IReadOnlyList<KeyValuePair<string, PyJsonValue>> Extra { get; init; } = [];

    public IReadOnlyList<string> Messages(InfractionKind kind) => Infractions[(int)kind];

    /// <summary>The record as the leaderboard writes it.</summary>
    public PyJsonObject ToJson()
    {
        var infractions = new PyJsonObject();
        for (int k = 0; k < InfractionKeys.All.Count; k++)
            infractions.Set(InfractionKeys.All[k], new PyJsonArray(Infractions[k].Select(m => (PyJsonValue)new PyJsonString(m))));
        var o = new PyJsonObject()
            .Set("index", Num(PyNumber.Int(Index)))
            .Set("route_id", new PyJsonString(RouteId))
            .Set("status", new PyJsonString(Status))
            .Set("num_infractions", Num(PyNumber.Int(NumInfractions)))
            .Set("infractions", infractions)
            .Set("scores", new PyJsonObject()
                .Set("score_route", Num(Scores.Route))
                .Set("score_penalty", Num(Scores.Penalty))
                .Set("score_composed", Num(Scores.Composed)))
            .Set("meta", new PyJsonObject()
                .Set("route_length", Num(Meta.RouteLength))
                .Set("duration_game", Num(Meta.DurationGame))
                .Set("duration_system", Num(Meta.DurationSystem)));
        foreach (var e in Extra) o.Set(e.Key, e.Value);
        return o;
    }

    private static PyJsonNumber Num(PyNumber n) => new(n);
}
