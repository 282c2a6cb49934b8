using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Leaderboard;

/// <summary>
/// One route's record from its facts, as carla-simulator/leaderboard's <c>compute_route_statistics</c>
/// (leaderboard/utils/statistics_manager.py, branch leaderboard-2.0) computes it:
/// <list type="bullet">
/// <item>score_route: the completion rounded to 2 decimals (RouteCompletionTest), or the integer 100 when the target
/// was reached; then rounded to 6.</item>
/// <item>score_penalty: 1.0 multiplied by every event's factor (<see cref="Infraction.PenaltyFactor"/>), rounded to 6.</item>
/// <item>score_composed: round(max(score_route x unrounded penalty, 0.0), 6).</item>
/// <item>status: Perfect / Completed (target reached without / with any infraction message), else Failed, with
/// " - " and the last failure message: the external one, then "Agent timed out" for a route timeout, then
/// "Agent deviated from the route" / "Agent got blocked" for those events in criteria order.</item>
/// </list>
/// Floating-point products depend on their order, so the factors are applied in the order the leaderboard visits
/// its criteria (leaderboard/scenarios/route_scenario.py, <c>_create_test_criteria</c>): outside route lanes,
/// collisions, red lights, stop signs, min speed, route deviation, blocked, then the scenarios' own criteria
/// (scenario timeouts, yielding to emergency vehicles); events of one criterion keep the given order.
/// </summary>
public static class RouteScoring
{
    public static RouteRecord Compute(RouteFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        Validate(facts);

        var lists = InfractionKeys.All.Select(_ => new List<string>()).ToArray();
        string failure = facts.Failure is RouteFailure.SimulationCrashed or RouteFailure.SensorsInvalid
            or RouteFailure.AgentSetupFailed or RouteFailure.AgentCrashed ? facts.Failure.Message() : "";
        double penalty = 1.0;
        PyNumber scoreRoute = PyNumber.Float(0.0);

        if (facts.ScenarioLoaded)
        {
            if (facts.Infractions.Any(i => i.Kind == InfractionKind.RouteTimeout))
            {
                lists[(int)InfractionKind.RouteTimeout].Add(Infraction.RouteTimeout().Message);
                failure = RouteFailure.AgentTimedOut.Message();
            }
            foreach (var e in facts.Infractions.Where(i => i.Kind != InfractionKind.RouteTimeout).OrderBy(i => CriteriaRank(i.Kind)))
            {
                // OrderBy is stable: one criterion's events keep their order.
                switch (e.Kind)
                {
                    case InfractionKind.RouteDeviation:
                        failure = RouteFailure.RouteDeviation.Message();
                        break;
                    case InfractionKind.VehicleBlocked:
                        failure = RouteFailure.AgentBlocked.Message();
                        break;
                    default:
                        penalty *= e.PenaltyFactor;
                        break;
                }
                lists[(int)e.Kind].Add(e.Message);
            }
            // RouteCompletionTest: round(completion, 2) while driving, the integer 100 on success.
            scoreRoute = facts.TargetReached ? PyNumber.Int(100) : PyNumber.Float(PyMath.Round(facts.RouteCompletion, 2));
        }
        bool targetReached = scoreRoute.Value >= 100;

        var scores = new RouteScores(
            scoreRoute.Round(6),
            PyNumber.Float(PyMath.Round(penalty, 6)),
            PyNumber.Max(scoreRoute * PyNumber.Float(penalty), PyNumber.Float(0.0)).Round(6));
        long count = lists.Sum(l => (long)l.Count);
        string status = targetReached
            ? count > 0 ? "Completed" : "Perfect"
            : failure.Length > 0 ? "Failed - " + failure : "Failed";

        var extra = new List<KeyValuePair<string, PyJsonValue>>();
        void Add(string key, string? value)
        {
            if (value is not null) extra.Add(new(key, new PyJsonString(value)));
        }
        Add("scenario_name", facts.ScenarioName);
        Add("weather_id", facts.WeatherId);
        Add("save_name", facts.SaveName);
        Add("town_name", facts.TownName);

        return new RouteRecord
        {
            Index = facts.Index,
            RouteId = facts.RouteId,
            Status = status,
            NumInfractions = count,
            Infractions = lists,
            Scores = scores,
            // set_scenario never ran when the scenario failed to load: the manager's route length is still the integer 0.
            Meta = new RouteMeta(
                facts.ScenarioLoaded ? PyNumber.Float(PyMath.Round(facts.RouteLength, 3)) : PyNumber.Int(0),
                PyNumber.Float(PyMath.Round(facts.DurationGame, 3)),
                PyNumber.Float(PyMath.Round(facts.DurationSystem, 3))),
            Extra = extra,
        };
    }

