using ControlRL.Core.Envs;
using ControlRL.Core.Rewards;
using ControlRL.Envs.Driving.Infractions;

namespace ControlRL.Envs.Driving.Rewards;

/// <summary>How CaRL's lane-centre penalty is computed (<see cref="CaRLRewardOptions.LaneDistance"/>).</summary>
public enum LaneDistancePenalty
{
    /// <summary>No lane-centre penalty (use_perc_progress 0).</summary>
    Off,

    /// <summary>
    /// The paper's and the final CARLA model's: progress x (1 - clip((lat - threshold) / (lane width / 2 - threshold),
    /// 0, 1) x softener) outside junctions (autonomousvision/CaRL CARLA/team_code/reward/simple_reward.py).
    /// </summary>
    Proportional,

    /// <summary>
    /// The earlier code's (CaRL team_code_roach/reward/simple_reward.py): a counter rises each step the ego is more
    /// than the threshold (rl_config's lane_distance_violation_threshold 0.5 m) from the lane centre and falls
    /// otherwise; while it exceeds <see cref="CaRLRewardOptions.LaneDistancePenaltySteps"/> (3 s, for lane changes)
    /// progress is halved.
    /// </summary>
    Counter,
}

/// <summary>
/// Switches and constants of <see cref="CaRLReward"/>, named after CaRL's rl_config.py; the defaults are the final
/// CARLA model's (the CaRL_300M training command: use_outside_route_lanes 1, speeding_infraction 1, use_ttc 1,
/// use_comfort_infraction 1 with comfort_penalty_factor 0.5, use_perc_progress 1 with lane_distance_violation_threshold
/// 0 and lane_dist_penalty_softener 1, terminal_reward 0, use_termination_hint 1 with terminal_hint 1 and
/// use_rl_termination_hint 1).
/// </summary>
public sealed record CaRLRewardOptions
{
    public static CaRLRewardOptions Default { get; } = new();

    /// <summary>use_outside_route_lanes: no progress while outside the route's lanes.</summary>
    public bool OutsideRouteLanes { get; init; } = true;

    /// <summary>speeding_infraction: progress x max(0, 1 - excess / <see cref="MaxOverspeed"/>) above the limit.</summary>
    public bool Speeding { get; init; } = true;

    /// <summary>max_overspeed_value_threshold (nuPlan's), m/s.</summary>
    public double MaxOverspeed { get; init; } = 2.23;

    /// <summary>use_ttc: progress x <see cref="TtcFactor"/> while the env's TTC penalty clock runs.</summary>
    public bool Ttc { get; init; } = true;

    /// <summary>The TTC penalty's factor (0.5 in CaRL's code).</summary>
    public double TtcFactor { get; init; } = 0.5;

    /// <summary>use_comfort_infraction: progress x (1 - <see cref="ComfortPenaltyFactor"/> x running comfort clocks / 6).</summary>
    public bool Comfort { get; init; } = true;

    /// <summary>comfort_penalty_factor: the penalty when all six comfort clocks run.</summary>
    public double ComfortPenaltyFactor { get; init; } = 0.5;

    /// <summary>use_perc_progress and its form.</summary>
    public LaneDistancePenalty LaneDistance { get; init; } = LaneDistancePenalty.Proportional;

    /// <summary>lane_distance_violation_threshold: the distance from the lane centre that is free, m.</summary>
    public double LaneDistanceThreshold { get; init; }

    /// <summary>lane_dist_penalty_softener: below 1 the proportional penalty never reaches zero progress.</summary>
    public double LaneDistanceSoftener { get; init; } = 1;

    /// <summary>lane_dist_penalty_time of the counter form, steps (3 s at 10 Hz).</summary>
    public int LaneDistancePenaltySteps { get; init; } = 30;

    /// <summary>terminal_reward: added when an episode terminates (0: "no penalty for finishing").</summary>
    public double TerminalReward { get; init; }

    /// <summary>use_termination_hint: subtract <see cref="TerminalHint"/> when a collision (or red light) terminates.</summary>
    public bool TerminationHint { get; init; } = true;

