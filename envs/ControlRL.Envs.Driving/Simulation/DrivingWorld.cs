using ControlRL.Core.Random;
using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>
/// The 10 Hz driving world on one route of one town: the ego (a kinematic bicycle), lane-following traffic with IDM
/// car-following and junction rules, pedestrians on sidewalks and crosswalks, parked cars, lane-blocking obstacle
/// scenarios and mid-block jaywalkers, and fixed-time traffic lights. <see cref="Reset"/> places the ego at the route
/// start and spawns everything from the seed; <see cref="Step(double, double)"/> advances 0.1 s. A seed fixes a
/// rollout. Actor pools are allocated once; stepping allocates nothing.
/// </summary>
public sealed partial class DrivingWorld
{
    /// <summary>Seconds per step (10 Hz).</summary>
    public const double Dt = 0.1;

    private readonly WorldOptions _o;
    private readonly Rng _rng = new(1);
    private readonly ActorState[] _actors;
    private int _actorCount;
    private int _nextId;
    private double _clockShift;
    private bool _ready;

    public DrivingWorld(RoadNetwork town, Route route, WorldOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(town);
        ArgumentNullException.ThrowIfNull(route);
        if (!ReferenceEquals(route.Town, town)) throw new ArgumentException($"route '{route.Id}' belongs to town '{route.Town.Name}', not to '{town.Name}'.", nameof(route));
        _o = options ?? new WorldOptions();
        _o.Validate();
        Town = town;
        Route = route;
        RouteInfo = new RouteInfo(route);
        Surface = SurfaceIndex.For(town);
        Conflicts = JunctionConflicts.For(town);
        Signals = new SignalController(town);
        Ego = new EgoVehicle(_o.Ego);
        _actors = new ActorState[_o.MaxVehicles + _o.MaxPedestrians + _o.MaxParked + _o.MaxStatic];
        InitTraffic();
        InitPedestrians();
        InitScenarios();
    }

    public RoadNetwork Town { get; }
    public Route Route { get; private set; }
    public RouteInfo RouteInfo { get; private set; }

    /// <summary>
    /// Switches to another route of the same town (takes effect at the next <see cref="Reset"/>; call it before).
    /// Allocates the route's derived tables, so switch between episodes, not during one.
    /// </summary>
    public void SetRoute(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (!ReferenceEquals(route.Town, Town)) throw new ArgumentException($"route '{route.Id}' belongs to town '{route.Town.Name}', not to '{Town.Name}'.", nameof(route));
        if (ReferenceEquals(route, Route)) return;
        Route = route;
        RouteInfo = new RouteInfo(route);
        InitParking();
        _ready = false;
    }
    public WorldOptions Options => _o;
    public SurfaceIndex Surface { get; }
    public JunctionConflicts Conflicts { get; }
    public SignalController Signals { get; }
    public EgoVehicle Ego { get; }

    /// <summary>Seconds since reset.</summary>
    public double Time { get; private set; }

    public int StepCount { get; private set; }

    /// <summary>The seed of the last reset (before mixing with <see cref="WorldOptions.TrafficSeed"/>).</summary>
    public ulong Seed { get; private set; }

    /// <summary>Every actor besides the ego after the last step: moving vehicles, pedestrians, parked cars, static objects (stable order: by kind, then pool slot).</summary>
    public ReadOnlySpan<ActorState> Actors => _actors.AsSpan(0, _actorCount);

    public LightState SignalState(int signalId) => Signals.State(signalId);

    /// <summary>Light state per signal id (stop signs read <see cref="LightState.Red"/>).</summary>
    public ReadOnlySpan<LightState> SignalStates => Signals.States;

    public OrientedBox EgoBox => Ego.Box;
    public double EgoSpeed => Ego.Speed;

    // ---- ego localisation (updated each step) ----

    /// <summary>The ego's arc length along the route path (box centre projected), m.</summary>
    public double RouteProgress { get; private set; }

    /// <summary>Signed distance of the ego's centre from the route path (left positive), m.</summary>
    public double RouteLateral { get; private set; }

    /// <summary>Ego heading minus the path's heading at the projection, radians in (-pi, pi].</summary>
    public double RouteHeadingError { get; private set; }

