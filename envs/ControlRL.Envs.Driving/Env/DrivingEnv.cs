using System.Diagnostics;
using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;
using ControlRL.Core.Tasks;
using ControlRL.Envs.Driving.Bev;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Env;

/// <summary>How a driving env is set up (what <c>Driving-v0</c> and its variants register).</summary>
public sealed record DrivingEnvOptions
{
    public string Id { get; init; } = DrivingEnv.EnvId;

    /// <summary>The BEV raster (default 64x64 at 1 px/m; <see cref="BevConfig.CaRL"/> for 256x256 at 2 px/m).</summary>
    public BevConfig Bev { get; init; } = BevConfig.Default;

    /// <summary>Which infractions end a sampled training episode (CaRL's by default). Assigned benchmark routes always use the leaderboard's.</summary>
    public TerminationRules Rules { get; init; } = TerminationRules.CaRL;

    /// <summary>Towns training routes are drawn from (default: the shipped training towns).</summary>
    public IReadOnlyList<string>? TrainingTowns { get; init; }

    /// <summary>CaRL's eval_time: the remaining-time value measurement counts down from it, seconds.</summary>
    public double EvalTime { get; init; } = 1200;

    /// <summary>CaRL's ttc_penalty_ticks and comfort_penalty_ticks: how long a violation stays in the value measurements, steps.</summary>
    public int PenaltyTicks { get; init; } = 500;

    /// <summary>The ego forecast horizon of CaRL's TTC check (ego_forecast_time), seconds: a smaller time to collision is a violation.</summary>
    public double TtcThreshold { get; init; } = 1.0;

    /// <summary>Comfort limits (CaRL's CARLA values of rl_config.py; nuPlan's are tighter): lon accel min/max, |lat accel|, |jerk|, |lon jerk|, |yaw rate|, |yaw accel|.</summary>
    public ComfortLimits Comfort { get; init; } = ComfortLimits.CaRLCarla;
}

/// <summary>Comfort bounds: CaRL checks six signals against them (team_code rl_config.py).</summary>
public sealed record ComfortLimits(double MinLonAccel, double MaxLonAccel, double MaxLatAccel, double MaxJerk, double MaxLonJerk, double MaxYawRate, double MaxYawAccel)
{
    /// <summary>CaRL's CARLA configuration (loose: only clear violations count).</summary>
    public static ComfortLimits CaRLCarla { get; } = new(-20, 10, 9, 30, 30, 1.0, 3.0);

    /// <summary>nuPlan's comfort metric (nuplan-devkit ego_is_comfortable).</summary>
    public static ComfortLimits NuPlan { get; } = new(-4.05, 2.40, 4.89, 8.37, 4.13, 0.95, 1.93);
}

/// <summary>
/// The built-in driving simulator as an env: a CARLA-leaderboard-like route in a town with traffic, observed as
/// CaRL observes CARLA. Observation: Dict {<c>bev</c>: H x W x 10 uint8 raster (<see cref="BevChannel"/>),
/// <c>measurements</c>: CaRL's 8 (steer, throttle, brake, gear, vx, vy, speed, speed limit), <c>value_measurements</c>:
/// CaRL's 10 critic-only inputs (remaining time, time until blocked, route left / 100 m, TTC and six comfort penalty
/// clocks)}. Action: [steer, acceleration] in [-1, 1], as CARLA's VehicleControl: positive steer turns right, negative
/// acceleration brakes (the world's own convention is counter-clockwise, so steer and vy are mirrored here). 10 Hz.
/// Reward terms: <c>progress</c> (route completion gained this step, percent: CaRL's progress term) and <c>terminal</c>
/// (CaRL's -1 hint when a collision or red light ends the episode). The registered ids (<see cref="DrivingEnvs"/>)
/// replace them with a reward of <c>Rewards/</c> (CaRL's, Roach's, CaRL's nuPlan one) computed from these terms and
/// the info channel (<see cref="InfoNames"/>). Infractions are events with positions, named by their
/// leaderboard keys. Sampled training episodes end by the options' rules (CaRL's by default); a route assigned by a benchmark
/// (<see cref="Assign"/>) is judged as the leaderboard judges it, and its facts are kept for scoring
/// (<see cref="TakeFinished"/>).
/// </summary>
public sealed class DrivingEnv : IEnv, IEventSource, IRenderable, IParameterizedEnv
{
    public const string EnvId = "Driving-v0";

