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

    /// <summary>Too far sideways from the route and moving farther (Roach's lateral-distance termination).</summary>
    LateralDeviation,
}

/// <summary>
/// Which detections end an episode. Detection (<see cref="InfractionMonitor"/>) is separate: it records every
/// infraction; these rules only decide termination. <see cref="Leaderboard"/>: the leaderboard ends a route only on
/// completion, route deviation, being blocked (180 s) and the route timeout. The training rules of the three rewards
/// (docs/driving-rewards.md) add to them: <see cref="CaRL"/>, <see cref="Roach"/>, <see cref="NuPlan"/>.
/// </summary>
public sealed record TerminationRules
{
    public static TerminationRules Leaderboard { get; } = new();

    /// <summary>
    /// CaRL's simple reward (autonomousvision/CaRL team_code_roach/reward/simple_reward.py with the final CARLA
    /// model's settings): also ends on collisions, red lights (not yellow: penalize_yellow_light 0), stop signs run,
    /// 90 s at a standstill (its reward/criteria/blocked.py), more than 95 % of the footprint off the drivable area
    /// (off_road_term_perc) and the 1200 s cap (eval_time), which it counts as a termination, not a truncation.
    /// </summary>
    public static TerminationRules CaRL { get; } = new()
    {
        EndOnCollision = true,
        EndOnRedLight = true,
        EndOnStopSign = true,
        BlockedTime = 90,
        MaxOffRoadFraction = 0.95,
        MaxEpisodeTime = 1200,
        TimeoutTerminates = true,
    };

    /// <summary>
    /// Roach's training terminal (zhejz/carla-roach carla_gym/core/task_actor/ego_vehicle/terminal/valeo_no_det_px.py):
    /// collisions, red lights, stop signs run, 90 s at a standstill (carla_gym's blocked criterion) and the lateral
    /// distance from the route above 3.5 m while growing (<see cref="MaxRouteLateral"/>). Roach's training routes never
    /// end; here the 1200 s cap truncates.
    /// </summary>
    public static TerminationRules Roach { get; } = new()
    {
        EndOnCollision = true,
        EndOnRedLight = true,
        EndOnStopSign = true,
        BlockedTime = 90,
        MaxRouteLateral = 3.5,
        MaxEpisodeTime = 1200,
    };

    /// <summary>
    /// CaRL's nuPlan reward (CaRL nuPlan/carl_nuplan/planning/gym/environment/reward_builder/default_reward_builder.py,
    /// DefaultRewardConfig's defaults): hard constraints are collisions (not while the ego stands, as our collision
    /// test already has it) and leaving the drivable area with any corner of the footprint (off_road_violation_threshold
    /// 0). Its red-light constraint is off by default and blocked and stop signs are not implemented there, so they do
    /// not end an episode here either; the leaderboard's route deviation, blocked and route timeout stay (nuPlan's
    /// 15 s logs need none of them; our routes are long).
    /// </summary>
    public static TerminationRules NuPlan { get; } = new()
    {
        EndOnCollision = true,
        MaxCornerOffRoad = 0,
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

    /// <summary>
    /// Seconds below 0.1 m/s that count as blocked, when <see cref="EndOnBlocked"/> (the leaderboard's ActorBlockedTest:
    /// 180). A shorter time ends the episode earlier; the leaderboard's own blocked infraction is still recorded at 180 s.
    /// </summary>
    public double BlockedTime { get; init; } = 180;

    /// <summary>End when the fraction of the ego's footprint off the drivable area exceeds this (1 or more: never).</summary>
    public double MaxOffRoadFraction { get; init; } = 1;

    /// <summary>End when a corner of the ego's footprint lies farther than this outside the drivable area, m (infinity: never).</summary>
    public double MaxCornerOffRoad { get; init; } = double.PositiveInfinity;

    /// <summary>
    /// Roach's lateral rule, m (infinity: never): the episode ends when the distance from the route exceeds
    /// max(this, last step's distance) by more than 0.01 m, unless it jumped by more than 0.8 m in one step (a route
    /// point switch).
    /// </summary>
    public double MaxRouteLateral { get; init; } = double.PositiveInfinity;

    /// <summary>End after this many seconds (infinity: never).</summary>
    public double MaxEpisodeTime { get; init; } = double.PositiveInfinity;

    /// <summary>Whether reaching <see cref="MaxEpisodeTime"/> terminates the episode (CaRL) rather than truncating it.</summary>
    public bool TimeoutTerminates { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming a rule outside its range.</summary>
    public void Validate()
    {
        if (!(BlockedTime > 0)) throw new ArgumentException($"termination rules: {nameof(BlockedTime)} = {BlockedTime} must be positive seconds.");
        if (!(MaxOffRoadFraction >= 0)) throw new ArgumentException($"termination rules: {nameof(MaxOffRoadFraction)} = {MaxOffRoadFraction} must be a fraction >= 0.");
        if (!(MaxCornerOffRoad >= 0)) throw new ArgumentException($"termination rules: {nameof(MaxCornerOffRoad)} = {MaxCornerOffRoad} must be metres >= 0.");
        if (!(MaxRouteLateral > 0)) throw new ArgumentException($"termination rules: {nameof(MaxRouteLateral)} = {MaxRouteLateral} must be positive metres.");
        if (!(MaxEpisodeTime > 0)) throw new ArgumentException($"termination rules: {nameof(MaxEpisodeTime)} = {MaxEpisodeTime} must be positive seconds.");
    }
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
