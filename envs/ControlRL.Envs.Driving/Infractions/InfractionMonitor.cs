using System.Runtime.InteropServices;
using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Simulation;
using ControlRL.Scoring.NuPlan;

namespace ControlRL.Envs.Driving.Infractions;

/// <summary>
/// Watches a <see cref="DrivingWorld"/> step by step as the CARLA leaderboard 2.0 judges a route
/// (leaderboard/scenarios/route_scenario.py: RouteCompletionTest, OutsideRouteLanesTest, CollisionTest,
/// RunningRedLightTest, RunningStopTest, MinimumSpeedRouteTest with 4 checkpoints, InRouteTest with 30 m,
/// ActorBlockedTest with 0.1 m/s and 180 s, the route timeout; scenario timeouts from the world's scenarios), keeps
/// the episode's infraction log and a per-step trace for nuPlan-style metrics, and says when the episode ends under
/// its <see cref="TerminationRules"/>. Call <see cref="Reset"/> after the world's reset and <see cref="Update"/> after
/// each step. Detection never depends on the rules; the rules only pick which detections end the episode.
/// </summary>
public sealed class InfractionMonitor
{
    private const double TtcHorizon = 3.0, TtcStep = 0.3;

    private readonly List<InfractionEvent> _events = new(256);
    private readonly int[] _contacts = new int[64];
    private int _contactCount;
    private readonly HashSet<int> _collided = new(256);
    private readonly CollisionCriterion _collision = new();
    private readonly RedLightCriterion _redLight;
    private readonly StopSignCriterion _stop;
    private OutsideRouteLanesCriterion _outside = null!;
    private InRouteCriterion _inRoute = null!;
    private RouteCompletionCriterion _completion = null!;
    private readonly BlockedCriterion _blocked = new();
    private MinSpeedCriterion _minSpeed = null!;
    private RouteTimeoutCriterion _timeout = null!;
    private Roads.Route _route = null!;
    private readonly Vec2[] _corners = new Vec2[4];
    private int _scenarioTimeoutsSeen;
    private int _stepStart;
    private bool _finished;
    private Vec2 _lastPos;

    public InfractionMonitor(DrivingWorld world, TerminationRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        World = world;
        Rules = rules ?? TerminationRules.Leaderboard;
        Rules.Validate();
        _redLight = new RedLightCriterion(world.Town);
        _stop = new StopSignCriterion(world.Town);
        UseRoute(world.Route);
        LayoutDistance = world.Town.ShoulderWidth + world.Options.SidewalkWidth;
    }

    public DrivingWorld World { get; }
    public TerminationRules Rules { get; }
    public RoutePoints RoutePoints { get; private set; } = null!;

    // The criteria that walk the route's points (rebuilt when the world switches route).
    private void UseRoute(Roads.Route route)
    {
        _route = route;
        RoutePoints = new RoutePoints(route);
        _outside = new OutsideRouteLanesCriterion(RoutePoints);
        _inRoute = new InRouteCriterion(RoutePoints);
        _completion = new RouteCompletionCriterion(RoutePoints);
        _minSpeed = new MinSpeedCriterion(RoutePoints);
        _timeout = new RouteTimeoutCriterion(RoutePoints);
    }
    public EpisodeTrace Trace { get; } = new();

    /// <summary>How far beyond a lane's edge the layout (buildings, poles, walls) begins: shoulder plus sidewalk, m.</summary>
    public double LayoutDistance { get; }

    /// <summary>Every infraction of the episode so far, in order (the outside-route-lanes event is updated in place).</summary>
    public IReadOnlyList<InfractionEvent> Events => _events;

    /// <summary>The infractions added by the last <see cref="Update"/>.</summary>
    public ReadOnlySpan<InfractionEvent> StepEvents => CollectionsMarshal.AsSpan(_events)[Math.Min(_stepStart, _events.Count)..];

    /// <summary>Route completion in percent, as the leaderboard reports it (rounded to 2 decimals; 100 once complete).</summary>
    public double RouteCompletion => _completion.Value;

    /// <summary>Route completion in percent before rounding.</summary>
    public double RouteCompletionRaw => _completion.Raw;

    public bool RouteCompleted => _completion.Completed;

    /// <summary>Metres driven outside route lanes (off the lanes or in a wrong-direction lane).</summary>
    public double OutsideRouteLanesMetres => _outside.WrongDistance;

    /// <summary>Percentage of the driven route outside route lanes.</summary>
    public double OutsideRouteLanesPercent => _outside.Percentage;

