using ControlRL.Core.Envs;
using ControlRL.Core.Rewards;
using ControlRL.Envs.Driving.Infractions;

namespace ControlRL.Envs.Driving.Rewards;

/// <summary>
/// Switches and constants of <see cref="CaRLNuPlanReward"/>, after DefaultRewardConfig in autonomousvision/CaRL
/// nuPlan/carl_nuplan/planning/gym/environment/reward_builder/default_reward_builder.py (its defaults).
/// </summary>
public sealed record CaRLNuPlanRewardOptions
{
    public static CaRLNuPlanRewardOptions Default { get; } = new();

    /// <summary>off_route_type v1: no progress off the route's roadblocks (here: outside the route's lanes).</summary>
    public bool OffRoute { get; init; } = true;

    /// <summary>lane_distance_type v1: 1 - <see cref="LaneDistanceMaxPenalty"/> x clip((lat - threshold) / (half width - threshold), 0, 1) on a lane (not a connector).</summary>
    public bool LaneDistance { get; init; } = true;

    /// <summary>lane_distance_violation_threshold, m.</summary>
    public double LaneDistanceThreshold { get; init; } = 0.5;

    /// <summary>The lane-distance factor's floor is 1 - this (0.5 in the code).</summary>
    public double LaneDistanceMaxPenalty { get; init; } = 0.5;

    /// <summary>Driving too fast: max(0, 1 - excess / <see cref="MaxOverspeed"/>), always on in the code.</summary>
    public bool Speeding { get; init; } = true;

    public double MaxOverspeed { get; init; } = 2.23;

    /// <summary>comfort_type kinematics: the fraction of nuPlan's six comfort metrics that stayed within their limits this episode.</summary>
    public bool Comfort { get; init; } = true;

    /// <summary>ttc_type v2: <see cref="TtcFactor"/> from the first time-to-collision violation to the end of the episode.</summary>
    public bool Ttc { get; init; } = true;

    /// <summary>FAIL_TTC.</summary>
    public double TtcFactor { get; init; } = 0.5;

    /// <summary>terminal_penalty (as a fraction of the route; scaled by <see cref="RewardFactor"/>), on terminations other than collisions.</summary>
    public double TerminalPenalty { get; init; }

    /// <summary>collision_terminal_penalty, on a collision.</summary>
    public double CollisionTerminalPenalty { get; init; }

    /// <summary>reward_factor: route completion is a fraction there, so 100 makes the progress term percent.</summary>
    public double RewardFactor { get; init; } = 100;

    /// <summary>Throws <see cref="ArgumentException"/> naming an option outside its range.</summary>
    public void Validate()
    {
        if (!(LaneDistanceThreshold >= 0)) throw new ArgumentException($"nuPlan reward: {nameof(LaneDistanceThreshold)} = {LaneDistanceThreshold} must be metres >= 0.");
        if (!(LaneDistanceMaxPenalty is >= 0 and <= 1)) throw new ArgumentException($"nuPlan reward: {nameof(LaneDistanceMaxPenalty)} = {LaneDistanceMaxPenalty} must lie in [0, 1].");
        if (!(MaxOverspeed > 0)) throw new ArgumentException($"nuPlan reward: {nameof(MaxOverspeed)} = {MaxOverspeed} must be positive m/s.");
        if (!(TtcFactor is >= 0 and <= 1)) throw new ArgumentException($"nuPlan reward: {nameof(TtcFactor)} = {TtcFactor} must lie in [0, 1].");
        if (!double.IsFinite(TerminalPenalty) || !double.IsFinite(CollisionTerminalPenalty)) throw new ArgumentException("nuPlan reward: the terminal penalties must be finite.");
        if (!(RewardFactor > 0) || !double.IsFinite(RewardFactor)) throw new ArgumentException($"nuPlan reward: {nameof(RewardFactor)} = {RewardFactor} must be positive.");
    }
}

/// <summary>
/// CaRL's nuPlan reward (the "regular" accumulation of DefaultRewardBuilder, autonomousvision/CaRL
/// nuPlan/carl_nuplan/planning/gym/environment/reward_builder/default_reward_builder.py):
/// <code>
/// r = reward_factor x [dRC x off_route x lane_distance x too_fast x comfort x ttc x (1 - term) + terminal_penalty]
/// </code>
/// dRC the route completion gained this step as a fraction (the env's <c>progress</c> / 100), term 1 on the step an
/// episode terminates (the env's <see cref="TerminationRules.NuPlan"/>: collisions, any corner off the drivable area,
/// plus the leaderboard's deviation, blocked and timeout), off_route 0 outside the route's lanes, lane_distance 1 - 0.5
/// x clip((lat - 0.5) / (half width - 0.5), 0, 1) on a lane (1 on a junction connector or off every lane), too_fast
/// max(0, 1 - excess / 2.23), comfort = comfort metrics never exceeded this episode / 6 (nuPlan's six, with
/// <c>ComfortLimits.NuPlan</c>), ttc 0.5 from the first violation on. The terminal penalty (0 by default) is added on
/// the terminating step only (the code adds whichever penalty applies every step; with its zero defaults the two
/// readings agree). Terms <c>progress</c> and <c>terminal</c>; factors as extra info <c>nuplan/..._factor</c>.
/// </summary>
public sealed class CaRLNuPlanReward : IInfoReward
{
    private readonly CaRLNuPlanRewardOptions _o;
    private int _progress, _outside, _excess, _ttc, _comfort, _laneOffset, _laneWidth, _junction, _end;
    private bool _bound, _ttcFailed;

