using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Infractions;

// The leaderboard's route criteria, each following its namesake in scenario_runner (branch leaderboard-2.0,
// srunner/scenariomanager/scenarioatomics/atomic_criteria.py) with the parameters leaderboard/scenarios/route_scenario.py
// gives them. They run once per 0.1 s step (the leaderboard ticks at 20 Hz). "location" is the ego's box centre.

/// <summary>
/// CollisionTest: a collision counts unless it is with the same actor as the last counted one within MAX_ID_TIME 5 s,
/// or within COLLISION_RADIUS 5 m of the last counted collision's location, or the ego moves slower than EPSILON
/// 0.1 m/s. Layout collisions (CARLA's id 0, never remembered as the last id) are a footprint corner more than the
/// shoulder plus the sidewalk beyond the nearest lane's edge, outside junctions: where buildings, poles and walls stand.
/// </summary>
internal sealed class CollisionCriterion
{
    public const double CollisionRadius = 5, MaxIdTime = 5, Epsilon = 0.1;

    private int _lastId = -1;
    private double _lastTime;
    private bool _hasLocation;
    private Vec2 _lastLocation;

    public void Reset()
    {
        _lastId = -1;
        _hasLocation = false;
    }

    /// <summary>Counts this step's contacts (actor indices into the world's actors; -1 for the layout), then ages the memory as update() does.</summary>
    public void Update(InfractionMonitor m, ReadOnlySpan<int> contacts)
    {
        var w = m.World;
        Vec2 loc = w.Ego.Position;
        var actors = w.Actors;
        foreach (int c in contacts)
        {
            int id = c >= 0 ? actors[c].Id : 0;
            ActorKind? kind = c >= 0 ? actors[c].Kind : null;
            if (id != 0 && _lastId == id) continue;
            if (_hasLocation && loc.DistanceTo(_lastLocation) <= CollisionRadius) continue;
            if (w.Ego.Speed < Epsilon) continue;
            _lastTime = w.Time;
            _lastLocation = loc;
            _hasLocation = true;
            if (id != 0) _lastId = id;
            var type = kind switch
            {
                ActorKind.Pedestrian => InfractionKind.CollisionPedestrian,
                ActorKind.Vehicle or ActorKind.ParkedVehicle => InfractionKind.CollisionVehicle,
                _ => InfractionKind.CollisionLayout,
            };
            m.Add(new InfractionEvent(type, w.StepCount, w.Time, loc, kind, id));
        }
        if (_hasLocation && loc.DistanceTo(_lastLocation) > CollisionRadius) _hasLocation = false;
        if (_lastId >= 0 && w.Time - _lastTime > MaxIdTime) _lastId = -1;
    }
}

/// <summary>
/// RunningRedLightTest: for each red light within DISTANCE_LIGHT 15 m (of its stop line's middle, our stand-in for the
/// trigger volume), not the last one run, and each lane it controls: when the ego moves along that lane (its point
/// 1 m behind the rear bumper lies on that lane, the heading agrees) and the segment from 0.8 half-lengths behind the
/// centre to 1 m behind the rear bumper crosses the stop line (the lane's end, 0.6 lane widths either side), the ego
/// ran it. Crossing while yellow is legal.
/// </summary>
internal sealed class RedLightCriterion
{
    public const double DistanceLight = 15;

    private readonly record struct Line(int Signal, int Lane, Vec2 Centre, Vec2 Forward, Vec2 A, Vec2 B);

    private readonly Line[] _lines;
    private readonly Vec2[] _signalCentre;
    private int _lastRed = -1;

    public RedLightCriterion(RoadNetwork town)
    {
        var lines = new List<Line>();
        _signalCentre = new Vec2[town.Signals.Count];
        foreach (var sig in town.Signals)
        {
            _signalCentre[sig.Id] = (sig.StopLineA + sig.StopLineB) * 0.5;
            if (sig.Kind != SignalKind.TrafficLight) continue;
            foreach (int l in sig.Lanes)
            {
                var lane = town.Lanes[l];
                Vec2 end = lane.Centre.End;
                Vec2 f = lane.Centre.SegmentDirection(lane.Centre.Count - 2);
                Vec2 half = f.Left * (0.6 * lane.Width);
                lines.Add(new Line(sig.Id, l, end, f, end + half, end - half));
            }
        }
        _lines = [.. lines];
    }

