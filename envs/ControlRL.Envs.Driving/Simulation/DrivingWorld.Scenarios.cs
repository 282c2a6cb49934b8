using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>What kind of scenario waits along the route.</summary>
public enum ScenarioKind
{
    /// <summary>A group of cones closing a lane (construction): change lane to pass.</summary>
    Cones,

    /// <summary>Two stopped vehicles in a lane (an accident, as the leaderboard's Accident scenario): change lane to pass.</summary>
    Accident,

    /// <summary>A pedestrian stepping out from behind an object on the sidewalk, crossing in front of the ego (the leaderboard's DynamicObjectCrossing).</summary>
    Jaywalker,
}

public enum ScenarioStatus
{
    /// <summary>Not reached yet.</summary>
    Waiting,

    /// <summary>Triggered by the ego's approach; running.</summary>
    Active,

    /// <summary>The ego got past it.</summary>
    Done,

    /// <summary>The ego did not get past within the scenario's timeout; its actors were removed (leaderboard: ScenarioTimeoutTest, 240 s).</summary>
    TimedOut,
}

/// <summary>One scenario along the route: its kind, route arc lengths it spans, and how it stands.</summary>
public readonly record struct ScenarioInfo(ScenarioKind Kind, double RouteStart, double RouteEnd, ScenarioStatus Status, double TriggerTime);

/// <summary>
/// Static actors and scenarios: parked cars on the kerb side of rightmost lanes (mostly on the shoulder, leaving a
/// vehicle room in the lane), lane-blocking obstacles on multi-lane parts of the route (cones or an accident, after
/// the leaderboard's route_obstacles.py: triggered 50 m ahead, 240 s scenario timeout), and jaywalkers (after
/// DynamicObjectCrossing in scenario_runner's object_crash_vehicle.py: a pedestrian hidden behind an object on the
/// sidewalk starts across at 2 m/s when the ego is 2.1 s or 6 m from the crossing point, walks twice the distance to
/// that point, and disappears).
/// </summary>
public sealed partial class DrivingWorld
{
    /// <summary>Seconds the ego has to get past an obstacle scenario once triggered (the leaderboard's _scenario_timeout).</summary>
    public const double ScenarioTimeout = 240;

    private const double ObstacleTriggerDistance = 50;
    private const double JaywalkerSpeed = 2.0;
    private const double JaywalkerReactionTime = 2.1;
    private const double JaywalkerMinTriggerDistance = 6.0;

    private StaticActor[] _statics = [];
    private Blocker[] _blockers = [];
    private int _blockerCount;
    private Scenario[] _scenarios = [];
    private ScenarioInfo[] _scenarioInfo = [];
    private int _scenarioCount;

    // Parking slots along kerbs near the route: lane and arc length, fixed per world.
    private int[] _parkLane = [];
    private double[] _parkS = [];

    private struct StaticActor
    {
        public bool Active;
        public ActorState State;
        public int Scenario;
    }

    private struct Blocker
    {
        public bool Active;
        public int Lane;
        public double SMin, SMax;
        public int Scenario;
    }

    private struct Scenario
    {
        public ScenarioKind Kind;
        public ScenarioStatus Status;
        public double RouteStart, RouteEnd;
        public double TriggerTime;
        public Vec2 Crossing, Start;
        public int Ped;
    }

    /// <summary>The scenarios placed along the route this episode.</summary>
    public ReadOnlySpan<ScenarioInfo> Scenarios => _scenarioInfo.AsSpan(0, _scenarioCount);

    /// <summary>Scenarios that timed out this episode (each one counts once).</summary>
    public int ScenarioTimeouts { get; private set; }

    private void InitScenarios()
    {
        _statics = new StaticActor[_o.MaxParked + _o.MaxStatic];
        _blockers = new Blocker[Math.Max(4, 2 * _o.Obstacles + 4)];
        _scenarios = new Scenario[_o.Obstacles + _o.Jaywalkers];
        _scenarioInfo = new ScenarioInfo[_scenarios.Length];
        InitParking();
    }

