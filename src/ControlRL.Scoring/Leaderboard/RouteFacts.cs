namespace ControlRL.Scoring.Leaderboard;

/// <summary>
/// Why a route ended early, as the leaderboard words it in a record's status ("Failed - &lt;message&gt;").
/// The first three follow from the route's own events (a route timeout, a route deviation, a blocked ego); the
/// others come from outside the route (leaderboard/leaderboard_evaluator.py, FAILURE_MESSAGES in
/// statistics_manager.py).
/// </summary>
public enum RouteFailure
{
    None,
    AgentTimedOut,
    RouteDeviation,
    AgentBlocked,
    SimulationCrashed,
    SensorsInvalid,
    AgentSetupFailed,
    AgentCrashed,
}

public static class RouteFailureText
{
    /// <summary>The status suffix the leaderboard writes for <paramref name="failure"/> ("" for none).</summary>
    public static string Message(this RouteFailure failure) => failure switch
    {
        RouteFailure.None => "",
        RouteFailure.AgentTimedOut => "Agent timed out",
        RouteFailure.RouteDeviation => "Agent deviated from the route",
        RouteFailure.AgentBlocked => "Agent got blocked",
        RouteFailure.SimulationCrashed => "Simulation crashed",
        RouteFailure.SensorsInvalid => "Agent's sensors were invalid",
        RouteFailure.AgentSetupFailed => "Agent couldn't be set up",
        RouteFailure.AgentCrashed => "Agent crashed",
        _ => throw new ArgumentOutOfRangeException(nameof(failure)),
    };

    /// <summary>The entry status the evaluator sets after a route with this failure (FAILURE_MESSAGES).</summary>
    internal static string EntryStatus(this RouteFailure failure) => failure switch
    {
        RouteFailure.SimulationCrashed => "Crashed",
        RouteFailure.SensorsInvalid => "Rejected",
        _ => "Started",
    };
}

/// <summary>
/// What a simulator knows about one finished route; <see cref="RouteScoring.Compute"/> turns it into the record the
/// leaderboard's <c>compute_route_statistics</c> writes.
/// </summary>
public sealed record RouteFacts
{
    /// <summary>"&lt;route name&gt;_rep&lt;repetition&gt;", e.g. RouteScenario_3564_rep0.</summary>
    public required string RouteId { get; init; }

    /// <summary>Position of the route in the run (0-based; the record's index).</summary>
    public required int Index { get; init; }

    /// <summary>Length of the route's waypoint polyline, metres (stored rounded to 3 decimals).</summary>
    public required double RouteLength { get; init; }

    /// <summary>
    /// Route completion in percent, unrounded: the accumulated share of the route up to the furthest route point the
    /// ego has passed (RouteCompletionTest; the leaderboard rounds it to 2 decimals).
    /// </summary>
    public required double RouteCompletion { get; init; }

    /// <summary>
    /// The ego reached the end: completion above 99 % within 10 m of the last route point (RouteCompletionTest's
    /// DISTANCE_THRESHOLD and PERCENTAGE_THRESHOLD). The route then scores the integer 100.
    /// </summary>
    public bool TargetReached { get; init; }

    /// <summary>
    /// A failure from outside the route (simulation crash, invalid sensors, agent setup or runtime error). Timeouts,
    /// deviations and blocks come from <see cref="Infractions"/>; naming one here also requires its event there.
    /// </summary>
    public RouteFailure Failure { get; init; }

    /// <summary>
    /// False when the scenario could not even be loaded (a simulation crash before the route existed): the
    /// leaderboard then stores route length 0 (an integer), completion 0.0 and no events.
    /// </summary>
    public bool ScenarioLoaded { get; init; } = true;

    /// <summary>
    /// The route's events. Collisions (of every kind) should be in the order they happened; the rest may come in any
    /// order: the penalty multiplies them in the leaderboard's criteria order (see <see cref="RouteScoring"/>).
    /// </summary>
    public IReadOnlyList<Infraction> Infractions { get; init; } = [];

    /// <summary>Simulated seconds of the route (stored rounded to 3 decimals).</summary>
    public double DurationGame { get; init; }

    /// <summary>Wall-clock seconds of the route (stored rounded to 3 decimals).</summary>
    public double DurationSystem { get; init; }

    /// <summary>Optional extra fields some leaderboard forks (Bench2Drive) add to a record; written after meta when set.</summary>
    public string? TownName { get; init; }

    public string? ScenarioName { get; init; }

    public string? WeatherId { get; init; }

    public string? SaveName { get; init; }
}
