using System.Globalization;
using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Leaderboard;

/// <summary>
/// The leaderboard's infraction kinds, in the order of its record's <c>infractions</c> keys
/// (carla-simulator/leaderboard, leaderboard/utils/statistics_manager.py, PENALTY_NAME_DICT, then route_timeout).
/// </summary>
public enum InfractionKind
{
    CollisionLayout,
    CollisionPedestrian,
    CollisionVehicle,
    RedLight,
    StopSign,
    OutsideRouteLanes,
    MinSpeed,
    YieldEmergencyVehicle,
    ScenarioTimeout,
    RouteDeviation,
    VehicleBlocked,
    RouteTimeout,
}

/// <summary>The JSON keys and fixed penalties of <see cref="InfractionKind"/>.</summary>
public static class InfractionKeys
{
    private static readonly string[] Names =
    [
        "collisions_layout", "collisions_pedestrian", "collisions_vehicle", "red_light", "stop_infraction",
        "outside_route_lanes", "min_speed_infractions", "yield_emergency_vehicle_infractions", "scenario_timeouts",
        "route_dev", "vehicle_blocked", "route_timeout",
    ];

    /// <summary>Every key, in the leaderboard's order.</summary>
    public static IReadOnlyList<string> All => Names;

    public static string Key(this InfractionKind kind) => Names[(int)kind];

    public static bool TryParse(string key, out InfractionKind kind)
    {
        int i = Array.IndexOf(Names, key);
        kind = (InfractionKind)Math.Max(i, 0);
        return i >= 0;
    }

    /// <summary>
    /// PENALTY_VALUE_DICT: the factor one event multiplies the penalty by, or null for the kinds whose factor depends
    /// on a percentage (outside route lanes, min speed) and for those that end the route without a penalty.
    /// </summary>
    public static double? FixedPenalty(this InfractionKind kind) => kind switch
    {
        InfractionKind.CollisionPedestrian => 0.5,
        InfractionKind.CollisionVehicle => 0.6,
        InfractionKind.CollisionLayout => 0.65,
        InfractionKind.RedLight => 0.7,
        InfractionKind.StopSign => 0.8,
        InfractionKind.ScenarioTimeout => 0.7,
        InfractionKind.YieldEmergencyVehicle => 0.7,
        _ => null,
    };
}

/// <summary>
/// One traffic event of a route: its kind, the leaderboard's message text (what the results file stores) and, for
/// outside-route-lanes and min-speed events, the percentage the penalty uses. Build them with the factory methods,
/// which write the messages exactly as carla-simulator/scenario_runner (branch leaderboard-2.0,
/// srunner/scenariomanager/scenarioatomics/atomic_criteria.py) and the leaderboard's statistics manager do:
/// numbers appear as Python's <c>str(round(x, 3))</c> (so 5011.3, not 5011.300).
/// </summary>
public sealed record Infraction(InfractionKind Kind, string Message, double? Percentage = null)
{
    /// <summary>
    /// CollisionTest's event: the kind follows the other actor's CARLA type id ('static' or 'traffic' but not
    /// 'sidewalk' -> layout, then 'vehicle' -> vehicle, 'walker' -> pedestrian); null for any other actor, which the
    /// leaderboard ignores. <paramref name="actorId"/> is the actor's id (0 for map geometry).
    /// </summary>
    public static Infraction? Collision(string typeId, long actorId, double x, double y, double z)
    {
        ArgumentNullException.ThrowIfNull(typeId);
        InfractionKind kind;
        if ((typeId.Contains("static", StringComparison.Ordinal) || typeId.Contains("traffic", StringComparison.Ordinal))
            && !typeId.Contains("sidewalk", StringComparison.Ordinal))
            kind = InfractionKind.CollisionLayout;
        else if (typeId.Contains("vehicle", StringComparison.Ordinal)) kind = InfractionKind.CollisionVehicle;
        else if (typeId.Contains("walker", StringComparison.Ordinal)) kind = InfractionKind.CollisionPedestrian;
        else return null;
        return new(kind, $"Agent collided against object with type={typeId} and id={Int(actorId)} at {Location(x, y, z)}");
    }