    private void InitParking()
    {
        // Parking slots every 7 m on kerb lanes whose slot lies within the corridor around the route.
        var samples = new List<Vec2>();
        for (double s = 0; s <= Route.Path.Length; s += 5) samples.Add(Route.Path.PointAt(s));
        var lanes = new List<int>();
        var ss = new List<double>();
        double c2 = _o.ParkingCorridor * _o.ParkingCorridor;
        foreach (var lane in Town.Lanes)
        {
            if (!IsSidewalkLane(lane) || lane.Length < 30) continue;
            for (double s = 12; s <= lane.Length - 12; s += 7)
            {
                Vec2 p = lane.Centre.PointAt(s);
                bool near = false;
                foreach (var q in samples)
                    if ((q - p).LengthSquared < c2)
                    {
                        near = true;
                        break;
                    }
                if (!near) continue;
                // Keep crosswalk ends free.
                bool clear = true;
                foreach (var cw in Town.Crosswalks)
                    if (SegmentDistance(p, cw.A, cw.B) < 10) clear = false;
                if (!clear) continue;
                lanes.Add(lane.Id);
                ss.Add(s);
            }
        }
        _parkLane = [.. lanes];
        _parkS = [.. ss];
    }

    private void ResetScenarios()
    {
        for (int i = 0; i < _statics.Length; i++) _statics[i] = default;
        for (int i = 0; i < _blockers.Length; i++) _blockers[i] = default;
        _blockerCount = 0;
        _scenarioCount = 0;
        ScenarioTimeouts = 0;
    }

    private int AddStatic(ActorKind kind, Vec2 centre, double heading, double hl, double hw, int scenario)
    {
        for (int i = 0; i < _statics.Length; i++)
        {
            if (_statics[i].Active) continue;
            _statics[i] = new StaticActor { Active = true, State = new ActorState(NewId(), kind, new OrientedBox(centre, heading, hl, hw), default), Scenario = scenario };
            return i;
        }
        return -1;
    }

    private int CountStatics(ActorKind kind)
    {
        int n = 0;
        foreach (ref var s in _statics.AsSpan())
            if (s.Active && s.State.Kind == kind) n++;
        return n;
    }

    private bool NearScenario(double routeS, double margin)
    {
        for (int k = 0; k < _scenarioCount; k++)
            if (routeS > _scenarios[k].RouteStart - margin && routeS < _scenarios[k].RouteEnd + margin) return true;
        return false;
    }

    // ---- placement at reset ----

    private void PlaceScenarios()
    {
        double length = Route.Path.Length;
        for (int o = 0; o < _o.Obstacles; o++)
            for (int attempt = 0; attempt < 40; attempt++)
                if (TryPlaceObstacle(_rng.Uniform(70, Math.Max(70, length - 40)))) break;
        for (int j = 0; j < _o.Jaywalkers; j++)
            for (int attempt = 0; attempt < 40; attempt++)
                if (TryPlaceJaywalker(_rng.Uniform(50, Math.Max(50, length - 30)))) break;
        for (int k = 0; k < _scenarioCount; k++) PublishScenario(k);
    }

    private bool TryPlaceObstacle(double s)
    {
        var path = Route.Path;
        if (s + 30 > path.Length || NearScenario(s, 60)) return false;
        var lane = Town.Lanes[RouteInfo.LaneAt(s)];
        if (lane.InJunction) return false;
        int nb = lane.LeftNeighbour >= 0 ? lane.LeftNeighbour : lane.RightNeighbour;
        if (nb < 0 || Town.Lanes[nb].InJunction) return false;
        bool toLeft = lane.LeftNeighbour >= 0;
        var kind = _rng.NextDouble() < 0.5 ? ScenarioKind.Cones : ScenarioKind.Accident;
        double zone = kind == ScenarioKind.Cones ? 11 : 12;
        double ls = lane.Centre.Project(path.PointAt(s)).S;
        if (ls < 30 || ls + zone > lane.Length - 15) return false;
        // The route must stay on this lane over the zone (no lane change or junction inside it).
        double routeEnd = s + zone;
        if (RouteInfo.LaneAt(routeEnd) != lane.Id) return false;
        if (_scenarioCount >= _scenarios.Length || _blockerCount >= _blockers.Length) return false;
        int id = _scenarioCount++;
        _scenarios[id] = new Scenario { Kind = kind, Status = ScenarioStatus.Waiting, RouteStart = s, RouteEnd = routeEnd, Ped = -1 };
        double w = lane.Width, side = toLeft ? 1 : -1;
        if (kind == ScenarioKind.Cones)
        {
            // A taper from the far edge across the lane towards the open neighbour, then along that edge.
            for (int i = 0; i < 5; i++)
            {
                double lat = -side * (w / 2 - 0.35) + side * (w - 0.7) * i / 4.0;
                AddOnLane(lane, ls + 1.0 + 1.5 * i, lat, 0, 0.25, 0.25, ActorKind.StaticObject, id);
            }
            for (int i = 1; i <= 3; i++) AddOnLane(lane, ls + 7.0 + 1.3 * i, side * (w / 2 - 0.35), 0, 0.25, 0.25, ActorKind.StaticObject, id);
        }
        else
        {
            AddOnLane(lane, ls + 2.6, 0.15 * side, 0.18 * side, 2.3, 0.95, ActorKind.ParkedVehicle, id);
            AddOnLane(lane, ls + 9.2, -0.25 * side, -0.3 * side, 2.4, 0.95, ActorKind.ParkedVehicle, id);
        }
        _blockers[_blockerCount++] = new Blocker { Active = true, Lane = lane.Id, SMin = ls, SMax = ls + zone, Scenario = id };
        return true;
    }

