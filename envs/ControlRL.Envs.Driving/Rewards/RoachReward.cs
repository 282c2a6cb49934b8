using ControlRL.Core.Envs;
using ControlRL.Core.Rewards;
using ControlRL.Envs.Driving.Infractions;

namespace ControlRL.Envs.Driving.Rewards;

/// <summary>
/// Constants of <see cref="RoachReward"/>, as zhejz/carla-roach carla_gym/core/task_actor/ego_vehicle/reward/valeo_action.py
/// and terminal/valeo_no_det_px.py have them (CaRL's rl_config.py names them rr_*).
/// </summary>
public sealed record RoachRewardOptions
{
    public static RoachRewardOptions Default { get; } = new();

    /// <summary>_maxium_speed (rr_maximum_speed): the desired speed on a free road, m/s.</summary>
    public double MaxSpeed { get; init; } = 6.0;

    /// <summary>use_speed_limit_as_max_speed (CaRL's option, off in Roach): the lane's limit replaces <see cref="MaxSpeed"/>.</summary>
    public bool SpeedLimitAsMaxSpeed { get; init; }

    /// <summary>A hazard vehicle's distance at which the desired speed reaches 0, m.</summary>
    public double VehicleStopDistance { get; init; } = 8.0;

    /// <summary>A hazard pedestrian's, m.</summary>
    public double PedestrianStopDistance { get; init; } = 6.0;

    /// <summary>A red or yellow light's stop line's, m.</summary>
    public double LightStopDistance { get; init; } = 5.0;

    /// <summary>Over how many metres beyond the stop distance the desired speed rises to the maximum (vehicles, pedestrians, lights).</summary>
    public double SlowDownRange { get; init; } = 5.0;

    /// <summary>
    /// A pending stop sign's trigger volume's stop distance and ramp, m. Roach has 5 and 5 for leaderboard 1.0's stop
    /// test; CaRL's port (team_code_roach/reward/roach_reward.py) uses the 2.0 test's PROXIMITY_THRESHOLD 4 for both,
    /// as our stop test is 2.0's.
    /// </summary>
    public double StopSignStopDistance { get; init; } = 4.0;

    public double StopSignSlowDownRange { get; init; } = 4.0;

    /// <summary>r_position = -lateral distance / this, m.</summary>
    public double LateralScale { get; init; } = 2.0;

    /// <summary>r_action: a steer change above this (in [-1, 1] units) costs <see cref="SteerChangePenalty"/>.</summary>
    public double SteerChangeThreshold { get; init; } = 0.01;

    public double SteerChangePenalty { get; init; } = 0.1;

    /// <summary>Subtracted on every termination.</summary>
    public double TerminalPenalty { get; init; } = 1.0;

    /// <summary>Also subtract the speed (m/s) when a collision, a red light or a stop sign terminates the episode.</summary>
    public bool SpeedPenaltyOnInfraction { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming an option outside its range.</summary>
    public void Validate()
    {
        Positive(MaxSpeed, nameof(MaxSpeed));
        Positive(SlowDownRange, nameof(SlowDownRange));
        Positive(StopSignSlowDownRange, nameof(StopSignSlowDownRange));
        Positive(LateralScale, nameof(LateralScale));
        NonNegative(VehicleStopDistance, nameof(VehicleStopDistance));
        NonNegative(PedestrianStopDistance, nameof(PedestrianStopDistance));
        NonNegative(LightStopDistance, nameof(LightStopDistance));
        NonNegative(StopSignStopDistance, nameof(StopSignStopDistance));
        NonNegative(SteerChangeThreshold, nameof(SteerChangeThreshold));
        NonNegative(SteerChangePenalty, nameof(SteerChangePenalty));
        NonNegative(TerminalPenalty, nameof(TerminalPenalty));

        static void Positive(double v, string name)
        {
            if (!(v > 0) || !double.IsFinite(v)) throw new ArgumentException($"Roach reward: {name} = {v} must be a positive number.");
        }

        static void NonNegative(double v, string name)
        {
            if (!(v >= 0) || !double.IsFinite(v)) throw new ArgumentException($"Roach reward: {name} = {v} must be a number >= 0.");
        }
    }
}

/// <summary>
/// Roach's summed shaped reward (Zhang et al. 2021, "End-to-End Urban Driving by Imitating a Reinforcement Learning
/// Coach"; zhejz/carla-roach carla_gym/core/task_actor/ego_vehicle/reward/valeo_action.py and
/// terminal/valeo_no_det_px.py), the baseline the CaRL paper argues against:
/// <code>
/// r = r_speed + r_position + r_rotation + r_action + r_terminal
/// r_speed    = 1 - |v - v_desired| / v_max                  v_max = 6 m/s
/// v_desired  = min(v_max, v_max x clip(d_hazard - d_stop, 0, ramp) / ramp over vehicles (8 m), pedestrians (6 m),
///              red/yellow lights (5 m; ramp 5 m) and a pending stop sign (4 m; ramp 4 m))
/// r_position = -|lateral distance from the route| / 2
/// r_rotation = -|heading error to the route| (rad)
/// r_action   = -0.1 if |steer_t - steer_(t-1)| > 0.01
/// r_terminal = -1 on termination, and -speed more for a collision, a red light or a stop sign run
/// </code>
/// Terminations are the env's (<see cref="TerminationRules.Roach"/>). Terms <c>speed</c>, <c>position</c>,
/// <c>rotation</c>, <c>action</c>, <c>terminal</c>; the desired speed is extra info <c>roach/desired_speed</c>.
/// </summary>
public sealed class RoachReward : IInfoReward
{
    private readonly RoachRewardOptions _o;
    private int _speed, _limit, _lateral, _heading, _steer, _prevSteer, _vehicle, _pedestrian, _light, _stop, _end;
    private bool _bound;