    public void Reset() => _lastRed = -1;

    public void Update(InfractionMonitor m)
    {
        var w = m.World;
        Vec2 loc = w.Ego.Position;
        Vec2 f = Vec2.FromHeading(w.Ego.Heading);
        double ext = w.Options.Ego.Length / 2;
        Vec2 tailClose = loc - f * (0.8 * ext), tailFar = loc - f * (ext + 1);
        int tailLane = -2;
        foreach (var line in _lines)
        {
            if (line.Signal == _lastRed) continue;
            if (_signalCentre[line.Signal].DistanceTo(loc) > DistanceLight) continue;
            if (w.Signals.State(line.Signal) != LightState.Red) continue;
            if (tailLane == -2) tailLane = w.Surface.Nearest(tailFar, out var hit) ? hit.Lane : -1;
            if (tailLane != line.Lane || f.Dot(line.Forward) <= 0) continue;
            if (!SegmentsIntersect(tailClose, tailFar, line.A, line.B)) continue;
            var sig = w.Town.Signals[line.Signal];
            m.Add(new InfractionEvent(InfractionKind.RedLight, w.StepCount, w.Time, (sig.StopLineA + sig.StopLineB) * 0.5, SignalId: sig.Id));
            _lastRed = line.Signal;
        }
    }

    internal static bool SegmentsIntersect(Vec2 p1, Vec2 p2, Vec2 q1, Vec2 q2)
    {
        double d1 = (p2 - p1).Cross(q1 - p1), d2 = (p2 - p1).Cross(q2 - p1);
        double d3 = (q2 - q1).Cross(p1 - q1), d4 = (q2 - q1).Cross(p2 - q1);
        if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
        return (d1 == 0 && OnSegment(p1, p2, q1)) || (d2 == 0 && OnSegment(p1, p2, q2))
            || (d3 == 0 && OnSegment(q1, q2, p1)) || (d4 == 0 && OnSegment(q1, q2, p2));
    }

    private static bool OnSegment(Vec2 a, Vec2 b, Vec2 p) =>
        Math.Min(a.X, b.X) <= p.X && p.X <= Math.Max(a.X, b.X) && Math.Min(a.Y, b.Y) <= p.Y && p.Y <= Math.Max(a.Y, b.Y);
}

/// <summary>
/// RunningStopTest: the ego's waypoints (its location projected on the nearest lane, then every WAYPOINT_STEP 0.5 m
/// ahead for PROXIMITY_THRESHOLD 4 m) select a stop sign when the first lies within 4 m of the stop's trigger volume
/// and any lies inside it (extents x 1.2); while selected, a speed below SPEED_THRESHOLD 0.1 m/s completes the stop;
/// when no longer affected without a completed stop (and not the last failed stop), the ego ran it. Going backwards
/// or against the lane (dot product below -0.17) selects nothing. Our trigger volume for each lane of a stop sign:
/// the last 4 m of the lane before the stop line, the lane's width wide, aligned with the lane (CARLA compares the
/// volume's extents on the world axes).
/// </summary>
internal sealed class StopSignCriterion
{
    public const double ProximityThreshold = 4.0, SpeedThreshold = 0.1, WaypointStep = 0.5;
    private const double TriggerHalfLength = 2.0, Multiplier = 1.2;

    private readonly record struct Box(int Signal, Vec2 Centre, Vec2 Forward, double HalfLength, double HalfWidth);

    private readonly Box[] _boxes;
    private readonly Vec2[] _wps = new Vec2[(int)(ProximityThreshold / WaypointStep) + 1];
    private int _wpCount;
    private int _target = -1, _lastFailed = -1;
    private bool _completed;

    public StopSignCriterion(RoadNetwork town)
    {
        var boxes = new List<Box>();
        foreach (var sig in town.Signals)
        {
            if (sig.Kind != SignalKind.StopSign) continue;
            foreach (int l in sig.Lanes)
            {
                var lane = town.Lanes[l];
                double s = Math.Max(0, lane.Length - TriggerHalfLength);
                boxes.Add(new Box(sig.Id, lane.Centre.PointAt(s), Vec2.FromHeading(lane.Centre.HeadingAt(s)), TriggerHalfLength, lane.Width / 2));
            }
        }
        _boxes = [.. boxes];
    }