    /// <summary>True while the ego is outside its route lanes (CaRL zeroes its progress reward then).</summary>
    public bool OutsideRouteLanesNow => _outside.Active;

    /// <summary>Distance to the route (InRouteTest's nearest point in its window), m.</summary>
    public double RouteDistance => _inRoute.Distance;

    /// <summary>Seconds left before the route timeout.</summary>
    public double TimeUntilTimeout => _timeout.Timeout - World.Time;

    /// <summary>Seconds at a standstill (below 0.1 m/s) so far; 0 while moving.</summary>
    public double StandstillTime => _blocked.Standstill;

    /// <summary>The standstill that ends the episode under the rules (the leaderboard's 180 s when they do not end on it), s.</summary>
    public double BlockedTime => Rules.EndOnBlocked ? Math.Min(Rules.BlockedTime, BlockedCriterion.MaxTime) : BlockedCriterion.MaxTime;

    /// <summary>Seconds left before the blocked rule fires at the current standstill (<see cref="BlockedTime"/> while moving).</summary>
    public double TimeUntilBlocked => Math.Max(0, BlockedTime - _blocked.Standstill);

    /// <summary>How far the footprint's farthest corner lies outside the drivable area after the last step, m (0 on it).</summary>
    public double MaxCornerOutside => _maxOutside;

    /// <summary>The stop sign the ego must still stop at (RunningStopTest's target, stop not yet made), or -1.</summary>
    public int PendingStopSign => _stop.PendingSignal;

    /// <summary>Distance from <paramref name="p"/> to the pending stop sign's trigger volume (the nearest of its lanes'), m; infinity when none is pending.</summary>
    public double PendingStopDistance(Vec2 p) => _stop.PendingDistance(p);

    /// <summary>Fraction of the ego's footprint (a 5 x 3 grid of points) off the drivable area after the last step (computed when first asked for in a step).</summary>
    public double OffRoadFraction
    {
        get
        {
            if (_offRoadStep != World.StepCount)
            {
                _offRoadStep = World.StepCount;
                _offRoad = ComputeOffRoadFraction();
            }
            return _offRoad;
        }
    }

    private int _offRoadStep = -1;
    private double _offRoad;