    public double DistanceToRouteEnd => Math.Max(0, RouteInfo.Length - RouteProgress);

    /// <summary>The lane the ego is on (route lanes preferred), or -1 off every lane.</summary>
    public int EgoLane => _agents[0].Lane;

    /// <summary>Arc length of the ego's centre on <see cref="EgoLane"/>.</summary>
    public double EgoLaneS => _agents[0].S;

    /// <summary>Signed offset of the ego's centre from <see cref="EgoLane"/>'s centre line.</summary>
    public double EgoLaneLateral { get; private set; }

    /// <summary>Speed limit of the ego's lane (of the route lane at its progress when off every lane), m/s.</summary>
    public double SpeedLimit => EgoLane >= 0 ? Town.Lanes[EgoLane].SpeedLimit : RouteInfo.SpeedLimitAt(RouteProgress);

    /// <summary>The eight CaRL measurements (REFERENCE section 4): steer, throttle, brake, gear, vx, vy (ego frame, y left), speed, speed limit.</summary>
    public EgoMeasurements Measurements => new(Ego.Steer, Ego.Throttle, Ego.Brake, Ego.Gear, Ego.VelocityX, Ego.VelocityY, Ego.Speed, SpeedLimit);

    public void Reset(ulong seed)
    {
        Seed = seed;
        _rng.Seed(Mix(seed, _o.TrafficSeed));
        Time = 0;
        StepCount = 0;
        _nextId = 1;
        // Light phases differ per episode, so the ego meets every state.
        _clockShift = _rng.Uniform(0, 200);
        Signals.Update(_clockShift);
        var path = Route.Path;
        Ego.Reset(path.Start, path.HeadingAt(0), _o.StartSpeed);
        RouteProgress = 0;
        ResetTraffic();
        ResetPedestrians();
        ResetScenarios();
        LocateEgo(initial: true);
        PlaceScenarios();
        PlaceParked();
        SpawnInitialTraffic();
        SpawnInitialPedestrians();
        RebuildLaneLists();
        UpdateEgoGate();
        BuildActors();
        _ready = true;
    }

    public void Step(double steer, double accel)
    {
        if (!_ready) throw new InvalidOperationException("DrivingWorld.Step before Reset.");
        Time += Dt;
        StepCount++;
        Signals.Update(Time + _clockShift);
        Ego.Step(steer, accel, Dt, _o.Substeps);
        LocateEgo(initial: false);
        UpdateScenarios();
        UpdateTraffic();
        UpdatePedestrians();
        RebuildLaneLists();
        UpdateEgoGate();
        BuildActors();
    }

    private static ulong Mix(ulong a, ulong b)
    {
        ulong z = a * 0x9E3779B97F4A7C15UL ^ (b + 0x632BE59BD9B4E019UL + (a << 6) + (a >> 2));
        z = (z ^ (z >> 31)) * 0xBF58476D1CE4E5B9UL;
        return z ^ (z >> 29);
    }

    private int NewId() => _nextId++;

    private void BuildActors()
    {
        int n = 0;
        for (int i = 1; i < _agents.Length; i++)
        {
            ref var a = ref _agents[i];
            if (a.Active) _actors[n++] = new ActorState(a.Id, ActorKind.Vehicle, new OrientedBox(a.Pos, a.Heading, a.HalfLength, a.HalfWidth), a.Vel);
        }
        for (int i = 0; i < _peds.Length; i++)
        {
            ref var p = ref _peds[i];
            if (p.Active && p.Mode != PedMode.Hidden) _actors[n++] = new ActorState(p.Id, ActorKind.Pedestrian, new OrientedBox(p.Pos, p.Heading, PedHalfSize, PedHalfSize), p.Vel);
        }
        for (int i = 0; i < _statics.Length; i++)
            if (_statics[i].Active) _actors[n++] = _statics[i].State;
        _actorCount = n;
    }

    // ---- ego localisation ----