    public void Reset()
    {
        _target = -1;
        _lastFailed = -1;
        _completed = false;
    }

    /// <summary>The stop sign selected and not yet stopped at, or -1.</summary>
    public int PendingSignal => _target >= 0 && !_completed ? _target : -1;

    /// <summary>Distance from <paramref name="p"/> to the nearest trigger volume centre of the pending stop sign; infinity when none.</summary>
    public double PendingDistance(Vec2 p)
    {
        int sig = PendingSignal;
        double best = double.PositiveInfinity;
        if (sig < 0) return best;
        foreach (var b in _boxes)
            if (b.Signal == sig) best = Math.Min(best, b.Centre.DistanceTo(p));
        return best;
    }

    public void Update(InfractionMonitor m)
    {
        if (_boxes.Length == 0) return;
        var w = m.World;
        Vec2 f = Vec2.FromHeading(w.Ego.Heading);
        if (!BuildWaypoints(w, out Vec2 laneDir)) return;
        if (_target < 0)
        {
            // Backwards or against the lane: no stop applies.
            if (w.Ego.Velocity.Dot(f) < -0.17 || f.Dot(laneDir) < -0.17) return;
            for (int i = 0; i < _boxes.Length && _target < 0; i++)
                if (Affected(_boxes[i].Signal)) _target = _boxes[i].Signal;
            return;
        }
        if (!_completed && w.Ego.Speed < SpeedThreshold) _completed = true;
        if (!Affected(_target))
        {
            if (!_completed && _lastFailed != _target)
            {
                var sig = w.Town.Signals[_target];
                m.Add(new InfractionEvent(InfractionKind.StopSign, w.StepCount, w.Time, (sig.StopLineA + sig.StopLineB) * 0.5, SignalId: sig.Id));
                _lastFailed = _target;
            }
            _target = -1;
            _completed = false;
        }
    }

    private bool Affected(int signal)
    {
        foreach (var b in _boxes)
        {
            if (b.Signal != signal || b.Centre.DistanceTo(_wps[0]) > ProximityThreshold) continue;
            for (int k = 0; k < _wpCount; k++)
            {
                Vec2 d = _wps[k] - b.Centre;
                if (Math.Abs(d.Dot(b.Forward)) < Multiplier * b.HalfLength && Math.Abs(d.Cross(b.Forward)) < Multiplier * b.HalfWidth) return true;
            }
        }
        return false;
    }

    private bool BuildWaypoints(DrivingWorld w, out Vec2 laneDir)
    {
        laneDir = default;
        _wpCount = 0;
        if (!w.Surface.Nearest(w.Ego.Position, out var hit)) return false;
        var lane = w.Town.Lanes[hit.Lane];
        double s = Math.Clamp(hit.S, 0, lane.Length);
        laneDir = Vec2.FromHeading(lane.Centre.HeadingAt(s));
        _wps[_wpCount++] = lane.Centre.PointAt(s);
        for (int k = 1; k < _wps.Length; k++)
        {
            s += WaypointStep;
            while (s > lane.Length)
            {
                if (lane.Successors.Length == 0) return true;
                s -= lane.Length;
                lane = w.Town.Lanes[lane.Successors[0]];
            }
            _wps[_wpCount++] = lane.Centre.PointAt(s);
        }
        return true;
    }
}

/// <summary>
/// OutsideRouteLanesTest: each step the ego is "outside" when farther than half the nearest lane's width plus
/// ALLOWED_OUT_DISTANCE 0.5 m from its centre line (inside a junction's outline counts as on a lane), and in a wrong
/// lane by the leaderboard's toggle: outside junctions, on moving to another lane, right after a junction the lane's
/// direction must lie within MAX_VEHICLE_ANGLE 120 degrees of the ego's heading, else a lane-direction jump beyond
/// MAX_WAYPOINT_ANGLE 150 degrees flips the state. Same-direction neighbour lanes therefore count as route lanes. The
/// driven distance advances over route points (WINDOWS_SIZE 3 ahead); each advance while outside or in a wrong lane
/// adds to the wrong distance. Percentage = wrong / driven x 100; one event, updated as it grows.
/// </summary>
internal sealed class OutsideRouteLanesCriterion
{
    public const double AllowedOutDistance = 0.5, MaxVehicleAngle = 120, MaxWaypointAngle = 150;
    public const int WindowSize = 3;