    /// <summary>Per-step info metrics, in buffer order.</summary>
    public static IReadOnlyList<InfoSpec> InfoNames { get; } =
    [
        new("route_completion", InfoAggregation.Last, "route completion in percent, as the leaderboard computes it"),
        new("driving_score", InfoAggregation.Last, "route completion x infraction penalty so far (the leaderboard's score_composed)"),
        new("infraction_penalty", InfoAggregation.Last, "product of the leaderboard's penalty factors so far"),
        new("collisions", InfoAggregation.Sum, "collisions with pedestrians, vehicles and the layout"),
        new("red_lights", InfoAggregation.Sum, "red lights run"),
        new("stop_infractions", InfoAggregation.Sum, "stop signs run"),
        new("outside_route_lanes", InfoAggregation.Mean, "1 while outside the route's lanes (CaRL zeroes progress then)"),
        new("speed_excess", InfoAggregation.Max, "speed above the limit, m/s"),
        new("lane_centre_distance", InfoAggregation.Mean, "|lateral offset from the route| / half the lane width"),
        new("off_road", InfoAggregation.Max, "fraction of the ego's footprint off the drivable area"),
        new("ttc_violation", InfoAggregation.Mean, "1 when the time to collision is under the ego forecast horizon"),
        new("comfort_violations", InfoAggregation.Mean, "comfort limits exceeded this step (0..6)"),
        new("speed", InfoAggregation.Mean, "ego speed, m/s"),
        new("end_reason", InfoAggregation.Last, "why the episode ended (EpisodeEnd code; 0 while running)"),
        // What the rewards of Rewards/ read (docs/driving-rewards.md); appended so the indices above stay.
        new("ttc_penalty_active", InfoAggregation.Mean, "1 while CaRL's TTC penalty clock runs (500 steps after a violation)"),
        new("comfort_active_clocks", InfoAggregation.Mean, "comfort penalty clocks running (0..6; CaRL's comfort penalty counts them)"),
        new("comfort_metrics_violated", InfoAggregation.Last, "comfort metrics exceeded at least once this episode (0..6; nuPlan's comfort score)"),
        new("lane_offset", InfoAggregation.Mean, "|lateral offset| of the ego's centre from the nearest lane's centre line, m"),
        new("lane_width", InfoAggregation.Mean, "width of that nearest lane, m"),
        new("in_junction", InfoAggregation.Mean, "1 when that nearest lane is a junction connector"),
        new("route_lateral", InfoAggregation.Mean, "|lateral distance| of the ego's centre from the route, m"),
        new("route_heading_error", InfoAggregation.Mean, "|ego heading - route heading|, rad"),
        new("hazard_vehicle_distance", InfoAggregation.Mean, "Roach's hazard vehicle ahead (within 9.5 m, 45 degrees), m; 1000 when none"),
        new("hazard_pedestrian_distance", InfoAggregation.Mean, "Roach's hazard pedestrian ahead (off the sidewalk, within 9.5 m), m; 1000 when none"),
        new("hazard_light_distance", InfoAggregation.Mean, "red or yellow light on the ego's lane (within 18 m): distance to its stop line, m; 1000 when none"),
        new("hazard_stop_distance", InfoAggregation.Mean, "stop sign still to stop at: distance to its trigger volume, m; 1000 when none"),
        new("speed_limit", InfoAggregation.Mean, "speed limit of the ego's lane, m/s"),
        new("steer", InfoAggregation.Mean, "steer applied this step, CARLA's sign (positive right)"),
        new("prev_steer", InfoAggregation.Mean, "steer applied the step before (0 after a reset)"),
    ];

    /// <summary>Event kinds: the leaderboard's infraction keys, in <see cref="InfractionKind"/> order.</summary>
    public static IReadOnlyList<string> EventNames { get; } = [.. Enum.GetValues<InfractionKind>().Select(k => k.LeaderboardKey())];