    private void AddOnLane(Lane lane, double s, double lat, double yaw, double hl, double hw, ActorKind kind, int scenario)
    {
        double h = lane.Centre.HeadingAt(s);
        Vec2 p = lane.Centre.PointAt(s) + Vec2.FromHeading(h).Left * lat;
        AddStatic(kind, p, Angles.Wrap(h + yaw), hl, hw, scenario);
    }

    private bool TryPlaceJaywalker(double s)
    {
        var path = Route.Path;
        if (NearScenario(s, 40)) return false;
        var lane = Town.Lanes[RouteInfo.LaneAt(s)];
        if (lane.InJunction) return false;
        Vec2 c = path.PointAt(s);
        double ls = lane.Centre.Project(c).S;
        if (ls < 20 || ls > lane.Length - 20) return false;
        foreach (var cw in Town.Crosswalks)
            if (SegmentDistance(c, cw.A, cw.B) < 20) return false;
        // The rightmost lane of this road (the pedestrian starts on the right sidewalk, as the default direction).
        var right = lane;
        for (int guard = 0; right.RightNeighbour >= 0 && guard < 16; guard++) right = Town.Lanes[right.RightNeighbour];
        double rs = right.Centre.Project(c).S;
        Vec2 start = SidewalkPoint(right, rs, 1.2, out double h);
        if (_scenarioCount >= _scenarios.Length) return false;
        int id = _scenarioCount++;
        _scenarios[id] = new Scenario { Kind = ScenarioKind.Jaywalker, Status = ScenarioStatus.Waiting, RouteStart = s, RouteEnd = s, Crossing = c, Start = start, Ped = -1 };
        // The object hiding the pedestrian: a vending-machine sized box on the sidewalk just before it.
        Vec2 f = Vec2.FromHeading(h);
        AddStatic(ActorKind.StaticObject, start - f * 1.1 - f.Left * 0.3, h, 0.5, 0.45, id);
        return true;
    }

    private void PlaceParked()
    {
        if (_o.ParkedPerKm <= 0) return;
        double p = Math.Min(1, _o.ParkedPerKm * 7 / 1000);
        int limit = _o.MaxParked;
        for (int k = 0; k < _parkLane.Length; k++)
        {
            if (_rng.NextDouble() >= p) continue;
            if (CountStatics(ActorKind.ParkedVehicle) >= limit) break;
            var lane = Town.Lanes[_parkLane[k]];
            double s = _parkS[k] + _rng.Uniform(-1, 1);
            // Away from scenarios on this lane and the ego's start.
            Vec2 pos = lane.Centre.PointAt(s);
            if (pos.DistanceTo(Route.Path.Start) < 10) continue;
            bool clash = false;
            for (int b = 0; b < _blockerCount; b++)
                if (_blockers[b].Lane == lane.Id && s > _blockers[b].SMin - 20 && s < _blockers[b].SMax + 20) clash = true;
            for (int j = 0; j < _scenarioCount; j++)
                if (_scenarios[j].Kind == ScenarioKind.Jaywalker && (_scenarios[j].Start - pos).Length < 15) clash = true;
            if (clash) continue;
            var size = VehicleSizes[_rng.NextInt(VehicleSizes.Length - 2)];
            // Mostly on the shoulder: the inner side intrudes at most so far that the widest vehicle still passes.
            double maxIntrusion = Math.Max(0, (lane.Width - MaxVehicleWidth) / 2 - 0.25);
            double lat = -(lane.Width / 2 + size.HalfWidth - _rng.Uniform(0, maxIntrusion));
            AddOnLane(lane, s, lat, _rng.Uniform(-0.02, 0.02), size.HalfLength, size.HalfWidth, ActorKind.ParkedVehicle, -1);
        }
    }