    private void LocateEgo(bool initial)
    {
        Vec2 pos = Ego.Position;
        double heading = Ego.Heading;
        var path = Route.Path;
        var proj = initial ? path.Project(pos, 0, Math.Min(path.Length, 20)) : path.Project(pos, RouteProgress - 15, RouteProgress + 30);
        // Far from the local window (a jump or a long deviation): search the whole path.
        if (proj.Distance > 12) proj = path.Project(pos);
        RouteProgress = proj.S;
        RouteLateral = proj.Lateral;
        RouteHeadingError = Angles.Wrap(heading - path.HeadingAt(proj.S));

        ref var e = ref _agents[0];
        int oldLane = e.Lane;
        int lane = -1;
        double laneS = 0, laneLat = 0;
        // Route lanes around the progress win where the ego is on one of them (overlapping connectors in junctions).
        int k0 = RouteInfo.LaneIndexAt(RouteProgress);
        Span<int> preferred = stackalloc int[4];
        int np = 0;
        for (int k = Math.Max(0, k0 - 1); k <= Math.Min(Route.Lanes.Count - 1, k0 + 2); k++) preferred[np++] = Route.Lanes[k];
        if (Surface.Locate(pos, heading, preferred[..np], out var hit))
        {
            lane = hit.Lane;
            laneS = hit.S;
            laneLat = hit.Lateral;
        }
        e.Active = lane >= 0;
        e.Id = 0;
        e.Lane = lane;
        e.S = laneS;
        EgoLaneLateral = laneLat;
        e.Speed = Ego.Speed;
        e.HalfLength = _o.Ego.Length / 2;
        e.HalfWidth = _o.Ego.Width / 2;
        e.Pos = pos;
        e.Heading = heading;
        e.Vel = Ego.Velocity;
        if (lane != oldLane)
        {
            e.StopDone = false;
            e.StopTimer = 0;
            e.Arrival = double.PositiveInfinity;
        }
        e.Next0 = EgoIntent(lane);
        e.Next1 = -1;
        e.PrevLane = -1;
        // Time spent at the line (within 3 m of it, creeping included), for the junction rules' patience.
        e.WaitTime = lane >= 0 && e.Next0 >= 0 && Town.Lanes[lane].Length - laneS - e.HalfLength < 3 ? e.WaitTime + Dt : 0;
        // The ego's stop at a stop sign: as the leaderboard's RunningStopTest, below 0.1 m/s near the line.
        if (lane >= 0 && Town.Lanes[lane].SignalId >= 0 && Town.Signals[Town.Lanes[lane].SignalId].Kind == SignalKind.StopSign)
        {
            double toLine = Town.Lanes[lane].Length - laneS - e.HalfLength;
            if (toLine < 3.5 && Ego.Speed < 0.1)
            {
                if (!e.StopDone) e.Arrival = Time;
                e.StopDone = true;
            }
        }
    }

    // The connector the ego will take from a lane of a road: the route's, else straight on (or the first).
    private int EgoIntent(int lane)
    {
        if (lane < 0) return -1;
        var l = Town.Lanes[lane];
        if (l.InJunction) return -1;
        var lanes = Route.Lanes;
        int k0 = RouteInfo.LaneIndexAt(RouteProgress);
        for (int k = Math.Max(0, k0 - 1); k < Math.Min(lanes.Count - 1, k0 + 3); k++)
            if (lanes[k] == lane && Town.Lanes[lanes[k + 1]].InJunction && l.Successors.Contains(lanes[k + 1])) return lanes[k + 1];
        int pick = -1;
        foreach (int s in l.Successors)
        {
            if (!Town.Lanes[s].InJunction) return -1;
            if (pick < 0 || Town.Lanes[s].Turn == Turn.Straight) pick = s;
        }
        return pick;
    }
}

/// <summary>The eight scalar measurements CaRL's policy sees (REFERENCE section 4), in its order.</summary>
public readonly record struct EgoMeasurements(double Steer, double Throttle, double Brake, int Gear, double VelocityX, double VelocityY, double Speed, double SpeedLimit)
{
    public const int Count = 8;

    public void CopyTo(Span<float> destination)
    {
        destination[0] = (float)Steer;
        destination[1] = (float)Throttle;
        destination[2] = (float)Brake;
        destination[3] = Gear;
        destination[4] = (float)VelocityX;
        destination[5] = (float)VelocityY;
        destination[6] = (float)Speed;
        destination[7] = (float)SpeedLimit;
    }
}