    public RoachReward(RoachRewardOptions? options = null)
    {
        _o = options ?? RoachRewardOptions.Default;
        _o.Validate();
    }

    public RoachRewardOptions Options => _o;
    public string Name => "Roach";
    public IReadOnlyList<string> TermNames { get; } = ["speed", "position", "rotation", "action", "terminal"];

    public IReadOnlyList<InfoSpec> ExtraInfo { get; } =
    [
        new("roach/desired_speed", InfoAggregation.Mean, "Roach's desired speed from the hazards ahead, m/s"),
    ];

    public void Bind(EnvSpec inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        const string who = "the Roach reward";
        _speed = inner.RequireInfo("speed", who);
        _limit = inner.RequireInfo("speed_limit", who);
        _lateral = inner.RequireInfo("route_lateral", who);
        _heading = inner.RequireInfo("route_heading_error", who);
        _steer = inner.RequireInfo("steer", who);
        _prevSteer = inner.RequireInfo("prev_steer", who);
        _vehicle = inner.RequireInfo("hazard_vehicle_distance", who);
        _pedestrian = inner.RequireInfo("hazard_pedestrian_distance", who);
        _light = inner.RequireInfo("hazard_light_distance", who);
        _stop = inner.RequireInfo("hazard_stop_distance", who);
        _end = inner.RequireInfo("end_reason", who);
        _bound = true;
    }

    public void Reset() { }

    public void Step(ReadOnlySpan<float> innerTerms, ReadOnlySpan<float> innerInfo, bool terminated, bool truncated, Span<float> terms, Span<float> extraInfo)
    {
        if (!_bound) throw new InvalidOperationException("the Roach reward is not bound to an env: call Bind first.");
        double v = innerInfo[_speed];
        double vMax = _o.SpeedLimitAsMaxSpeed ? innerInfo[_limit] : _o.MaxSpeed;
        double desired = vMax;
        desired = Math.Min(desired, Ramp(vMax, innerInfo[_vehicle], _o.VehicleStopDistance, _o.SlowDownRange));
        desired = Math.Min(desired, Ramp(vMax, innerInfo[_pedestrian], _o.PedestrianStopDistance, _o.SlowDownRange));
        desired = Math.Min(desired, Ramp(vMax, innerInfo[_light], _o.LightStopDistance, _o.SlowDownRange));
        desired = Math.Min(desired, Ramp(vMax, innerInfo[_stop], _o.StopSignStopDistance, _o.StopSignSlowDownRange));

        terms[0] = (float)(1 - Math.Abs(v - desired) / vMax);
        terms[1] = (float)(-innerInfo[_lateral] / _o.LateralScale);
        terms[2] = -innerInfo[_heading];
        terms[3] = Math.Abs(innerInfo[_steer] - innerInfo[_prevSteer]) > _o.SteerChangeThreshold ? (float)-_o.SteerChangePenalty : 0f;
        double terminal = 0;
        if (terminated)
        {
            terminal = -_o.TerminalPenalty;
            var end = (EpisodeEnd)(int)innerInfo[_end];
            if (_o.SpeedPenaltyOnInfraction && end is EpisodeEnd.Collision or EpisodeEnd.RedLight or EpisodeEnd.StopSign) terminal -= v;
        }
        terms[4] = (float)terminal;
        extraInfo[0] = (float)desired;
    }

    // v_max x clip(d - stop, 0, range) / range; a hazard distance of 1000 (none) leaves v_max.
    private static double Ramp(double vMax, double distance, double stop, double range) =>
        vMax * Math.Clamp(distance - stop, 0, range) / range;
}