    /// <summary>RunningRedLightTest: <paramref name="x"/>.. is the traffic light's location.</summary>
    public static Infraction RedLight(long lightId, double x, double y, double z) =>
        new(InfractionKind.RedLight, $"Agent ran a red light {Int(lightId)} at {Location(x, y, z)}");

    /// <summary>RunningStopTest: <paramref name="x"/>.. is the stop sign's location.</summary>
    public static Infraction StopSign(long stopId, double x, double y, double z) =>
        new(InfractionKind.StopSign, $"Agent ran a stop with id={Int(stopId)} at {Location(x, y, z)}");

    /// <summary>
    /// OutsideRouteLanesTest's single event: <paramref name="meters"/> driven outside the route's lanes,
    /// <paramref name="percent"/> of the driven route (wrong distance / driven distance x 100, unrounded). The penalty
    /// uses the unrounded percentage; the message shows both rounded.
    /// </summary>
    public static Infraction OutsideRouteLanes(double meters, double percent) =>
        new(InfractionKind.OutsideRouteLanes,
            $"Agent went outside its route lanes for about {PyMath.Repr(PyMath.Round(meters, 3))} meters ({PyMath.Repr(PyMath.Round(percent, 2))}% of the completed route)",
            percent);

    /// <summary>
    /// MinimumSpeedRouteTest's event for one failed quarter of the route: the ego's mean speed as a percentage of the
    /// surrounding traffic's (below 100). The leaderboard rounds it to 2 decimals before both message and penalty.
    /// </summary>
    public static Infraction MinSpeed(double percent)
    {
        double p = PyMath.Round(percent, 2);
        return new(InfractionKind.MinSpeed, $"Average speed is {PyMath.Repr(p)}% of the surrounding traffic's one", p);
    }

    /// <summary>InRouteTest: the ego left the route (ends the route).</summary>
    public static Infraction RouteDeviation(double x, double y, double z) =>
        new(InfractionKind.RouteDeviation, $"Agent deviated from the route at {Location(x, y, z)}");

    /// <summary>ActorBlockedTest: the ego stood still too long (ends the route).</summary>
    public static Infraction Blocked(double x, double y, double z) =>
        new(InfractionKind.VehicleBlocked, $"Agent got blocked at {Location(x, y, z)}");

    /// <summary>The route's time budget ran out (the statistics manager's own message; ends the route).</summary>
    public static Infraction RouteTimeout() => new(InfractionKind.RouteTimeout, "Route timeout.");

    /// <summary>A scenario's timeout criterion.</summary>
    public static Infraction ScenarioTimeout() => new(InfractionKind.ScenarioTimeout, "Agent timed out a scenario");

    /// <summary>YieldToEmergencyVehicleTest.</summary>
    public static Infraction YieldEmergencyVehicle() => new(InfractionKind.YieldEmergencyVehicle, "Agent failed to yield to an emergency vehicle");

    /// <summary>
    /// The factor this event multiplies the route's penalty by (statistics_manager.py, compute_route_statistics):
    /// a fixed one, <c>1 - 0.3 (1 - p/100)</c> for min speed, <c>1 - p/100</c> for outside route lanes, 1 for the
    /// events that end the route.
    /// </summary>
    public double PenaltyFactor => Factor(Kind, Percentage);

    /// <summary><see cref="PenaltyFactor"/> of an event of <paramref name="kind"/> with <paramref name="percentage"/> (needed by min speed and outside route lanes).</summary>
    public static double Factor(InfractionKind kind, double? percentage) => kind.FixedPenalty() ?? kind switch
    {
        // PENALTY_PERC_DICT: [0.7, 'decreases'] and [0, 'increases'].
        InfractionKind.MinSpeed => 1 - (1 - 0.7) * (1 - percentage!.Value / 100),
        InfractionKind.OutsideRouteLanes => 1 - (1 - 0) * percentage!.Value / 100,
        _ => 1.0,
    };

    private static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Location(double x, double y, double z) =>
        $"(x={PyMath.Repr(PyMath.Round(x, 3))}, y={PyMath.Repr(PyMath.Round(y, 3))}, z={PyMath.Repr(PyMath.Round(z, 3))})";
}