    private double ComputeOffRoadFraction()
    {
        var w = World;
        var box = w.EgoBox;
        Vec2 f = box.Forward, l = f.Left;
        int off = 0;
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 3; j++)
            {
                Vec2 p = box.Centre + f * (box.HalfLength * (i - 2) / 2.0) + l * (box.HalfWidth * (j - 1));
                if (!w.Surface.OnDrivable(p)) off++;
            }
        return off / 15.0;
    }

    /// <summary>Why the leaderboard itself would have stopped the route by now (completion, deviation, blocked, timeout), whatever the rules.</summary>
    public EpisodeEnd LeaderboardEnd { get; private set; }

    /// <summary>Why the episode ended under the rules; <see cref="EpisodeEnd.None"/> while running.</summary>
    public EpisodeEnd End { get; private set; }

    public bool Ended => End != EpisodeEnd.None;

    public int Count(InfractionKind kind)
    {
        int n = 0;
        foreach (var e in _events)
            if (e.Kind == kind) n++;
        return n;
    }

    public void Reset()
    {
        if (!ReferenceEquals(_route, World.Route)) UseRoute(World.Route);
        _events.Clear();
        _collided.Clear();
        _collision.Reset();
        _redLight.Reset();
        _stop.Reset();
        _outside.Reset(World);
        _inRoute.Reset();
        _completion.Reset();
        _blocked.Reset();
        _minSpeed.Reset();
        _timeout.Reset();
        Trace.Clear();
        _scenarioTimeoutsSeen = 0;
        _stepStart = 0;
        _finished = false;
        End = LeaderboardEnd = EpisodeEnd.None;
        _offRoadStep = -1;
        _lastPos = World.Ego.Position;
        _lastLateral = 0;
    }

    internal int Add(InfractionEvent e)
    {
        _events.Add(e);
        return _events.Count - 1;
    }

    internal void Replace(int index, InfractionEvent e) => _events[index] = e;

    /// <summary>Checks the last world step; returns why the episode ends now, or <see cref="EpisodeEnd.None"/>.</summary>
    public EpisodeEnd Update()
    {
        _stepStart = _events.Count;
        if (Ended) return End;
        var w = World;
        FindContacts();
        _collision.Update(this, _contacts.AsSpan(0, _contactCount));
        _redLight.Update(this);
        _stop.Update(this);
        _outside.Update(this);
        _minSpeed.Update(this);
        _inRoute.Update(this);
        _blocked.Update(this);
        _completion.Update(this);
        _timeout.Update(this);
        while (_scenarioTimeoutsSeen < w.ScenarioTimeouts)
        {
            _scenarioTimeoutsSeen++;
            Add(new InfractionEvent(InfractionKind.ScenarioTimeout, w.StepCount, w.Time, w.Ego.Position));
        }
        AppendTrace();

        LeaderboardEnd = _completion.Completed ? EpisodeEnd.Completed
            : _inRoute.Failed ? EpisodeEnd.RouteDeviation
            : _blocked.Failed ? EpisodeEnd.Blocked
            : _timeout.Failed ? EpisodeEnd.RouteTimeout
            : EpisodeEnd.None;
        var r = Rules;
        var end = LeaderboardEnd switch
        {
            EpisodeEnd.Completed => EpisodeEnd.Completed,
            EpisodeEnd.RouteDeviation when r.EndOnRouteDeviation => EpisodeEnd.RouteDeviation,
            EpisodeEnd.Blocked when r.EndOnBlocked => EpisodeEnd.Blocked,
            EpisodeEnd.RouteTimeout when r.EndOnRouteTimeout => EpisodeEnd.RouteTimeout,
            _ => EpisodeEnd.None,
        };
        if (end == EpisodeEnd.None)
        {
            foreach (var e in StepEvents)
            {
                end = e.Kind switch
                {
                    _ when e.Kind.IsCollision() && r.EndOnCollision => EpisodeEnd.Collision,
                    InfractionKind.RedLight when r.EndOnRedLight => EpisodeEnd.RedLight,
                    InfractionKind.StopSign when r.EndOnStopSign => EpisodeEnd.StopSign,
                    InfractionKind.ScenarioTimeout when r.EndOnScenarioTimeout => EpisodeEnd.ScenarioTimeout,
                    _ => EpisodeEnd.None,
                };
                if (end != EpisodeEnd.None) break;
            }
        }
        if (end == EpisodeEnd.None && r.EndOnBlocked && _blocked.Standstill > r.BlockedTime) end = EpisodeEnd.Blocked;
        if (end == EpisodeEnd.None && r.EndOnOutsideRouteLanes && _outside.Active) end = EpisodeEnd.OutsideRouteLanes;
        if (end == EpisodeEnd.None && r.MaxOffRoadFraction < 1 && OffRoadFraction > r.MaxOffRoadFraction) end = EpisodeEnd.OffRoad;
        if (end == EpisodeEnd.None && _maxOutside > r.MaxCornerOffRoad) end = EpisodeEnd.OffRoad;
        if (LateralRule(r.MaxRouteLateral) && end == EpisodeEnd.None) end = EpisodeEnd.LateralDeviation;
        if (end == EpisodeEnd.None && w.Time >= r.MaxEpisodeTime) end = EpisodeEnd.MaxTime;
        if (end != EpisodeEnd.None)
        {
            End = end;
            Finish();
        }
        return End;
    }

    /// <summary>
    /// Closes the episode's criteria (the minimum-speed test records its last checkpoint above 95 % progress, as its
    /// terminate() does). Called by <see cref="Update"/> when the episode ends; call it when stopping an episode for
    /// another reason. Idempotent.
    /// </summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        _minSpeed.Finish(this);
    }

    private void FindContacts()
    {
        var w = World;
        var ego = w.EgoBox;
        _contactCount = 0;
        double reach = ego.HalfLength + ego.HalfWidth;
        var actors = w.Actors;
        for (int i = 0; i < actors.Length && _contactCount < _contacts.Length; i++)
        {
            var b = actors[i].Box;
            double r = reach + b.HalfLength + b.HalfWidth;
            if ((b.Centre - ego.Centre).LengthSquared > r * r) continue;
            if (ego.Overlaps(b)) _contacts[_contactCount++] = i;
        }
        ego.Corners(_corners);
        double worst = 0;
        for (int k = 0; k < 4; k++)
        {
            double d = w.Surface.DistanceOutside(_corners[k]);
            if (d > worst) worst = d;
        }
        _maxOutside = worst;
        if (worst > LayoutDistance && w.Surface.JunctionAt(ego.Centre) < 0 && _contactCount < _contacts.Length) _contacts[_contactCount++] = -1;
    }

    private double _maxOutside;
    private double _lastLateral;

    // Roach's adaptive threshold (valeo_no_det_px.py): a jump of more than 0.8 m in one step (the route's next point)
    // moves the threshold with it; otherwise the distance may not exceed max(limit, last distance).
    private bool LateralRule(double limit)
    {
        if (double.IsPositiveInfinity(limit)) return false;
        double lat = Math.Abs(World.RouteLateral);
        double threshold = lat - _lastLateral > 0.8 ? lat + 0.5 : Math.Max(limit, _lastLateral);
        _lastLateral = lat;
        return lat > threshold + 0.01;
    }

    private void AppendTrace()
    {
        var w = World;
        var ego = w.Ego;
        Vec2 pos = ego.Position;
        double against = 0;
        if (w.EgoLane >= 0)
        {
            var lane = w.Town.Lanes[w.EgoLane];
            double moved = (pos - _lastPos).Dot(Vec2.FromHeading(lane.Centre.HeadingAt(Math.Clamp(w.EgoLaneS, 0, lane.Length))));
            if (moved < 0) against = -moved;
        }
        _lastPos = pos;
        Trace.Append(pos.X, pos.Y, ego.Heading, ego.Speed, ego.LongitudinalAccel, ego.LateralAccel, ego.YawRate, w.SpeedLimit,
            _maxOutside <= 0, _maxOutside, w.RouteProgress, against, TimeToCollision());

        // nuPlan collisions: each actor once per episode, classified by who hit whom.
        var actors = w.Actors;
        for (int k = 0; k < _contactCount; k++)
        {
            int c = _contacts[k];
            if (c < 0) continue;
            var a = actors[c];
            if (!_collided.Add(a.Id)) continue;
            var type = Classify(a, out bool atFault);
            Trace.AddCollision(new TraceCollision(Trace.Count - 1, a.Id, a.Kind, type, atFault));
        }
    }

    // Simplified from nuPlan's collision_utils: the ego standing (< 0.05 m/s) is never at fault; a standing or static
    // other is the ego's fault; otherwise the other's centre in the ego frame decides front (ahead of the front half),
    // rear (behind the rear half) or lateral, and a lateral contact is the ego's fault when it straddles its lane's
    // edge or leaves the drivable area. Pedestrians: at fault unless the ego stands.
    private NuPlanCollisionType Classify(in ActorState a, out bool atFault)
    {
        var w = World;
        var box = w.EgoBox;
        if (w.Ego.Speed < 0.05)
        {
            atFault = false;
            return NuPlanCollisionType.StoppedEgo;
        }
        if (a.Kind is ActorKind.ParkedVehicle or ActorKind.StaticObject || a.Speed < 0.05)
        {
            atFault = true;
            return NuPlanCollisionType.StoppedTrack;
        }
        double along = (a.Box.Centre - box.Centre).Dot(box.Forward);
        if (along > box.HalfLength / 2)
        {
            atFault = true;
            return NuPlanCollisionType.ActiveFront;
        }
        if (along < -box.HalfLength / 2)
        {
            atFault = a.Kind == ActorKind.Pedestrian;
            return NuPlanCollisionType.ActiveRear;
        }
        bool straddles = w.EgoLane < 0 || Math.Abs(w.EgoLaneLateral) + box.HalfWidth > w.Town.Lanes[w.EgoLane].Width / 2 || _maxOutside > 0;
        atFault = straddles || a.Kind == ActorKind.Pedestrian;
        return NuPlanCollisionType.ActiveLateral;
    }

    // Constant-velocity prediction of the ego and every actor not behind it, every 0.3 s up to 3 s.
    private double TimeToCollision()
    {
        var w = World;
        double v = w.Ego.Speed;
        if (v < 0.05) return double.PositiveInfinity;
        var ego = w.EgoBox;
        Vec2 ev = w.Ego.Velocity;
        double best = double.PositiveInfinity;
        double egoReach = ego.HalfLength + ego.HalfWidth;
        foreach (ref readonly var a in w.Actors)
        {
            Vec2 rel = a.Box.Centre - ego.Centre;
            if (rel.Dot(ego.Forward) < -ego.HalfLength) continue;
            Vec2 dv = a.Velocity - ev;
            double reach = egoReach + a.Box.HalfLength + a.Box.HalfWidth;
            double closest = rel.Length - dv.Length * TtcHorizon;
            if (closest > reach) continue;
            for (double t = 0; t <= TtcHorizon + 1e-9 && t < best; t += TtcStep)
            {
                Vec2 d = rel + dv * t;
                if (d.LengthSquared > reach * reach) continue;
                var e = ego with { Centre = ego.Centre + ev * t };
                var o = a.Box with { Centre = a.Box.Centre + a.Velocity * t };
                if (e.Overlaps(o))
                {
                    best = t;
                    break;
                }
            }
        }
        return best;
    }
}