    /// <summary>Position of an event's criterion in the route's criteria tree.</summary>
    private static int CriteriaRank(InfractionKind kind) => kind switch
    {
        InfractionKind.OutsideRouteLanes => 0,
        InfractionKind.CollisionLayout or InfractionKind.CollisionPedestrian or InfractionKind.CollisionVehicle => 1,
        InfractionKind.RedLight => 2,
        InfractionKind.StopSign => 3,
        InfractionKind.MinSpeed => 4,
        InfractionKind.RouteDeviation => 5,
        InfractionKind.VehicleBlocked => 6,
        _ => 7, // scenario criteria come after the route's
    };

    private static void Validate(RouteFacts f)
    {
        if (string.IsNullOrEmpty(f.RouteId)) throw new ArgumentException("RouteId is empty.", nameof(f));
        if (f.Index < 0) throw new ArgumentException($"Index must be >= 0 (got {f.Index}).", nameof(f));
        if (!double.IsFinite(f.RouteLength) || f.RouteLength < 0)
            throw new ArgumentException($"RouteLength must be a finite number of metres >= 0 (got {f.RouteLength}).", nameof(f));
        if (!double.IsFinite(f.RouteCompletion) || f.RouteCompletion < 0 || f.RouteCompletion > 100)
            throw new ArgumentException($"RouteCompletion must be a percentage from 0 to 100 (got {f.RouteCompletion}).", nameof(f));
        if (!double.IsFinite(f.DurationGame) || !double.IsFinite(f.DurationSystem))
            throw new ArgumentException("DurationGame and DurationSystem must be finite.", nameof(f));
        ArgumentNullException.ThrowIfNull(f.Infractions);
        foreach (var i in f.Infractions)
        {
            ArgumentNullException.ThrowIfNull(i, nameof(f));
            if (i.Kind is InfractionKind.MinSpeed or InfractionKind.OutsideRouteLanes && i.Percentage is not { } p)
                throw new ArgumentException($"A {i.Kind.Key()} event needs its percentage.", nameof(f));
            if (i.Percentage is { } q && (!double.IsFinite(q) || q < 0))
                throw new ArgumentException($"A {i.Kind.Key()} event has percentage {q}; it must be finite and >= 0.", nameof(f));
        }
        // One event each: the route timeout is a flag of the route, OutsideRouteLanesTest updates its single event.
        foreach (var single in new[] { InfractionKind.RouteTimeout, InfractionKind.OutsideRouteLanes })
            if (f.Infractions.Count(i => i.Kind == single) > 1)
                throw new ArgumentException($"At most one {single.Key()} event per route.", nameof(f));
        if (!f.ScenarioLoaded && (f.Failure != RouteFailure.SimulationCrashed || f.Infractions.Count > 0 || f.TargetReached))
            throw new ArgumentException("A route whose scenario did not load has failure SimulationCrashed, no events and no target reached.", nameof(f));
        var needs = f.Failure switch
        {
            RouteFailure.AgentTimedOut => InfractionKind.RouteTimeout,
            RouteFailure.RouteDeviation => InfractionKind.RouteDeviation,
            RouteFailure.AgentBlocked => InfractionKind.VehicleBlocked,
            _ => (InfractionKind?)null,
        };
        if (needs is { } kind && f.Infractions.All(i => i.Kind != kind))
            throw new ArgumentException($"Failure {f.Failure} comes from a {kind.Key()} event; add it to Infractions.", nameof(f));
    }
}