    /// <summary>terminal_hint.</summary>
    public double TerminalHint { get; init; } = 1;

    /// <summary>use_rl_termination_hint: the hint applies to red lights too, not only collisions.</summary>
    public bool HintOnRedLight { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming an option outside its range.</summary>
    public void Validate()
    {
        if (!(MaxOverspeed > 0)) throw new ArgumentException($"CaRL reward: {nameof(MaxOverspeed)} = {MaxOverspeed} must be positive m/s.");
        if (!(TtcFactor is >= 0 and <= 1)) throw new ArgumentException($"CaRL reward: {nameof(TtcFactor)} = {TtcFactor} must lie in [0, 1].");
        if (!(ComfortPenaltyFactor is >= 0 and <= 1)) throw new ArgumentException($"CaRL reward: {nameof(ComfortPenaltyFactor)} = {ComfortPenaltyFactor} must lie in [0, 1].");
        if (!(LaneDistanceThreshold >= 0)) throw new ArgumentException($"CaRL reward: {nameof(LaneDistanceThreshold)} = {LaneDistanceThreshold} must be metres >= 0.");
        if (!(LaneDistanceSoftener is >= 0 and <= 1)) throw new ArgumentException($"CaRL reward: {nameof(LaneDistanceSoftener)} = {LaneDistanceSoftener} must lie in [0, 1].");
        if (LaneDistancePenaltySteps < 0) throw new ArgumentException($"CaRL reward: {nameof(LaneDistancePenaltySteps)} = {LaneDistancePenaltySteps} must be >= 0.");
        if (!double.IsFinite(TerminalReward) || !double.IsFinite(TerminalHint)) throw new ArgumentException("CaRL reward: the terminal reward and hint must be finite.");
    }
}

/// <summary>
/// CaRL's simple reward (Jaeger et al. 2025, "CaRL: Learning Scalable Planning Policies with Simple Rewards";
/// autonomousvision/CaRL team_code_roach/reward/simple_reward.py, CARLA/team_code/reward/simple_reward.py):
/// <code>
/// progress = (RC_t - RC_(t-1)) x outside_lanes x speed x ttc x comfort x lane_distance     (RC in percent)
/// terminal = terminal_reward - terminal_hint [collision or red light]                       (on termination)
/// </code>
/// with outside_lanes 0 outside the route's lanes (else 1), speed max(0, 1 - excess / 2.23), ttc 0.5 while the TTC
/// clock runs, comfort 1 - 0.5 x running comfort clocks / 6, lane_distance 1 - clip(lat / (lane width / 2), 0, 1)
/// outside junctions. Terminations are the env's (<see cref="TerminationRules.CaRL"/>); the reward only reads them.
/// Terms <c>progress</c> and <c>terminal</c>; each factor is extra info (<c>carl/..._factor</c>, episode mean). Reads
/// the driving env's reward term <c>progress</c> and its info (docs/driving-rewards.md).
/// </summary>
public sealed class CaRLReward : IInfoReward
{
    private readonly CaRLRewardOptions _o;
    private int _progress, _outside, _excess, _ttc, _clocks, _laneOffset, _laneWidth, _junction, _end;
    private bool _bound;
    private int _laneCounter;

    public CaRLReward(CaRLRewardOptions? options = null)
    {
        _o = options ?? CaRLRewardOptions.Default;
        _o.Validate();
    }

    public CaRLRewardOptions Options => _o;
    public string Name => "CaRL";
    public IReadOnlyList<string> TermNames { get; } = ["progress", "terminal"];

    public IReadOnlyList<InfoSpec> ExtraInfo { get; } =
    [
        new("carl/outside_lanes_factor", InfoAggregation.Mean, "CaRL's progress factor for leaving the route's lanes (0 outside, else 1)"),
        new("carl/speed_factor", InfoAggregation.Mean, "CaRL's speeding factor max(0, 1 - excess / 2.23)"),
        new("carl/ttc_factor", InfoAggregation.Mean, "CaRL's time-to-collision factor (0.5 while the TTC clock runs)"),
        new("carl/comfort_factor", InfoAggregation.Mean, "CaRL's comfort factor 1 - 0.5 x running comfort clocks / 6"),
        new("carl/lane_distance_factor", InfoAggregation.Mean, "CaRL's lane-centre factor"),
    ];