    public CaRLNuPlanReward(CaRLNuPlanRewardOptions? options = null)
    {
        _o = options ?? CaRLNuPlanRewardOptions.Default;
        _o.Validate();
    }

    public CaRLNuPlanRewardOptions Options => _o;
    public string Name => "CaRL nuPlan";
    public IReadOnlyList<string> TermNames { get; } = ["progress", "terminal"];

    public IReadOnlyList<InfoSpec> ExtraInfo { get; } =
    [
        new("nuplan/off_route_factor", InfoAggregation.Mean, "nuPlan reward's off-route factor (0 outside the route's lanes)"),
        new("nuplan/lane_distance_factor", InfoAggregation.Mean, "nuPlan reward's lane-centre factor"),
        new("nuplan/speed_factor", InfoAggregation.Mean, "nuPlan reward's too-fast factor"),
        new("nuplan/comfort_factor", InfoAggregation.Mean, "nuPlan reward's comfort factor (metrics never exceeded / 6)"),
        new("nuplan/ttc_factor", InfoAggregation.Mean, "nuPlan reward's time-to-collision factor (0.5 after the first violation)"),
    ];

    public void Bind(EnvSpec inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        const string who = "the CaRL nuPlan reward";
        _progress = inner.RequireTerm("progress", who);
        _outside = inner.RequireInfo("outside_route_lanes", who);
        _excess = inner.RequireInfo("speed_excess", who);
        _ttc = inner.RequireInfo("ttc_violation", who);
        _comfort = inner.RequireInfo("comfort_metrics_violated", who);
        _laneOffset = inner.RequireInfo("lane_offset", who);
        _laneWidth = inner.RequireInfo("lane_width", who);
        _junction = inner.RequireInfo("in_junction", who);
        _end = inner.RequireInfo("end_reason", who);
        _bound = true;
    }

    public void Reset() => _ttcFailed = false;

    public void Step(ReadOnlySpan<float> innerTerms, ReadOnlySpan<float> innerInfo, bool terminated, bool truncated, Span<float> terms, Span<float> extraInfo)
    {
        if (!_bound) throw new InvalidOperationException("the CaRL nuPlan reward is not bound to an env: call Bind first.");
        _ttcFailed |= innerInfo[_ttc] > 0.5f;
        double offRoute = _o.OffRoute && innerInfo[_outside] > 0.5f ? 0 : 1;
        double lane = _o.LaneDistance ? LaneFactor(innerInfo[_laneOffset], innerInfo[_laneWidth], innerInfo[_junction] > 0.5f) : 1;
        double speed = _o.Speeding ? CaRLReward.SpeedFactor(innerInfo[_excess], _o.MaxOverspeed) : 1;
        double comfort = _o.Comfort ? 1 - Math.Clamp(innerInfo[_comfort], 0, 6) / 6.0 : 1;
        double ttc = _o.Ttc && _ttcFailed ? _o.TtcFactor : 1;

        double scale = _o.RewardFactor / 100;
        terms[0] = terminated ? 0f : (float)(scale * innerTerms[_progress] * offRoute * lane * speed * comfort * ttc);
        double penalty = 0;
        if (terminated) penalty = (EpisodeEnd)(int)innerInfo[_end] == EpisodeEnd.Collision ? _o.CollisionTerminalPenalty : _o.TerminalPenalty;
        terms[1] = (float)(_o.RewardFactor * penalty);
        extraInfo[0] = (float)offRoute;
        extraInfo[1] = (float)lane;
        extraInfo[2] = (float)speed;
        extraInfo[3] = (float)comfort;
        extraInfo[4] = (float)ttc;
    }

    // nuPlan measures from the lane that contains the ego's centre: none (factor 1) when it lies beyond the nearest
    // lane's edge, and connectors are not lanes.
    private double LaneFactor(double offset, double width, bool junction)
    {
        if (junction || offset > width / 2) return 1;
        double norm = (offset - _o.LaneDistanceThreshold) / (width / 2 - _o.LaneDistanceThreshold + 1e-6);
        return 1 - Math.Clamp(norm, 0, 1) * _o.LaneDistanceMaxPenalty;
    }
}
