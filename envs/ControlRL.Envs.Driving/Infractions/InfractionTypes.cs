using System.Globalization;
using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Infractions;

/// <summary>
/// The leaderboard's traffic events (scenario_runner leaderboard-2.0, srunner/scenariomanager/traffic_events.py, as
/// leaderboard/utils/statistics_manager.py names them in results files: <see cref="InfractionKinds.LeaderboardKey"/>).
/// </summary>
public enum InfractionKind
{
    CollisionPedestrian,
    CollisionVehicle,

    /// <summary>Static objects and the layout (CARLA: COLLISION_STATIC; "collisions_layout").</summary>
    CollisionLayout,
    RedLight,
    StopSign,
    OutsideRouteLanes,
    RouteDeviation,
    VehicleBlocked,
    MinSpeed,
    RouteTimeout,
    ScenarioTimeout,
}

public static class InfractionKinds
{
    /// <summary>The key of the infraction in a leaderboard results file.</summary>
    public static string LeaderboardKey(this InfractionKind kind) => kind switch
    {
        InfractionKind.CollisionPedestrian => "collisions_pedestrian",
        InfractionKind.CollisionVehicle => "collisions_vehicle",
        InfractionKind.CollisionLayout => "collisions_layout",
        InfractionKind.RedLight => "red_light",
        InfractionKind.StopSign => "stop_infraction",
        InfractionKind.OutsideRouteLanes => "outside_route_lanes",
        InfractionKind.RouteDeviation => "route_dev",
        InfractionKind.VehicleBlocked => "vehicle_blocked",
        InfractionKind.MinSpeed => "min_speed_infractions",
        InfractionKind.RouteTimeout => "route_timeout",
        InfractionKind.ScenarioTimeout => "scenario_timeouts",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool IsCollision(this InfractionKind kind) => kind is InfractionKind.CollisionPedestrian or InfractionKind.CollisionVehicle or InfractionKind.CollisionLayout;
}

/// <summary>
/// One infraction, with what the leaderboard's message needs: step and time, the ego's position (the light's or
/// stop's stop line for those), the other actor (kind and id; id 0 and no kind for the layout), the signal id, and
/// for outside-route-lanes the metres and percentage (the event is updated in place as it grows, as the leaderboard
/// does), for minimum speed the percentage.
/// </summary>
public readonly record struct InfractionEvent(
    InfractionKind Kind,
    int Step,
    double Time,
    Vec2 Position,
    ActorKind? OtherKind = null,
    int OtherId = 0,
    int SignalId = -1,
    double Metres = 0,
    double Percentage = 0)
{
    /// <summary>The message the leaderboard writes for this event (positions at z = 0).</summary>
    public string Message() => Kind switch
    {
        InfractionKind.CollisionPedestrian or InfractionKind.CollisionVehicle or InfractionKind.CollisionLayout =>
            $"Agent collided against object with type={TypeId(OtherKind)} and id={OtherId} at {At(Position)}",
        InfractionKind.RedLight => $"Agent ran a red light {SignalId} at {At(Position)}",
        InfractionKind.StopSign => $"Agent ran a stop with id={SignalId} at {At(Position)}",
        InfractionKind.OutsideRouteLanes =>
            $"Agent went outside its route lanes for about {PyFloat.Str(PyFloat.Round(Metres, 3))} meters ({PyFloat.Str(PyFloat.Round(Percentage, 2))}% of the completed route)",
        InfractionKind.RouteDeviation => $"Agent deviated from the route at {At(Position)}",
        InfractionKind.VehicleBlocked => $"Agent got blocked at {At(Position)}",
        InfractionKind.MinSpeed => $"Average speed is {PyFloat.Str(Percentage)}% of the surrounding traffic's one",
        InfractionKind.RouteTimeout => "Route timeout.",
        InfractionKind.ScenarioTimeout => "Agent timed out a scenario",
        _ => Kind.ToString(),
    };

    /// <summary>A CARLA-like blueprint id for the other actor.</summary>
    public static string TypeId(ActorKind? kind) => kind switch
    {
        ActorKind.Vehicle => "vehicle.traffic",
        ActorKind.ParkedVehicle => "vehicle.parked",
        ActorKind.Pedestrian => "walker.pedestrian",
        ActorKind.StaticObject => "static.prop",
        _ => "static.layout",
    };

    private static string At(Vec2 p) =>
        $"(x={PyFloat.Str(PyFloat.Round(p.X, 3))}, y={PyFloat.Str(PyFloat.Round(p.Y, 3))}, z=0.0)";
}

/// <summary>Why an episode ended (or <see cref="None"/> while it runs).</summary>
public enum EpisodeEnd
{
    None,

    /// <summary>Route completed (RouteCompletionTest: > 99 % and within 10 m of the end).</summary>
    Completed,
    RouteDeviation,
    Blocked,
    RouteTimeout,
    Collision,
    RedLight,
    StopSign,

