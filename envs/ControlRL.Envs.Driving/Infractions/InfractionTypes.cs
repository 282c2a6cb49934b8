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
    /// <summary>The message the leaderboard writes for this event (<see cref="LeaderboardInfractions.ToLeaderboard"/>).</summary>
    public string Message() => this.ToLeaderboard()?.Message ?? Kind.ToString();
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
    /// Python's round(x, n) for n in 0..15: x times 10^n rounded half-even from its exact binary value, then divided
    /// by 10^n (one correctly rounded division, as Python converts the rounded decimal back). Exact 128-bit integer
    /// arithmetic, no allocation (it runs every step).
    /// </summary>
    public static double Round(double x, int digits)
    {
        if (digits is < 0 or > 15) throw new ArgumentOutOfRangeException(nameof(digits), digits, "0..15 decimal digits.");
        if (!double.IsFinite(x) || x == 0) return x;
        long bits = BitConverter.DoubleToInt64Bits(x);
        bool neg = bits < 0;
        int exp = (int)((bits >> 52) & 0x7FF);
        ulong mant = (ulong)bits & 0xFFFFFFFFFFFFFUL;
        if (exp == 0) exp = 1; else mant |= 1UL << 52;
        int e = exp - 1075;               // |x| = mant * 2^e
        if (e >= 0) return x;             // an integer already (|x| >= 2^52)
        int shift = -e;
        ulong pow = 1;
        for (int i = 0; i < digits; i++) pow *= 10;
        UInt128 n = (UInt128)mant * pow;  // |x| 10^digits = n / 2^shift, n < 2^103
        // Tiny x: n < 2^103 <= 2^(shift - 1), below one half.
        if (shift >= 127) return neg ? -0.0 : 0.0;
        UInt128 k = n >> shift;
        UInt128 rem = n - (k << shift);
        UInt128 half = UInt128.One << (shift - 1);
        if (rem > half || (rem == half && (k & 1) == 1)) k++;
        if (k > (UInt128)(1UL << 53)) return x;
        double r = (double)(ulong)k / pow;
        return neg ? -r : r;
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