    private readonly RoutePoints _route;
    private int _index;
    private bool _outside, _wrong;
    private int _lastLane = -1;
    private bool _lastJunction;
    private double _lastYaw;
    private int _eventIndex = -1;

    public OutsideRouteLanesCriterion(RoutePoints route) => _route = route;

    public double TotalDistance { get; private set; }
    public double WrongDistance { get; private set; }
    public double Percentage => TotalDistance > 0 ? WrongDistance / TotalDistance * 100 : 0;

    /// <summary>True while the ego is off the lanes or in a wrong-direction lane.</summary>
    public bool Active => _outside || _wrong;

    public void Reset(DrivingWorld w)
    {
        _index = 0;
        _outside = _wrong = false;
        TotalDistance = WrongDistance = 0;
        _eventIndex = -1;
        _lastLane = -1;
        if (w.Surface.Nearest(w.Ego.Position, out var hit))
        {
            var lane = w.Town.Lanes[hit.Lane];
            _lastJunction = lane.InJunction;
            _lastYaw = lane.Centre.HeadingAt(Math.Clamp(hit.S, 0, lane.Length));
        }
    }

    public void Update(InfractionMonitor m)
    {
        var w = m.World;
        Vec2 loc = w.Ego.Position;
        bool found = w.Surface.Nearest(loc, out var hit);
        if (!found) _outside = true;
        else
        {
            var lane = w.Town.Lanes[hit.Lane];
            _outside = Math.Abs(hit.Lateral) > lane.Width / 2 + AllowedOutDistance && w.Surface.JunctionAt(loc) < 0;
            double yaw = lane.Centre.HeadingAt(Math.Clamp(hit.S, 0, lane.Length));
            if (lane.InJunction) _wrong = false;
            else if (hit.Lane != _lastLane)
            {
                if (_lastJunction) _wrong = AngleDeg(yaw - w.Ego.Heading) >= MaxVehicleAngle;
                else if (AngleDeg(_lastYaw - yaw) > MaxWaypointAngle) _wrong = !_wrong;
            }
            _lastLane = hit.Lane;
            _lastJunction = lane.InJunction;
            _lastYaw = yaw;
        }

        // The window is fixed before the loop (Python's range), though the index moves inside it.
        int end = Math.Min(_index + WindowSize + 1, _route.Count);
        for (int i = _index + 1; i < end; i++)
        {
            if (!_route.Passed(i, loc)) continue;
            double d = _route.Points[_index].DistanceTo(_route.Points[i]);
            TotalDistance += d;
            if (_outside || _wrong) WrongDistance += d;
            if (WrongDistance > 0)
            {
                var e = new InfractionEvent(InfractionKind.OutsideRouteLanes, w.StepCount, w.Time, loc, Metres: WrongDistance, Percentage: Percentage);
                if (_eventIndex < 0) _eventIndex = m.Add(e);
                else m.Replace(_eventIndex, e);
            }
            _index = i;
        }
    }

    // The unsigned angle between two headings in degrees, [0, 180].
    private static double AngleDeg(double a) => Math.Abs(Angles.Wrap(a)) * 180 / Math.PI;
}

/// <summary>
/// InRouteTest (offroad_max 30 m, offroad_min 15 m): the nearest of the route points from the current one to
/// WINDOWS_SIZE 5 ahead; farther than 30 m ends the route; while farther than 15 m the advanced distance accumulates,
/// and above MAX_ROUTE_PERCENTAGE 30 % of the route it also ends the route.
/// </summary>
internal sealed class InRouteCriterion
{
    public const double OffRouteMax = 30, OffRouteMin = 15, MaxRoutePercentage = 30;
    public const int WindowSize = 5;

    private readonly RoutePoints _route;
    private int _index;
    private double _outDistance;
    private bool _inSafeRoute;

    public InRouteCriterion(RoutePoints route) => _route = route;

    public bool Failed { get; private set; }

    /// <summary>Distance from the ego to the nearest route point in the window, m.</summary>
    public double Distance { get; private set; }