    /// <summary>Too much of the ego's footprint off the drivable area (CaRL's off_road_term).</summary>
    OffRoad,
    OutsideRouteLanes,
    ScenarioTimeout,

    /// <summary>The episode's time cap (CaRL's eval_time).</summary>
    MaxTime,
}

/// <summary>
/// Which detections end an episode. Detection (<see cref="InfractionMonitor"/>) is separate: it records every
/// infraction; these rules only decide termination. <see cref="Leaderboard"/>: the leaderboard ends a route only on
/// completion, route deviation, being blocked and the route timeout. <see cref="CaRL"/>: CaRL's simple reward also
/// terminates on collisions, red lights, stop signs, and more than 95 % of the footprint off-road, with an episode
/// cap of 1200 s (autonomousvision/CaRL team_code_roach/reward/simple_reward.py and rl_config.py: off_road_term_perc,
/// eval_time; REFERENCE section 4).
/// </summary>
public sealed record TerminationRules
{
    public static TerminationRules Leaderboard { get; } = new();

    public static TerminationRules CaRL { get; } = new()
    {
        EndOnCollision = true,
        EndOnRedLight = true,
        EndOnStopSign = true,
        MaxOffRoadFraction = 0.95,
        MaxEpisodeTime = 1200,
    };

    public bool EndOnRouteDeviation { get; init; } = true;
    public bool EndOnBlocked { get; init; } = true;
    public bool EndOnRouteTimeout { get; init; } = true;
    public bool EndOnCollision { get; init; }
    public bool EndOnRedLight { get; init; }
    public bool EndOnStopSign { get; init; }
    public bool EndOnOutsideRouteLanes { get; init; }
    public bool EndOnScenarioTimeout { get; init; }

    /// <summary>End when the fraction of the ego's footprint off the drivable area exceeds this (1 or more: never).</summary>
    public double MaxOffRoadFraction { get; init; } = 1;

    /// <summary>End after this many seconds (infinity: never).</summary>
    public double MaxEpisodeTime { get; init; } = double.PositiveInfinity;
}

/// <summary>Python's float rounding and str() for leaderboard-identical messages (round(x, n) is correctly rounded from the exact binary value).</summary>
public static class PyFloat
{
    /// <summary>
    /// Python's round(x, n) for n in 0..15: the double nearest to x rounded half-even in decimal from its exact binary
    /// value. Allocation-free (it runs every step).
    /// </summary>
    public static double Round(double x, int digits)
    {
        if (!double.IsFinite(x)) return x;
        if (digits is < 0 or > 15) throw new ArgumentOutOfRangeException(nameof(digits), digits, "0..15 decimal digits.");
        // "F" with enough digits prints the exact binary value's decimal expansion (cut far beyond any tie).
        Span<char> format = stackalloc char[3];
        format[0] = 'F';
        int precision = digits + 40;
        format[1] = (char)('0' + precision / 10);
        format[2] = (char)('0' + precision % 10);
        Span<char> text = stackalloc char[400];
        if (!x.TryFormat(text, out int n, format, CultureInfo.InvariantCulture)) return Math.Round(x, digits, MidpointRounding.ToEven);
        text = text[..n];
        bool neg = text[0] == '-';
        int start = neg ? 1 : 0;
        int dot = text.IndexOf('.');
        int keep = dot + 1 + digits;
        var tail = text[keep..];
        int first = tail[0] - '0';
        bool restZero = tail[1..].IndexOfAnyExcept('0') < 0;
        char last = digits > 0 ? text[keep - 1] : text[dot - 1];
        bool up = first > 5 || (first == 5 && (!restZero || (last - '0') % 2 == 1));
        // Digits without the point, with room for a carry.
        Span<char> d = stackalloc char[keep + 2];
        int m = 0;
        d[m++] = '0';
        for (int i = start; i < keep; i++)
            if (text[i] != '.') d[m++] = text[i];
        if (up)
            for (int i = m - 1; i >= 0; i--)
            {
                if (d[i] == '9') d[i] = '0';
                else
                {
                    d[i]++;
                    break;
                }
            }
        // Integer digits times 10^-digits, parsed exactly as Python converts the decimal string back.
        Span<char> outText = stackalloc char[m + 8];
        int o = 0;
        if (neg) outText[o++] = '-';
        d[..m].CopyTo(outText[o..]);
        o += m;
        outText[o++] = 'e';
        outText[o++] = '-';
        if (digits >= 10) outText[o++] = (char)('0' + digits / 10);
        outText[o++] = (char)('0' + digits % 10);
        return double.Parse(outText[..o], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>Python's str(float) for the usual magnitudes: shortest round-trip digits, at least one decimal.</summary>
    public static string Str(double x)
    {
        if (double.IsNaN(x)) return "nan";
        if (double.IsInfinity(x)) return x > 0 ? "inf" : "-inf";
        string r = x.ToString("R", CultureInfo.InvariantCulture);
        if (r.Contains('E')) return r.Replace("E", "e");
        return r.Contains('.') ? r : r + ".0";
    }
}