    public static readonly IReadOnlyList<string> RewardTermNames = ["progress", "terminal"];

    private readonly DrivingEnvOptions _o;
    private readonly TrainingScenarios _training;
    private readonly Dictionary<RoadNetwork, BevRenderer> _renderers = [];
    private readonly Dictionary<RoadNetwork, HazardScan> _hazards = [];
    private readonly Rng _rng = new(0);
    private readonly float[] _task = new float[TrainingScenarios.Space.Size];
    private readonly List<EnvEvent> _pendingEvents = new(64);
    private readonly int[] _comfortTicks = new int[6];
    private readonly bool[] _comfortEver = new bool[6];
    private readonly ComfortFilter _comfortFilter = new(DrivingWorld.Dt);
    private readonly Stopwatch _clock = new();
    private bool _taskSet;
    private DrivingScenario? _assigned;
    private TerminationRules? _assignedRules;
    private DrivingScenario? _scenario;
    private DrivingWorld? _world;
    private InfractionMonitor? _monitor;
    private BevRenderer? _renderer;
    private HazardScan? _hazard;
    private RouteRun? _finished;
    private double _lastCompletion;
    private int _ttcTicks;
    private float _prevSteer;
    private bool _ended;

    public DrivingEnv(DrivingEnvOptions? options = null)
    {
        _o = options ?? new DrivingEnvOptions();
        _o.Bev.Validate();
        _o.Rules.Validate();
        _training = new TrainingScenarios(_o.TrainingTowns);
        Spec = Describe(_o);
    }

    /// <summary>The spec of an env with these options, without building it.</summary>
    public static EnvSpec Describe(DrivingEnvOptions? options = null)
    {
        var o = options ?? new DrivingEnvOptions();
        var obs = new Dict(
            ("bev", o.Bev.ObservationSpace()),
            ("measurements", Box.Uniform(EgoMeasurements.Count, float.NegativeInfinity, float.PositiveInfinity)),
            ("value_measurements", Box.Uniform(ValueMeasurementCount, float.NegativeInfinity, float.PositiveInfinity)));
        return new EnvSpec(o.Id, obs, Box.Uniform(2, -1f, 1f), DrivingWorld.Dt, 1, 0, RewardTermNames)
        {
            Info = InfoNames,
            Events = EventNames,
            Notes = $"ControlRL's built-in driving simulator at 10 Hz: procedurally generated towns, IDM traffic, pedestrians, "
                + $"lights and stop signs; CaRL's BEV ({o.Bev.Width}x{o.Bev.Height} at {o.Bev.PixelsPerMetre} px/m, 10 channels), measurements "
                + "and value measurements; infractions and route completion as the CARLA leaderboard 2.0 counts them. "
                + "See docs/driving.md.",
        };
    }

    /// <summary>CaRL's value-only measurements: remaining time, time until blocked, route left, TTC clock, six comfort clocks.</summary>
    public const int ValueMeasurementCount = 10;

    public EnvSpec Spec { get; }
    public DrivingEnvOptions Options => _o;

    /// <summary>The world of the current episode (null before the first reset): the expert and tests read it.</summary>
    public DrivingWorld? World => _world;

    /// <summary>The infraction monitor of the current episode.</summary>
    public InfractionMonitor? Monitor => _monitor;

    /// <summary>The scenario being driven.</summary>
    public DrivingScenario? Scenario => _scenario;

    public TaskSpace TaskSpace => TrainingScenarios.Space;

    /// <summary>Traffic of the next sampled training episode (a curriculum's choice).</summary>
    public void SetTask(ReadOnlySpan<float> task)
    {
        TaskSpace.Validate(task, Spec.Id);
        task.CopyTo(_task);
        _taskSet = true;
    }

    /// <summary>
    /// The scenario the next reset drives (also the vector env's autoreset), judged by the leaderboard's rules; null
    /// returns to sampled training scenarios. Stays in force until replaced, so every following episode repeats it.
    /// </summary>
    public void Assign(DrivingScenario? scenario)
    {
        _assigned = scenario;
        _assignedRules = null;
    }