    public void Bind(EnvSpec inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        const string who = "the CaRL reward";
        _progress = inner.RequireTerm("progress", who);
        _outside = inner.RequireInfo("outside_route_lanes", who);
        _excess = inner.RequireInfo("speed_excess", who);
        _ttc = inner.RequireInfo("ttc_penalty_active", who);
        _clocks = inner.RequireInfo("comfort_active_clocks", who);
        _laneOffset = inner.RequireInfo("lane_offset", who);
        _laneWidth = inner.RequireInfo("lane_width", who);
        _junction = inner.RequireInfo("in_junction", who);
        _end = inner.RequireInfo("end_reason", who);
        _bound = true;
    }

    public void Reset() => _laneCounter = 0;

    public void Step(ReadOnlySpan<float> innerTerms, ReadOnlySpan<float> innerInfo, bool terminated, bool truncated, Span<float> terms, Span<float> extraInfo)
    {
        if (!_bound) throw new InvalidOperationException("the CaRL reward is not bound to an env: call Bind first.");
        double outside = _o.OutsideRouteLanes && innerInfo[_outside] > 0.5f ? 0 : 1;
        double speed = _o.Speeding ? SpeedFactor(innerInfo[_excess], _o.MaxOverspeed) : 1;
        double ttc = _o.Ttc && innerInfo[_ttc] > 0.5f ? _o.TtcFactor : 1;
        double comfort = _o.Comfort ? 1 - _o.ComfortPenaltyFactor * innerInfo[_clocks] / 6.0 : 1;
        double lane = LaneFactor(innerInfo[_laneOffset], innerInfo[_laneWidth], innerInfo[_junction] > 0.5f);

        terms[0] = (float)(innerTerms[_progress] * outside * speed * ttc * comfort * lane);
        double terminal = 0;
        if (terminated)
        {
            terminal = _o.TerminalReward;
            var end = (EpisodeEnd)(int)innerInfo[_end];
            if (_o.TerminationHint && (end == EpisodeEnd.Collision || (_o.HintOnRedLight && end == EpisodeEnd.RedLight))) terminal -= _o.TerminalHint;
        }
        terms[1] = (float)terminal;
        extraInfo[0] = (float)outside;
        extraInfo[1] = (float)speed;
        extraInfo[2] = (float)ttc;
        extraInfo[3] = (float)comfort;
        extraInfo[4] = (float)lane;
    }

    /// <summary>CaRL's (and nuPlan's) speeding factor: 1 at or below the limit, linear to 0 at <paramref name="maxOverspeed"/> above it.</summary>
    public static double SpeedFactor(double excess, double maxOverspeed) => excess > 0 ? Math.Max(0, 1 - excess / maxOverspeed) : 1;

    private double LaneFactor(double offset, double width, bool junction)
    {
        switch (_o.LaneDistance)
        {
            case LaneDistancePenalty.Proportional:
            {
                if (junction) return 1;
                double span = Math.Max(width / 2 - _o.LaneDistanceThreshold, 1e-6);
                double violation = Math.Clamp((offset - _o.LaneDistanceThreshold) / span, 0, 1);
                return 1 - violation * _o.LaneDistanceSoftener;
            }
            case LaneDistancePenalty.Counter:
            {
                // Junctions leave the counter alone, as the code skips the whole check there.
                if (junction) return 1;
                if (offset - _o.LaneDistanceThreshold > 0) _laneCounter++;
                else if (_laneCounter > 0) _laneCounter--;
                return _laneCounter > _o.LaneDistancePenaltySteps ? 0.5 : 1;
            }
            default:
                return 1;
        }
    }
}
