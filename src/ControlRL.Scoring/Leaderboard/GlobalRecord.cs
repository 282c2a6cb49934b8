using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Leaderboard;

/// <summary>One failed route in the global record's meta.exceptions: [route_id, index, status].</summary>
public sealed record RouteException(string RouteId, int Index, string Status);

/// <summary>
/// <c>_checkpoint.global_record</c> (statistics_manager.py, GlobalRecord): status, infractions per km (outside route
/// lanes: km), means and standard deviations of the three scores, and the meta sums.
/// </summary>
public sealed class GlobalRecord
{
    public required string Status { get; init; }

    /// <summary>The value of each of the 12 infraction keys, in <see cref="InfractionKeys.All"/> order.</summary>
    public required IReadOnlyList<PyNumber> Infractions { get; init; }

    /// <summary>Means of score_route, score_penalty, score_composed.</summary>
    public required RouteScores Mean { get; init; }

    public required RouteScores StdDev { get; init; }

    public required PyNumber TotalLength { get; init; }

    public required PyNumber DurationGame { get; init; }

    public required PyNumber DurationSystem { get; init; }

    public required IReadOnlyList<RouteException> Exceptions { get; init; }

    /// <summary>
    /// Kilometres driven (route length x completion, summed, at least 0.001): the divisor of the per-km rates. Not part
    /// of the leaderboard's record.
    /// </summary>
    public required double KmDriven { get; init; }

    public PyNumber Infraction(InfractionKind kind) => Infractions[(int)kind];

    /// <summary>The record as the leaderboard writes it (key order of GlobalRecord.__init__).</summary>
    public PyJsonObject ToJson()
    {
        var infractions = new PyJsonObject();
        for (int k = 0; k < InfractionKeys.All.Count; k++) infractions.Set(InfractionKeys.All[k], new PyJsonNumber(Infractions[k]));
        // The means dict is built composed, route, penalty (unlike a route's scores).
        static PyJsonObject Scores(RouteScores s) => new PyJsonObject()
            .Set("score_composed", new PyJsonNumber(s.Composed))
            .Set("score_route", new PyJsonNumber(s.Route))
            .Set("score_penalty", new PyJsonNumber(s.Penalty));
        return new PyJsonObject()
            .Set("index", new PyJsonNumber(PyNumber.Int(-1)))
            .Set("route_id", new PyJsonNumber(PyNumber.Int(-1)))
            .Set("status", new PyJsonString(Status))
            .Set("infractions", infractions)
            .Set("scores_mean", Scores(Mean))
            .Set("scores_std_dev", Scores(StdDev))
            .Set("meta", new PyJsonObject()
                .Set("total_length", new PyJsonNumber(TotalLength))
                .Set("duration_game", new PyJsonNumber(DurationGame))
                .Set("duration_system", new PyJsonNumber(DurationSystem))
                .Set("exceptions", new PyJsonArray(Exceptions.Select(e => (PyJsonValue)new PyJsonArray(
                [
                    new PyJsonString(e.RouteId), new PyJsonNumber(PyNumber.Int(e.Index)), new PyJsonString(e.Status),
                ])))));
    }

    /// <summary>
    /// The results file's <c>values</c>: <c>str()</c> of the means and rates, in the order of <see cref="Labels"/>.
    /// </summary>
    public IReadOnlyList<string> Values() =>
    [
        Mean.Composed.ToString(), Mean.Route.ToString(), Mean.Penalty.ToString(),
        Infraction(InfractionKind.CollisionPedestrian).ToString(), Infraction(InfractionKind.CollisionVehicle).ToString(),
        Infraction(InfractionKind.CollisionLayout).ToString(), Infraction(InfractionKind.RedLight).ToString(),
        Infraction(InfractionKind.StopSign).ToString(), Infraction(InfractionKind.OutsideRouteLanes).ToString(),
        Infraction(InfractionKind.RouteDeviation).ToString(), Infraction(InfractionKind.RouteTimeout).ToString(),
        Infraction(InfractionKind.VehicleBlocked).ToString(), Infraction(InfractionKind.YieldEmergencyVehicle).ToString(),
        Infraction(InfractionKind.ScenarioTimeout).ToString(), Infraction(InfractionKind.MinSpeed).ToString(),
    ];

    /// <summary>The results file's <c>labels</c>; they must match <see cref="Values"/>' order.</summary>
    public static IReadOnlyList<string> Labels { get; } =
    [
        "Avg. driving score", "Avg. route completion", "Avg. infraction penalty", "Collisions with pedestrians",
        "Collisions with vehicles", "Collisions with layout", "Red lights infractions", "Stop sign infractions",
        "Off-road infractions", "Route deviations", "Route timeouts", "Agent blocked",
        "Yield emergency vehicles infractions", "Scenario timeouts", "Min speed infractions",
    ];
}