    /// <summary>Tests: as <see cref="Assign(DrivingScenario?)"/>, but the scenario ends by <paramref name="rules"/> (a training episode's) instead of the leaderboard's.</summary>
    internal void Assign(DrivingScenario scenario, TerminationRules rules)
    {
        _assigned = scenario;
        _assignedRules = rules;
    }

    /// <summary>The facts of the last finished episode, once (null if none finished since the last call).</summary>
    public RouteRun? TakeFinished()
    {
        var r = _finished;
        _finished = null;
        return r;
    }

    public void Reset(ObsRow observation, ulong? seed = null)
    {
        if (seed is { } s) _rng.Seed(s);
        var scenario = _assigned ?? _training.Next(_rng, _taskSet ? _task : []);
        var rules = _assigned is null ? _o.Rules : _assignedRules ?? TerminationRules.Leaderboard;
        var town = scenario.Route.Town;
        _world = new DrivingWorld(town, scenario.Route, scenario.World);
        // An assigned route's traffic depends on its own seed only, so it is the same in whichever sub-env runs it.
        _world.Reset(_assigned is null ? _rng.NextUInt64() : scenario.Seed);
        _monitor = new InfractionMonitor(_world, rules);
        _monitor.Reset();
        if (!_renderers.TryGetValue(town, out var renderer)) _renderers[town] = renderer = new BevRenderer(town, _o.Bev);
        _renderer = renderer;
        _renderer.SetRoute(scenario.Route);
        if (!_hazards.TryGetValue(town, out var hazard)) _hazards[town] = hazard = new HazardScan(town);
        _hazard = hazard;
        _scenario = scenario;
        _pendingEvents.Clear();
        Array.Clear(_comfortTicks);
        Array.Clear(_comfortEver);
        _ttcTicks = 0;
        _prevSteer = 0;
        _lastCompletion = _monitor.RouteCompletionRaw;
        _comfortFilter.Reset();
        _ended = false;
        _clock.Restart();
        Episode++;
        WriteObservation(observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default)
    {
        var world = _world ?? throw new InvalidOperationException($"{Spec.Id}: Step before Reset.");
        var monitor = _monitor!;
        if (_ended) throw new InvalidOperationException($"{Spec.Id}: the episode has ended; call Reset.");
        if (action.Length != 2)
            throw new InvalidActionException($"{Spec.Id} takes 2 action values (steer, acceleration), got {action.Length}.");
        if (!float.IsFinite(action[0]) || !float.IsFinite(action[1]))
            throw new InvalidActionException($"{Spec.Id}: action [{action[0]}, {action[1]}] is not finite.");
        world.Step(SteerFromWorld(Math.Clamp(action[0], -1f, 1f)), Math.Clamp(action[1], -1f, 1f));
        var end = monitor.Update();
        foreach (var e in monitor.StepEvents)
            _pendingEvents.Add(new EnvEvent((int)e.Kind, (float)e.Position.X, (float)e.Position.Y, EventValue(e, world)));

        double completion = monitor.RouteCompletionRaw;
        float progress = (float)(completion - _lastCompletion);
        _lastCompletion = completion;
        bool collisionOrRed = end is EpisodeEnd.Collision or EpisodeEnd.RedLight;
        float terminal = collisionOrRed ? -1f : 0f;
        if (rewardTerms.Length >= 2)
        {
            rewardTerms[0] = progress;
            rewardTerms[1] = terminal;
        }

        int comfort = UpdateComfort(world);
        double ttc = monitor.Trace.Count > 0 ? monitor.Trace.MinTimeToCollision[^1] : double.PositiveInfinity;
        bool ttcViolation = ttc < _o.TtcThreshold;
        _ttcTicks = ttcViolation ? _o.PenaltyTicks : Math.Max(0, _ttcTicks - 1);
        if (info.Length >= InfoNames.Count) WriteInfo(info, world, monitor, comfort, ttcViolation, end);
        _prevSteer = SteerFromWorld((float)world.Ego.Steer);

        bool ended = end != EpisodeEnd.None;
        // The leaderboard's completion and CaRL's "route end truncates"; the episode cap truncates unless the rules
        // count it as a termination (CaRL's timeout).
        bool truncated = end is EpisodeEnd.Completed || (end is EpisodeEnd.MaxTime && !monitor.Rules.TimeoutTerminates);
        bool terminated = ended && !truncated;
        if (ended)
        {
            _ended = true;
            monitor.Finish();
            _finished = new RouteRun(_scenario!, [.. monitor.Events], monitor.RouteCompletion, monitor.RouteCompleted, end,
                monitor.LeaderboardEnd, world.Time, _clock.Elapsed.TotalSeconds, world.StepCount, monitor.Trace);
        }
        WriteObservation(observation);
        return new StepOutcome(progress + terminal, terminated, truncated);
    }

    private static float EventValue(in InfractionEvent e, DrivingWorld world) => e.Kind switch
    {
        InfractionKind.OutsideRouteLanes => (float)e.Metres,
        InfractionKind.MinSpeed => (float)e.Percentage,
        _ => (float)world.Ego.Speed,
    };

    // Six comfort signals, as CaRL filters them, against their limits; each violation restarts its penalty clock
    // (CaRL's comfort infraction). Nothing is judged during the first seven steps (the filters' history).
    private int UpdateComfort(DrivingWorld world)
    {
        var ego = world.Ego;
        var c = _o.Comfort;
        var f = _comfortFilter;
        f.Add(ego.LongitudinalAccel, ego.LateralAccel, ego.Heading);
        bool ready = f.Ready;
        int violations = 0;
        Tick(0, ready && (f.LonAccel < c.MinLonAccel || f.LonAccel > c.MaxLonAccel));
        Tick(1, ready && Math.Abs(f.LatAccel) > c.MaxLatAccel);
        Tick(2, ready && Math.Abs(f.Jerk) > c.MaxJerk);
        Tick(3, ready && Math.Abs(f.LonJerk) > c.MaxLonJerk);
        Tick(4, ready && Math.Abs(f.YawRate) > c.MaxYawRate);
        Tick(5, ready && Math.Abs(f.YawAccel) > c.MaxYawAccel);
        return violations;

        void Tick(int i, bool violated)
        {
            if (violated)
            {
                violations++;
                _comfortTicks[i] = _o.PenaltyTicks;
                _comfortEver[i] = true;
            }
            else if (_comfortTicks[i] > 0) _comfortTicks[i]--;
        }
    }

    private void WriteInfo(Span<float> info, DrivingWorld world, InfractionMonitor monitor, int comfort, bool ttcViolation, EpisodeEnd end)
    {
        double penalty = LeaderboardPenalty(monitor);
        double laneWidth = world.Town.Lanes[world.RouteInfo.LaneAt(world.RouteProgress)].Width;
        int collisions = 0, red = 0, stop = 0;
        foreach (var e in monitor.StepEvents)
        {
            if (e.Kind.IsCollision()) collisions++;
            else if (e.Kind == InfractionKind.RedLight) red++;
            else if (e.Kind == InfractionKind.StopSign) stop++;
        }
        info[0] = (float)monitor.RouteCompletion;
        info[1] = (float)(monitor.RouteCompletion * penalty);
        info[2] = (float)penalty;
        info[3] = collisions;
        info[4] = red;
        info[5] = stop;
        info[6] = monitor.OutsideRouteLanesNow ? 1f : 0f;
        info[7] = (float)Math.Max(0, world.Ego.Speed - world.SpeedLimit);
        info[8] = (float)Math.Clamp(Math.Abs(world.RouteLateral) / (laneWidth / 2), 0, 1);
        info[9] = (float)monitor.OffRoadFraction;
        info[10] = ttcViolation ? 1f : 0f;
        info[11] = comfort;
        info[12] = (float)world.Ego.Speed;
        info[13] = (int)end;

        int clocks = 0, ever = 0;
        for (int i = 0; i < 6; i++)
        {
            if (_comfortTicks[i] > 0) clocks++;
            if (_comfortEver[i]) ever++;
        }
        info[14] = _ttcTicks > 0 ? 1f : 0f;
        info[15] = clocks;
        info[16] = ever;
        // CaRL's lane distance projects the ego onto the nearest driving lane (CARLA's get_waypoint, project_to_road).
        if (world.Surface.Nearest(world.Ego.Position, out var hit))
        {
            var lane = world.Town.Lanes[hit.Lane];
            info[17] = (float)Math.Abs(hit.Lateral);
            info[18] = (float)lane.Width;
            info[19] = lane.InJunction ? 1f : 0f;
        }
        else
        {
            info[17] = (float)Math.Abs(world.RouteLateral);
            info[18] = (float)laneWidth;
            info[19] = 0f;
        }
        info[20] = (float)Math.Abs(world.RouteLateral);
        info[21] = (float)Math.Abs(world.RouteHeadingError);
        var hazard = _hazard!;
        hazard.Update(world, monitor);
        info[22] = hazard.Vehicle;
        info[23] = hazard.Pedestrian;
        info[24] = hazard.Light;
        info[25] = hazard.Stop;
        info[26] = (float)world.SpeedLimit;
        info[27] = SteerFromWorld((float)world.Ego.Steer);
        info[28] = _prevSteer;
    }

    /// <summary>The leaderboard's penalty so far: the product of its factors over the episode's events (the scoring project's).</summary>
    internal static double LeaderboardPenalty(InfractionMonitor monitor)
    {
        double p = 1;
        // Indexed: a foreach over the interface would box the list's enumerator every step.
        var events = monitor.Events;
        for (int i = 0; i < events.Count; i++)
            p *= Scoring.Leaderboard.Infraction.Factor(events[i].Kind.LeaderboardKind(), events[i].Percentage);
        return p;
    }

    private void WriteObservation(ObsRow o)
    {
        var world = _world!;
        var scene = new BevScene(world.Town, world.Route, world.EgoBox, world.Actors, world.SignalStates) { RouteProgress = world.RouteProgress };
        _renderer!.Render(scene, o.UInt8(0));
        var m = o.Float(1);
        world.Measurements.CopyTo(m);
        // CARLA's signs (CaRL's measurements): steer positive to the right, vy positive to the right.
        m[0] = SteerFromWorld(m[0]);
        m[5] = -m[5];
        var v = o.Float(2);
        v[0] = (float)((_o.EvalTime - world.Time) / _o.EvalTime);
        v[1] = (float)(_monitor!.TimeUntilBlocked / _monitor.BlockedTime);
        v[2] = (float)(world.DistanceToRouteEnd / 100);
        v[3] = _ttcTicks / (float)_o.PenaltyTicks;
        for (int i = 0; i < 6; i++) v[4 + i] = _comfortTicks[i] / (float)_o.PenaltyTicks;
    }

    /// <summary>Mirrors a steer between the world's convention (positive turns left) and CARLA's (positive turns right); its own inverse.</summary>
    public static float SteerFromWorld(float steer) => -steer;

    /// <summary>Counts resets (a policy that keeps per-episode state restarts when it changes).</summary>
    public int Episode { get; private set; } = -1;

    public int DrainEvents(Span<EnvEvent> destination)
    {
        int n = _pendingEvents.Count;
        for (int i = 0; i < n && i < destination.Length; i++) destination[i] = _pendingEvents[i];
        _pendingEvents.Clear();
        return n;
    }

    public int RenderWidth { get; private set; } = 512;
    public int RenderHeight { get; private set; } = 512;

    /// <summary>Frame size 32..2048 on each side (the BEV's colour view); 512x512 by default.</summary>
    public void SetRenderSize(int width, int height)
    {
        if (width is < 32 or > 2048) throw new ArgumentOutOfRangeException(nameof(width), width, $"{Spec.Id}: render width must be within 32..2048.");
        if (height is < 32 or > 2048) throw new ArgumentOutOfRangeException(nameof(height), height, $"{Spec.Id}: render height must be within 32..2048.");
        RenderWidth = width;
        RenderHeight = height;
    }

    public void Render(Span<byte> rgb)
    {
        var world = _world ?? throw new InvalidOperationException($"{Spec.Id}: Render before Reset.");
        var scene = new BevScene(world.Town, world.Route, world.EgoBox, world.Actors, world.SignalStates) { RouteProgress = world.RouteProgress };
        _renderer!.RenderRgb(scene, rgb, RenderWidth, RenderHeight);
    }

    public void Dispose() { }
}