    private void PublishScenario(int k)
    {
        ref var sc = ref _scenarios[k];
        _scenarioInfo[k] = new ScenarioInfo(sc.Kind, sc.RouteStart, sc.RouteEnd, sc.Status, sc.TriggerTime);
    }

    // ---- per step ----

    private void UpdateScenarios()
    {
        for (int k = 0; k < _scenarioCount; k++)
        {
            ref var sc = ref _scenarios[k];
            var before = sc.Status;
            if (sc.Kind == ScenarioKind.Jaywalker) UpdateJaywalker(k, ref sc);
            else UpdateObstacle(k, ref sc);
            if (sc.Status != before) PublishScenario(k);
        }
    }

    private void UpdateObstacle(int k, ref Scenario sc)
    {
        if (sc.Status == ScenarioStatus.Waiting && RouteProgress > sc.RouteStart - ObstacleTriggerDistance)
        {
            sc.Status = ScenarioStatus.Active;
            sc.TriggerTime = Time;
        }
        if (sc.Status != ScenarioStatus.Active) return;
        if (RouteProgress > sc.RouteEnd + 5)
        {
            sc.Status = ScenarioStatus.Done;
            return;
        }
        if (Time - sc.TriggerTime > ScenarioTimeout)
        {
            sc.Status = ScenarioStatus.TimedOut;
            ScenarioTimeouts++;
            RemoveScenarioActors(k);
        }
    }

    private void UpdateJaywalker(int k, ref Scenario sc)
    {
        if (sc.Status == ScenarioStatus.Waiting)
        {
            double d = (sc.Crossing - Ego.Position).Length;
            bool past = RouteProgress > sc.RouteStart + 2;
            if (past)
            {
                sc.Status = ScenarioStatus.Done;
                RemoveScenarioActors(k);
                return;
            }
            if (d < JaywalkerMinTriggerDistance || d / Math.Max(Ego.Speed, 1e-3) < JaywalkerReactionTime)
            {
                int slot = FreePedSlot();
                if (slot < 0) return;
                ref var p = ref _peds[slot];
                p = default;
                p.Active = true;
                p.Id = NewId();
                p.Mode = PedMode.Jaywalk;
                p.Scenario = k;
                p.Crossing = -1;
                p.Speed = JaywalkerSpeed;
                p.From = sc.Start;
                Vec2 dir = (sc.Crossing - sc.Start).Normalized();
                p.Len = 2 * sc.Start.DistanceTo(sc.Crossing);
                p.To = sc.Start + dir * p.Len;
                p.Pos = sc.Start;
                p.Heading = dir.Heading;
                p.Vel = dir * p.Speed;
                sc.Ped = slot;
                sc.Status = ScenarioStatus.Active;
                sc.TriggerTime = Time;
            }
        }
    }

    private void EndJaywalk(ref Ped p)
    {
        int k = p.Scenario;
        p.Active = false;
        if (k >= 0)
        {
            _scenarios[k].Status = ScenarioStatus.Done;
            _scenarios[k].Ped = -1;
            RemoveScenarioActors(k);
            PublishScenario(k);
        }
    }

    private void RemoveScenarioActors(int k)
    {
        for (int i = 0; i < _statics.Length; i++)
            if (_statics[i].Active && _statics[i].Scenario == k) _statics[i].Active = false;
        for (int b = 0; b < _blockerCount; b++)
            if (_blockers[b].Scenario == k) _blockers[b].Active = false;
    }
}