    public void Reset()
    {
        _index = 0;
        _outDistance = 0;
        _inSafeRoute = true;
        Failed = false;
        Distance = 0;
    }

    public void Update(InfractionMonitor m)
    {
        if (Failed) return;
        var w = m.World;
        Vec2 loc = w.Ego.Position;
        bool offRoute = true;
        double shortest = double.PositiveInfinity;
        int closest = -1;
        for (int i = _index; i < Math.Min(_index + WindowSize + 1, _route.Count); i++)
        {
            double d = loc.DistanceTo(_route.Points[i]);
            if (d <= shortest)
            {
                closest = i;
                shortest = d;
            }
        }
        if (closest < 0) return;
        Distance = shortest;
        if (shortest < OffRouteMax)
        {
            offRoute = false;
            _inSafeRoute = shortest < OffRouteMin;
        }
        if (_index != closest)
        {
            var acc = _route.Accumulated;
            double d = acc[closest] - acc[_index];
            if (!_inSafeRoute)
            {
                _outDistance += d;
                if (100 * _outDistance / acc[^1] > MaxRoutePercentage) offRoute = true;
            }
            _index = closest;
        }
        if (offRoute)
        {
            m.Add(new InfractionEvent(InfractionKind.RouteDeviation, w.StepCount, w.Time, loc));
            Failed = true;
        }
    }
}

/// <summary>
/// RouteCompletionTest: route points from the current index to WINDOWS_SIZE 2 ahead that the ego has passed move the
/// index; completion is the accumulated percentage at that index, rounded to 2 decimals; above PERCENTAGE_THRESHOLD
/// 99 % and within DISTANCE_THRESHOLD 10 m of the last point the route is complete (100). A window of two points means
/// cutting ahead earns nothing: points beyond the window are never looked at.
/// </summary>
internal sealed class RouteCompletionCriterion
{
    public const double DistanceThreshold = 10, PercentageThreshold = 99;
    public const int WindowSize = 2;

    private readonly RoutePoints _route;
    private int _index;
    private double _rounded;

    public RouteCompletionCriterion(RoutePoints route) => _route = route;

    /// <summary>Percent, as the leaderboard's actual_value (rounded to 2; exactly 100 once complete).</summary>
    public double Value { get; private set; }

    /// <summary>Percent before rounding.</summary>
    public double Raw { get; private set; }

    public int Index => _index;
    public bool Completed { get; private set; }

    public void Reset()
    {
        _index = 0;
        Value = Raw = _rounded = 0;
        Completed = false;
    }

    public void Update(InfractionMonitor m)
    {
        if (Completed) return;
        Vec2 loc = m.World.Ego.Position;
        var acc = _route.Accumulated;
        int end = Math.Min(_index + WindowSize + 1, _route.Count);
        for (int i = _index; i < end; i++)
            if (_route.Passed(i, loc))
            {
                _index = i;
                Raw = acc[i] / acc[^1] * 100;
            }
        if (Raw != _rounded)
        {
            _rounded = Raw;
            Value = PyFloat.Round(Raw, 2);
        }
        if (Value > PercentageThreshold && loc.DistanceTo(_route.Points[^1]) < DistanceThreshold)
        {
            Completed = true;
            Value = 100;
        }
    }
}

/// <summary>ActorBlockedTest (min_speed 0.1 m/s, max_time 180 s): blocked when slower than 0.1 m/s for more than 180 s since the last step at or above it.</summary>
internal sealed class BlockedCriterion
{
    public const double MinSpeed = 0.1, MaxTime = 180;

    private double _lastValid;
    private bool _started;

    public bool Failed { get; private set; }

    /// <summary>Seconds below <see cref="MinSpeed"/> since the last step at or above it (0 while moving).</summary>
    public double Standstill { get; private set; }

    public void Reset()
    {
        _started = false;
        Failed = false;
        Standstill = 0;
    }

    public void Update(InfractionMonitor m)
    {
        if (Failed) return;
        var w = m.World;
        if (w.Ego.Speed < MinSpeed && _started)
        {
            Standstill = w.Time - _lastValid;
            if (w.Time - _lastValid > MaxTime)
            {
                m.Add(new InfractionEvent(InfractionKind.VehicleBlocked, w.StepCount, w.Time, w.Ego.Position));
                Failed = true;
            }
        }
        else
        {
            _lastValid = w.Time;
            _started = true;
            Standstill = 0;
        }
    }
}

/// <summary>
/// MinimumSpeedRouteTest (checkpoints 4): route points (WINDOWS_SIZE 2) track progress; on every step with moving
/// background vehicles, the ego's speed and their mean speed are accumulated; when the progress since the last
/// checkpoint exceeds a quarter of the route, the checkpoint's value is round(ego mean / traffic mean x 100, 2) (100
/// without data) and below 100 it is an infraction. At the end, above 95 % progress the last checkpoint is recorded.
/// </summary>
internal sealed class MinSpeedCriterion
{
    public const int Checkpoints = 4, WindowSize = 2;

    private readonly RoutePoints _route;
    private readonly double _checkpointDist;
    private int _index;
    private double _currentDist, _meanSpeed, _actorSpeed;
    private int _points;

    public MinSpeedCriterion(RoutePoints route)
    {
        _route = route;
        _checkpointDist = route.Length / Checkpoints;
    }

    public void Reset()
    {
        _index = 0;
        _currentDist = _meanSpeed = _actorSpeed = 0;
        _points = 0;
    }

    public void Update(InfractionMonitor m)
    {
        var w = m.World;
        Vec2 loc = w.Ego.Position;
        int end = Math.Min(_index + WindowSize + 1, _route.Count);
        for (int i = _index; i < end; i++)
            if (_route.Passed(i, loc)) _index = i;
        var acc = _route.Accumulated;
        if (acc[_index] - _currentDist > _checkpointDist)
        {
            Checkpoint(m);
            _currentDist = acc[_index];
            _meanSpeed = _actorSpeed = 0;
            _points = 0;
        }
        if (w.VehicleCount > 0)
        {
            _meanSpeed += w.MeanTrafficSpeed;
            _actorSpeed += w.Ego.Speed;
            _points++;
        }
    }

    public void Finish(InfractionMonitor m)
    {
        var acc = _route.Accumulated;
        if (acc[_index] / acc[^1] > 0.95) Checkpoint(m);
    }

    private void Checkpoint(InfractionMonitor m)
    {
        double value = 100;
        if (_points > 0 && _meanSpeed != 0)
        {
            double mean = _meanSpeed / _points, actor = _actorSpeed / _points;
            value = PyFloat.Round(actor / mean * 100, 2);
        }
        if (value < 100)
        {
            var w = m.World;
            m.Add(new InfractionEvent(InfractionKind.MinSpeed, w.StepCount, w.Time, w.Ego.Position, Percentage: value));
        }
    }
}

/// <summary>
/// The route timeout (scenario_runner srunner/scenariomanager/timer.py, RouteTimeoutBehavior): MIN_TIMEOUT 300 s,
/// plus for every advance over the route points (window 3) the distance divided by TIMEOUT_ROUTE_PERC 10 % of the
/// ego's current speed limit.
/// </summary>
internal sealed class RouteTimeoutCriterion
{
    public const double MinTimeout = 300, TimeoutRoutePercent = 10;
    public const int WindowSize = 3;

    private readonly RoutePoints _route;
    private int _index;

    public RouteTimeoutCriterion(RoutePoints route) => _route = route;

    public double Timeout { get; private set; } = MinTimeout;
    public bool Failed { get; private set; }

    public void Reset()
    {
        _index = 0;
        Timeout = MinTimeout;
        Failed = false;
    }

    public void Update(InfractionMonitor m)
    {
        if (Failed) return;
        var w = m.World;
        Vec2 loc = w.Ego.Position;
        int newIndex = _index;
        for (int i = _index; i < Math.Min(_index + WindowSize + 1, _route.Count); i++)
            if (_route.Passed(i, loc)) newIndex = i;
        if (newIndex > _index)
        {
            var acc = _route.Accumulated;
            double dist = acc[newIndex] - acc[_index];
            double timeoutSpeed = w.SpeedLimit * TimeoutRoutePercent / 100;
            Timeout += dist / timeoutSpeed;
            _index = newIndex;
        }
        if (w.Time > Timeout)
        {
            m.Add(new InfractionEvent(InfractionKind.RouteTimeout, w.StepCount, w.Time, loc));
            Failed = true;
        }
    }
}
