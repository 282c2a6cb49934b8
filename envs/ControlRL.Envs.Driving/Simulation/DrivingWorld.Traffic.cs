using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>Why the junction rules hold an agent at its stop line.</summary>
public enum GateReason
{
    None,

    /// <summary>Red, or yellow while it can still stop.</summary>
    Light,

    /// <summary>No full stop at the stop sign yet.</summary>
    StopSign,

    /// <summary>Someone inside the junction on a conflicting path.</summary>
    Occupied,

    /// <summary>Someone with priority is coming (oncoming traffic for a left turn, the major road for a minor one).</summary>
    Yield,

    /// <summary>Someone who stopped earlier at the all-way stop goes first.</summary>
    Order,

    /// <summary>No room on the exit lane.</summary>
    ExitBlocked,
}

/// <summary>
/// Traffic: lane-following vehicles with IDM car-following (Treiber's IDM, <see cref="IdmParameters"/>), a random
/// successor at each junction, and junction rules applied at the stop line ("gates"): red and yellow lights (stop if
/// they can), stop signs (full stop, then in order of arrival when the junction is clear), yielding (unprotected
/// lefts to oncoming traffic, minor roads to the major road), and never entering a junction whose exit is blocked.
/// The ego is an agent too (slot 0): vehicles brake for it and take it into account at junctions.
/// </summary>
public sealed partial class DrivingWorld
{
    private const double GateRange = 45;
    private const double MaxNpcBrake = 8;
    private const double LeftTurnGap = 5.0;
    private const double MinorRoadGap = 5.0;
    private const double StopLineGap = 1.0;

    // After this long at its line, a vehicle that has to yield (a left turn, a minor road) no longer waits for a gap:
    // traffic with priority that can still stop lets it go (as impatient drivers force their way in microscopic traffic
    // models, e.g. SUMO's impatience). Without it, dense traffic starves left turns and minor roads.
    private const double Patience = 12;
    private const double SlotSpacing = TownTraffic.SlotSpacing;

    // Slot 0 is the ego; 1..MaxVehicles are pooled vehicles.
    private Agent[] _agents = [];
    private int[] _laneHead = [], _laneHead2 = [], _link = [], _link2 = [];
    private int[] _touched = [];
    private int _touchedCount;
    private double[] _laneCurveSpeed = [];

    // Spawn slots: every 10 m along lanes of roads, gathered around the ego when it has moved.
    private int[] _slotLane = [];
    private double[] _slotS = [];
    private Vec2[] _slotPos = [];
    private bool[] _slotKerb = [];
    private int[] _nearSlots = [];
    private int _nearCount, _nearKerbCount;

    // The near slots where actors may appear while running: beyond SpawnMinDistance, lanes heading towards the ego
    // (others would leave its surroundings at once); and kerb slots beyond SpawnMinDistance for pedestrians.
    private int[] _ringSlots = [], _ringKerbSlots = [];
    private int _ringCount, _ringKerbCount;
    private Vec2 _gatheredAt;
    private bool _gathered;

    private static readonly (double HalfLength, double HalfWidth)[] VehicleSizes =
    [
        (2.45, 0.92), (2.25, 0.90), (2.10, 0.88), (1.95, 0.85), (2.60, 1.00), (2.80, 1.05), (2.35, 0.95), (3.00, 1.05),
    ];

    /// <summary>Widest vehicle the traffic uses, m (parked cars leave room for it).</summary>
    private const double MaxVehicleWidth = 2.1;

    internal struct Agent
    {
        public bool Active;
        public int Id;
        public int Lane;
        public double S;
        public double Lat;
        public double Speed;
        public double Acc;
        public double HalfLength, HalfWidth, SpeedFactor;
        public IdmParameters Idm;
        public int Next0, Next1;
        public int PrevLane;
        public double PrevS;
        public bool Committed, StopDone, WantsLaneChange;
        public double StopTimer, Arrival, StuckTime, WaitTime;
        public Vec2 Pos;
        public double Heading;
        public Vec2 Vel;
    }

    /// <summary>How many moving vehicles the density asks for around the ego's current position.</summary>
    public int TargetVehicleCount => TargetVehicles();

    /// <summary>Moving vehicles (ActorKind.Vehicle) alive now.</summary>
    public int VehicleCount { get; private set; }

    /// <summary>Mean speed of the moving vehicles (the leaderboard's "background" traffic for MinimumSpeedRouteTest), m/s; NaN when there are none.</summary>
    public double MeanTrafficSpeed { get; private set; } = double.NaN;

    // ---- junction gate of the ego (for the expert) ----

    /// <summary>The junction connector the ego is heading for, or -1 (on a connector already, or off every lane).</summary>
    public int EgoGateConnector => _agents[0].Next0;

    /// <summary>Distance from the ego's front bumper to the stop line ahead (end of its lane), m; infinity without a gate.</summary>
    public double EgoDistanceToLine { get; private set; } = double.PositiveInfinity;

    /// <summary>
    /// Whether the junction rules let the ego enter its next junction now: the stop made at a stop sign and the order
    /// of arrival, yielding, room on the exit lane. The light itself is left to the driver (see <see cref="SignalState"/>).
    /// </summary>
    public bool EgoMayEnter { get; private set; } = true;

    /// <summary>Why <see cref="EgoMayEnter"/> is false (<see cref="GateReason.None"/> when it is true).</summary>
    public GateReason EgoGateReason { get; private set; }

    /// <summary>
    /// On a junction connector: whether it may go on through the conflicts ahead now (yielding to oncoming traffic
    /// and waiting for conflicting paths to clear, as at the line). For a left turn waiting inside the junction.
    /// </summary>
    public bool EgoMayProceed { get; private set; } = true;

    /// <summary>True once the ego has made its full stop at the stop sign of its current lane.</summary>
    public bool EgoStopDone => _agents[0].StopDone;

    private void InitTraffic()
    {
        _agents = new Agent[_o.MaxVehicles + 1];
        int lanes = Town.Lanes.Count;
        _laneHead = new int[lanes];
        _laneHead2 = new int[lanes];
        Array.Fill(_laneHead, -1);
        Array.Fill(_laneHead2, -1);
        _link = new int[_agents.Length];
        _link2 = new int[_agents.Length];
        _touched = new int[2 * _agents.Length + 2];
        // Per-town tables, shared by every world on the town.
        var data = TownTraffic.For(Town);
        _laneCurveSpeed = data.CurveSpeed;
        _slotLane = data.SlotLane;
        _slotS = data.SlotS;
        _slotPos = data.SlotPos;
        _slotKerb = data.SlotKerb;
        _nearSlots = new int[_slotLane.Length];
        _ringSlots = new int[_slotLane.Length];
        _ringKerbSlots = new int[_slotLane.Length];
    }

    private void ResetTraffic()
    {
        for (int i = 0; i < _agents.Length; i++) _agents[i] = default;
        _agents[0].Lane = -1;
        _agents[0].Arrival = double.PositiveInfinity;
        _gathered = false;
        ClearLaneLists();
        VehicleCount = 0;
        MeanTrafficSpeed = double.NaN;
    }

    // ---- lane occupancy lists ----

    private void ClearLaneLists()
    {
        for (int k = 0; k < _touchedCount; k++)
        {
            _laneHead[_touched[k]] = -1;
            _laneHead2[_touched[k]] = -1;
        }
        _touchedCount = 0;
    }

    private void RebuildLaneLists()
    {
        ClearLaneLists();
        for (int i = _agents.Length - 1; i >= 0; i--)
        {
            ref var a = ref _agents[i];
            if (!a.Active || a.Lane < 0) continue;
            if (_laneHead[a.Lane] < 0 && _laneHead2[a.Lane] < 0) _touched[_touchedCount++] = a.Lane;
            _link[i] = _laneHead[a.Lane];
            _laneHead[a.Lane] = i;
            if (a.PrevLane >= 0)
            {
                if (_laneHead[a.PrevLane] < 0 && _laneHead2[a.PrevLane] < 0) _touched[_touchedCount++] = a.PrevLane;
                _link2[i] = _laneHead2[a.PrevLane];
                _laneHead2[a.PrevLane] = i;
            }
        }
    }

    // ---- per-step update ----

    private void UpdateTraffic()
    {
        RebuildLaneLists();
        for (int i = 1; i < _agents.Length; i++)
            if (_agents[i].Active) _agents[i].Acc = ComputeAccel(i);
        for (int i = 1; i < _agents.Length; i++)
            if (_agents[i].Active) Integrate(i);
        double sum = 0;
        int count = 0;
        Vec2 ego = Ego.Position;
        double r2 = _o.DespawnRadius * _o.DespawnRadius;
        for (int i = 1; i < _agents.Length; i++)
        {
            ref var a = ref _agents[i];
            if (!a.Active) continue;
            double d2 = (a.Pos - ego).LengthSquared;
            // Vehicles stuck for a minute out of the ego's way are removed (a deadlock breaker).
            if (d2 > r2 || (a.StuckTime > 60 && d2 > 30 * 30))
            {
                a.Active = false;
                continue;
            }
            sum += a.Speed;
            count++;
        }
        VehicleCount = count;
        MeanTrafficSpeed = count > 0 ? sum / count : double.NaN;
        // After removals: a freed slot must not stay linked in a lane list before it is reused.
        RebuildLaneLists();
        GatherSlots(initial: false);
        for (int t = 0; t < 3 && count < TargetVehicles(); t++)
            if (TrySpawnVehicle(initial: false)) count++;
        VehicleCount = count;
    }

    private double DesiredSpeed(in Agent a) => Town.Lanes[a.Lane].SpeedLimit * a.SpeedFactor;

    private double ComputeAccel(int i)
    {
        ref var a = ref _agents[i];
        var lane = Town.Lanes[a.Lane];
        double v = a.Speed;
        double v0 = DesiredSpeed(a);
        // Slow down for curved connectors ahead (comfortable lateral acceleration).
        v0 = Math.Min(v0, _laneCurveSpeed[a.Lane]);
        if (a.Next0 >= 0)
        {
            double d = Math.Max(0, lane.Length - a.S - a.HalfLength);
            v0 = Math.Min(v0, Math.Sqrt(_laneCurveSpeed[a.Next0] * _laneCurveSpeed[a.Next0] + 2 * 2.0 * d));
        }
        var idm = a.Idm;
        double acc = idm.Free(v, v0);
        double horizon = Math.Clamp(12 + v * idm.TimeHeadway + v * v / (2 * idm.ComfortDecel) + 10, 25, 90);
        a.WantsLaneChange = false;

        // Leaders on the lanes ahead (this lane, the chosen next two).
        double offset = -a.S;
        int L = a.Lane;
        for (int p = 0; p < 3 && L >= 0; p++)
        {
            for (int j = _laneHead[L]; j >= 0; j = _link[j])
            {
                if (j == i || j == 0) continue;
                ref var b = ref _agents[j];
                double d = offset + b.S;
                if (d <= 0) continue;
                double gap = d - a.HalfLength - b.HalfLength;
                if (gap < horizon) acc = Math.Min(acc, idm.Follow(v, v0, b.Speed, gap));
            }
            for (int j = _laneHead2[L]; j >= 0; j = _link2[j])
            {
                if (j == i) continue;
                ref var b = ref _agents[j];
                double d = offset + b.PrevS;
                if (d <= 0) continue;
                double gap = d - a.HalfLength - b.HalfLength;
                if (gap < horizon) acc = Math.Min(acc, idm.Follow(v, v0, b.Speed, gap));
            }
            for (int k = 0; k < _blockerCount; k++)
            {
                ref var bl = ref _blockers[k];
                if (!bl.Active || bl.Lane != L) continue;
                double d = offset + bl.SMin;
                if (d + (bl.SMax - bl.SMin) <= 0) continue;
                double gap = d - a.HalfLength;
                if (gap < horizon)
                {
                    acc = Math.Min(acc, idm.Follow(v, v0, 0, gap));
                    if (p == 0 && gap < 30 && v < 3) a.WantsLaneChange = true;
                }
            }
            // Vehicles just entering a sibling connector (same start) are still in the way.
            if (p > 0 && Town.Lanes[L].InJunction)
            {
                foreach (int pred in Town.Lanes[L].Predecessors)
                    foreach (int sib in Town.Lanes[pred].Successors)
                    {
                        if (sib == L) continue;
                        for (int j = _laneHead[sib]; j >= 0; j = _link[j])
                        {
                            if (j == i || j == 0) continue;
                            ref var b = ref _agents[j];
                            if (b.S > 8) continue;
                            double gap = offset + b.S - a.HalfLength - b.HalfLength;
                            if (gap > 0 && gap < horizon) acc = Math.Min(acc, idm.Follow(v, v0, b.Speed, gap));
                        }
                    }
            }
            offset += Town.Lanes[L].Length;
            if (offset > horizon) break;
            L = p == 0 ? a.Next0 : p == 1 ? a.Next1 : -1;
        }

        // While changing lanes, blockers of the lane being left still count until the body is clear of it.
        if (a.PrevLane >= 0 && Math.Abs(a.Lat) > Town.Lanes[a.Lane].Width / 2 - a.HalfWidth)
        {
            for (int k = 0; k < _blockerCount; k++)
            {
                ref var bl = ref _blockers[k];
                if (!bl.Active || bl.Lane != a.PrevLane) continue;
                double d = bl.SMin - a.PrevS;
                if (d + (bl.SMax - bl.SMin) <= 0) continue;
                acc = Math.Min(acc, idm.Follow(v, v0, 0, Math.Max(0.05, d - a.HalfLength)));
            }
        }

        // Zipper: a vehicle held by an obstacle in a neighbour lane just ahead gets a gap to move over.
        if (!lane.InJunction && a.PrevLane < 0) acc = Math.Min(acc, LetMergeIn(i, v, v0, lane.LeftNeighbour));
        if (!lane.InJunction && a.PrevLane < 0) acc = Math.Min(acc, LetMergeIn(i, v, v0, lane.RightNeighbour));

        // The ego, wherever it is (it may be between lanes or cutting in).
        Vec2 toEgo = Ego.Position - a.Pos;
        if (toEgo.LengthSquared < (horizon + 8) * (horizon + 8) && toEgo.Dot(Vec2.FromHeading(a.Heading)) > -a.HalfLength - _o.Ego.Length && !EgoWaitsFor(a))
        {
            var eb = Ego.Box;
            double de = PathDistance(a, eb.Centre, eb.HalfLength, eb.HalfWidth, eb.Heading, horizon, 0.3);
            if (de < horizon)
            {
                double along = Math.Max(0, Ego.Speed * Math.Cos(Angles.Wrap(Ego.Heading - a.Heading)));
                acc = Math.Min(acc, idm.Follow(v, v0, along, Math.Max(0.05, de - a.HalfLength)));
            }
        }

        // Pedestrians on or about to step onto the path.
        for (int k = 0; k < _peds.Length; k++)
        {
            ref var q = ref _peds[k];
            // Only pedestrians on the road matter: those walking, walking up to or waiting at a kerb stay off it.
            if (!q.Active || q.Mode is not (PedMode.Cross or PedMode.Jaywalk)) continue;
            if ((q.Pos - a.Pos).LengthSquared > (horizon + 5) * (horizon + 5)) continue;
            double dp = PathDistance(a, q.Pos, PedHalfSize, PedHalfSize, 0, horizon, 0.6);
            double dq = PathDistance(a, q.Pos + q.Vel * 1.5, PedHalfSize, PedHalfSize, 0, horizon, 0.6);
            double dmin = Math.Min(dp, dq);
            if (dmin < horizon) acc = Math.Min(acc, idm.Follow(v, v0, 0, Math.Max(0.05, dmin - a.HalfLength - 1.0)));
        }

        // The junction gate at the end of this lane.
        if (!lane.InJunction && a.Next0 >= 0 && Town.Lanes[a.Next0].InJunction)
        {
            double toLine = lane.Length - a.S - a.HalfLength;
            if (!a.Committed && toLine < GateRange)
            {
                bool ok = CanEnter(i, a.Next0, toLine, v);
                if (ok && (toLine < v * v / (2 * 3.0) + 1.5 || toLine < 2)) a.Committed = true;
                if (!ok) acc = Math.Min(acc, idm.Follow(v, v0, 0, Math.Max(0.05, toLine), StopLineGap));
            }
        }
        return Math.Clamp(acc, -MaxNpcBrake, idm.MaxAccel);
    }

    // The acceleration that leaves room, behind it, for an agent in neighbour lane `nb` that stands up to 20 m ahead
    // (and not alongside) waiting to pass an obstacle in its lane (the ego counts when an obstacle is close ahead).
    private double LetMergeIn(int i, double v, double v0, int nb)
    {
        if (nb < 0) return double.PositiveInfinity;
        ref var a = ref _agents[i];
        double best = double.PositiveInfinity;
        for (int j = _laneHead[nb]; j >= 0; j = _link[j])
        {
            ref var b = ref _agents[j];
            if (b.Speed > 1.0) continue;
            bool waiting = j == 0 ? BlockedAhead(nb, b.S, 30) : b.WantsLaneChange;
            if (!waiting) continue;
            // Neighbour lanes of a road run side by side: arc lengths nearly agree.
            // Alongside already (too close to make room): pass it instead.
            double ahead = b.S - a.S;
            if (ahead < a.HalfLength + b.HalfLength + 3 || ahead > 20) continue;
            // Stop well back: its lane change needs room behind it (see LaneClear).
            double gap = ahead - a.HalfLength - b.HalfLength;
            best = Math.Min(best, _agents[i].Idm.Follow(v, v0, 0, Math.Max(0.05, gap), 5.0));
        }
        return best;
    }

    private bool BlockedAhead(int laneId, double s, double within)
    {
        for (int k = 0; k < _blockerCount; k++)
        {
            ref var bl = ref _blockers[k];
            if (bl.Active && bl.Lane == laneId && bl.SMin > s && bl.SMin - s < within) return true;
        }
        return false;
    }

    // A vehicle ignores the stopped ego when it stands in the ego's way (the ego is waiting for it).
    private bool EgoWaitsFor(in Agent a)
    {
        if (Ego.Speed > 0.1) return false;
        Vec2 f = Vec2.FromHeading(Ego.Heading);
        Vec2 rel = a.Pos - Ego.Position;
        double along = rel.Dot(f), lat = Math.Abs(rel.Dot(f.Left));
        return along > 0 && along < _o.Ego.Length / 2 + a.HalfLength + 8 && lat < _o.Ego.Width / 2 + a.HalfWidth + 0.5
            && Math.Abs(Angles.Wrap(a.Heading - Ego.Heading)) > 0.5;
    }

    /// <summary>
    /// Distance along an agent's lane path from its centre to the near edge of a box (centre
    /// <paramref name="c"/>, half extents, heading) that intrudes its corridor (its half width plus
    /// <paramref name="margin"/>); infinity when none within <paramref name="horizon"/>.
    /// </summary>
    private double PathDistance(in Agent a, Vec2 c, double hl, double hw, double heading, double horizon, double margin)
    {
        double offset = -a.S;
        int L = a.Lane;
        double reach = hl + hw;
        for (int p = 0; p < 3 && L >= 0; p++)
        {
            var lane = Town.Lanes[L];
            double from = p == 0 ? a.S : 0;
            double to = Math.Min(lane.Length, horizon - offset);
            if (to <= from) break;
            // Cheap reject: the piece of lane lies within a circle around its middle.
            Vec2 mid = lane.Centre.PointAt(0.5 * (from + to));
            double r = 0.5 * (to - from) + lane.Width + reach + 1;
            if ((c - mid).LengthSquared <= r * r)
            {
                var proj = lane.Centre.Project(c, from, to);
                if (proj.S >= from - reach && proj.S <= to + reach)
                {
                    double dh = heading - lane.Centre.HeadingAt(proj.S);
                    double cs = Math.Abs(Math.Cos(dh)), sn = Math.Abs(Math.Sin(dh));
                    double along = hl * cs + hw * sn, across = hl * sn + hw * cs;
                    // Off the ends of the piece the projection's distance includes the overshoot; use the lateral part only when inside.
                    double lateral = proj.S > from + 1e-6 && proj.S < lane.Length - 1e-6 ? proj.Lateral : SignedLateralAt(lane, proj.S, c);
                    // On its own lane the corridor spans from where the vehicle is (mid lane change) to the lane's centre.
                    double lo = p == 0 ? Math.Min(0, a.Lat) : 0, hi = p == 0 ? Math.Max(0, a.Lat) : 0;
                    double off = lateral < lo ? lo - lateral : lateral > hi ? lateral - hi : 0;
                    if (off - across <= a.HalfWidth + margin)
                    {
                        double d = offset + proj.S - along;
                        if (d > -along && (p > 0 || proj.S + along > a.S)) return Math.Max(0, d);
                    }
                }
            }
            offset += lane.Length;
            if (offset > horizon) break;
            L = p == 0 ? a.Next0 : p == 1 ? a.Next1 : -1;
        }
        return double.PositiveInfinity;
    }

    private static double SignedLateralAt(Lane lane, double s, Vec2 c)
    {
        Vec2 f = Vec2.FromHeading(lane.Centre.HeadingAt(s));
        return f.Cross(c - lane.Centre.PointAt(s));
    }

    private void Integrate(int i)
    {
        ref var a = ref _agents[i];
        if (a.WantsLaneChange && a.PrevLane < 0) TryLaneChange(i);
        double v1 = Math.Max(0, a.Speed + a.Acc * Dt);
        double ds = 0.5 * (a.Speed + v1) * Dt;
        a.Speed = v1;
        a.S += ds;
        if (a.PrevLane >= 0) a.PrevS += ds;
        while (a.S > Town.Lanes[a.Lane].Length)
        {
            a.S -= Town.Lanes[a.Lane].Length;
            int next = a.Next0;
            if (next < 0)
            {
                a.Active = false;
                return;
            }
            a.Lane = next;
            a.Next0 = a.Next1;
            a.Next1 = PickNext(a.Next0);
            a.Committed = false;
            a.StopDone = false;
            a.StopTimer = 0;
            a.Arrival = double.PositiveInfinity;
            a.PrevLane = -1;
            a.Lat = 0;
        }
        // Lateral offset after a lane change decays towards the new lane's centre.
        if (a.Lat != 0)
        {
            double rate = Math.Min(1.2, 0.6 + 0.1 * a.Speed) * Dt;
            a.Lat = Math.Abs(a.Lat) <= rate ? 0 : a.Lat - Math.Sign(a.Lat) * rate;
            if (Math.Abs(a.Lat) < Town.Lanes[a.Lane].Width / 2 - a.HalfWidth) a.PrevLane = -1;
        }
        else a.PrevLane = -1;
        a.StuckTime = a.Speed < 0.1 ? a.StuckTime + Dt : 0;
        var lane = Town.Lanes[a.Lane];
        a.WaitTime = a.Next0 >= 0 && !lane.InJunction && lane.Length - a.S - a.HalfLength < 3 ? a.WaitTime + Dt : 0;
        if (lane.SignalId >= 0 && Town.Signals[lane.SignalId].Kind == SignalKind.StopSign)
        {
            double toLine = lane.Length - a.S - a.HalfLength;
            if (toLine < 4 && a.Speed < 0.1)
            {
                if (a.StopTimer == 0) a.Arrival = Time;
                a.StopTimer += Dt;
                if (a.StopTimer >= 1.0) a.StopDone = true;
            }
        }
        Place(ref a);
    }

    private void Place(ref Agent a)
    {
        var c = Town.Lanes[a.Lane].Centre;
        Vec2 p = c.PointAt(a.S);
        double h = c.HeadingAt(a.S);
        Vec2 f = Vec2.FromHeading(h);
        double yaw = h;
        if (a.Lat != 0)
        {
            p += f.Left * a.Lat;
            yaw = h - Math.Sign(a.Lat) * Math.Atan2(Math.Min(1.2, 0.6 + 0.1 * a.Speed), Math.Max(2, a.Speed));
        }
        a.Pos = p;
        a.Heading = Angles.Wrap(yaw);
        // Velocity along the lane plus the sideways drift of a lane change.
        a.Vel = f * a.Speed + f.Left * (a.Lat == 0 ? 0 : -Math.Sign(a.Lat) * Math.Min(1.2, 0.6 + 0.1 * a.Speed));
    }

    private int PickNext(int lane)
    {
        if (lane < 0) return -1;
        var succ = Town.Lanes[lane].Successors;
        return succ.Length == 0 ? -1 : succ[succ.Length == 1 ? 0 : _rng.NextInt(succ.Length)];
    }

    private void TryLaneChange(int i)
    {
        ref var a = ref _agents[i];
        var lane = Town.Lanes[a.Lane];
        for (int side = 0; side < 2; side++)
        {
            int c = side == 0 ? lane.LeftNeighbour : lane.RightNeighbour;
            if (c < 0 || Town.Lanes[c].InJunction) continue;
            var target = Town.Lanes[c];
            var proj = target.Centre.Project(a.Pos);
            double sc = proj.S;
            if (sc < 2 || sc > target.Length - 10) continue;
            if (!LaneClear(c, sc, a.Speed, i)) continue;
            bool blocked = false;
            for (int k = 0; k < _blockerCount; k++)
            {
                ref var bl = ref _blockers[k];
                if (bl.Active && bl.Lane == c && bl.SMax > sc - 5 && bl.SMin < sc + 25) blocked = true;
            }
            if (blocked) continue;
            a.PrevLane = a.Lane;
            a.PrevS = a.S;
            a.Lane = c;
            a.S = sc;
            a.Lat = proj.Lateral;
            a.Next0 = PickNext(c);
            a.Next1 = PickNext(a.Next0);
            a.Committed = false;
            return;
        }
    }

    // Room to move into a lane at arc length s for a vehicle at speed v: nobody within a few metres ahead, and
    // whoever comes from behind (the ego included, by its position) far enough back to brake for it.
    private bool LaneClear(int lane, double s, double v, int self)
    {
        double hl = _agents[self].HalfLength;
        for (int j = _laneHead[lane]; j >= 0; j = _link[j])
            if (j != self && j != 0 && !RoomFrom(_agents[j].S, _agents[j].Speed, _agents[j].HalfLength)) return false;
        for (int j = _laneHead2[lane]; j >= 0; j = _link2[j])
            if (j != self && !RoomFrom(_agents[j].PrevS, _agents[j].Speed, _agents[j].HalfLength)) return false;
        var l = Town.Lanes[lane];
        var ep = l.Centre.Project(Ego.Position, Math.Max(0, s - 80), Math.Min(l.Length, s + 30));
        if (ep.Distance < l.Width / 2 + _o.Ego.Width / 2 && !RoomFrom(ep.S, Ego.Speed, _o.Ego.Length / 2)) return false;
        return true;

        bool RoomFrom(double sj, double vj, double hlj)
        {
            double d = sj - s, reach = hl + hlj;
            if (d >= 0) return d > reach + 6;
            return -d > reach + 2 + 2.0 * Math.Max(0, vj - v) + 0.6 * vj;
        }
    }

    // ---- junction rules ----

    /// <summary>
    /// Whether agent <paramref name="i"/> (0 = ego), <paramref name="toLine"/> metres before the stop line at
    /// <paramref name="speed"/>, may enter <paramref name="connector"/> now.
    /// </summary>
    private bool CanEnter(int i, int connector, double toLine, double speed, bool obeyLight = true, bool inside = false)
    {
        ref var a = ref _agents[i];
        var conn = Town.Lanes[connector];
        var inLane = Town.Lanes[inside ? conn.Predecessors[0] : a.Lane];
        var sig = inLane.SignalId >= 0 ? Town.Signals[inLane.SignalId] : null;
        bool stopSign = sig is { Kind: SignalKind.StopSign } && !inside;
        if (obeyLight && sig is { Kind: SignalKind.TrafficLight })
        {
            var st = Signals.State(sig.Id);
            if (st == LightState.Red && !(toLine < speed * speed / (2 * 7.0) - 0.5)) return Deny(GateReason.Light);
            if (st == LightState.Yellow && !(toLine < speed * speed / (2 * 3.0))) return Deny(GateReason.Light);
        }
        if (stopSign && !a.StopDone) return Deny(GateReason.StopSign);

        foreach (var cf in Conflicts.Of(connector))
        {
            var other = Town.Lanes[cf.Other];
            // Someone inside the junction on a conflicting path that has not cleared the conflict point.
            for (int j = _laneHead[cf.Other]; j >= 0; j = _link[j])
            {
                if (j == i) continue;
                ref var o = ref _agents[j];
                // On a crossing path, someone standing short of the conflict (waiting to turn) does not block it.
                bool cleared = o.S - o.HalfLength > cf.SOther + 1.0;
                bool short_ = o.Speed < 0.5 && o.S + o.HalfLength < cf.SOther - 1.5;
                if (cf.Merge || (!cleared && !short_)) return Deny(GateReason.Occupied);
            }
            if (other.Predecessors.Length == 0) continue;
            int otherIn = other.Predecessors[0];
            var otherInLane = Town.Lanes[otherIn];
            var otherSig = otherInLane.SignalId >= 0 ? Town.Signals[otherInLane.SignalId] : null;
            bool otherStop = otherSig is { Kind: SignalKind.StopSign };
            bool arrivalOrder = stopSign && otherStop;
            bool yieldGap = !arrivalOrder && MustYield(conn, sig, other, otherSig);
            double gapTime = stopSign ? MinorRoadGap : LeftTurnGap;
            // Only the first vehicle of the other approach can come next; those queued behind it wait for it.
            int lead = -1;
            for (int j = _laneHead[otherIn]; j >= 0; j = _link[j])
                if (j != i && (lead < 0 || _agents[j].S > _agents[lead].S)) lead = j;
            if (lead < 0) continue;
            ref var b = ref _agents[lead];
            if (b.Next0 != cf.Other) continue;
            double bToLine = otherInLane.Length - b.S - b.HalfLength;
            // It is about to enter and will not stop any more.
            if (lead == 0 ? bToLine < Math.Max(2.0, b.Speed * b.Speed / 6 + 1.5) && b.Speed > 0.3 : b.Committed) return Deny(GateReason.Occupied);
            // One that should yield to this one but has waited at its line past its patience goes next: let it,
            // while this one can still stop.
            if (!arrivalOrder && b.WaitTime > Patience && MustYield(other, otherSig, conn, sig) && speed * speed / (2 * 3.0) < toLine + 0.5)
                return Deny(GateReason.Yield);
            if (!yieldGap && !arrivalOrder) continue;
            // Out of patience: only vehicles that cannot stop any more (above) hold it.
            if (yieldGap && a.WaitTime > Patience) continue;
            if (arrivalOrder)
            {
                if (b.StopDone && (b.Arrival < a.Arrival || (b.Arrival == a.Arrival && lead < i))) return Deny(GateReason.Order);
                continue;
            }
            // A standing vehicle is not coming: it waits for its own turn (and would find this one inside when it goes).
            if (bToLine > 80 || b.Speed < 0.5) continue;
            // Nor one that will stop for its yellow.
            if (otherSig is { Kind: SignalKind.TrafficLight } && Signals.State(otherSig.Id) == LightState.Yellow && !b.Committed
                && bToLine > b.Speed * b.Speed / (2 * 3.0)) continue;
            if (bToLine / b.Speed < gapTime || bToLine < 10) return Deny(GateReason.Yield);
        }

        // Never enter a junction whose exit is blocked: the exit lane needs room for this vehicle.
        if (conn.Successors.Length > 0)
        {
            int exit = conn.Successors[0];
            double room = Town.Lanes[exit].Length;
            bool moving = false;
            for (int j = _laneHead[exit]; j >= 0; j = _link[j])
            {
                if (j == i) continue;
                ref var b = ref _agents[j];
                double rear = b.S - b.HalfLength;
                if (rear < room)
                {
                    room = rear;
                    moving = b.Speed > 3;
                }
            }
            for (int k = 0; k < _blockerCount; k++)
            {
                ref var bl = ref _blockers[k];
                if (bl.Active && bl.Lane == exit && bl.SMin < room)
                {
                    room = bl.SMin;
                    moving = false;
                }
            }
            // Vehicles already on connectors into the same exit will take part of the room.
            foreach (int pred in Town.Lanes[exit].Predecessors)
                for (int j = _laneHead[pred]; j >= 0; j = _link[j])
                    if (j != i) room -= 2 * _agents[j].HalfLength + 2;
            if (!moving && room < 2 * a.HalfLength + 3) return Deny(GateReason.ExitBlocked);
        }
        _gateReason = GateReason.None;
        return true;
    }

    // Whether a vehicle taking connector `a` (its approach controlled by `sigA`) yields to one taking `b`: an
    // unprotected left turn to oncoming traffic not held by red (at lights, or without any sign), a minor road to the
    // major road. All-way stops go by arrival instead.
    private bool MustYield(Lane a, TrafficSignal? sigA, Lane b, TrafficSignal? sigB)
    {
        if (sigA is { Kind: SignalKind.TrafficLight } && sigB is { Kind: SignalKind.TrafficLight })
            return a.Turn == Turn.Left && b.Turn != Turn.Left && Signals.State(sigB.Id) != LightState.Red;
        if (sigA is { Kind: SignalKind.StopSign }) return sigB == null;
        if (sigA == null && sigB == null) return a.Turn == Turn.Left && b.Turn != Turn.Left;
        return false;
    }

    private GateReason _gateReason;

    private bool Deny(GateReason reason)
    {
        _gateReason = reason;
        return false;
    }

    private void UpdateEgoGate()
    {
        ref var e = ref _agents[0];
        EgoMayProceed = true;
        if (e.Lane >= 0 && Town.Lanes[e.Lane].InJunction && Town.Lanes[e.Lane].Predecessors.Length > 0)
        {
            _gateReason = GateReason.None;
            EgoMayProceed = CanEnter(0, e.Lane, 0, Ego.Speed, obeyLight: false, inside: true);
        }
        if (e.Lane < 0 || e.Next0 < 0)
        {
            EgoDistanceToLine = double.PositiveInfinity;
            EgoMayEnter = true;
            EgoGateReason = GateReason.None;
            return;
        }
        var lane = Town.Lanes[e.Lane];
        EgoDistanceToLine = lane.Length - e.S - e.HalfLength;
        _gateReason = GateReason.None;
        EgoMayEnter = EgoDistanceToLine > GateRange || CanEnter(0, e.Next0, EgoDistanceToLine, Ego.Speed, obeyLight: false);
        EgoGateReason = _gateReason;
    }

    // ---- spawning ----

    private int TargetVehicles() => (int)Math.Round(_o.VehiclesPerKm * _nearCount * SlotSpacing / 1000);

    private void GatherSlots(bool initial)
    {
        Vec2 ego = Ego.Position;
        if (!initial && _gathered && (ego - _gatheredAt).LengthSquared < 10 * 10) return;
        _gathered = true;
        _gatheredAt = ego;
        double r2 = _o.SpawnRadius * _o.SpawnRadius, min2 = _o.SpawnMinDistance * _o.SpawnMinDistance;
        int n = 0, kerb = 0, ring = 0, ringKerb = 0;
        for (int k = 0; k < _slotPos.Length; k++)
        {
            Vec2 d = _slotPos[k] - ego;
            double d2 = d.LengthSquared;
            if (d2 > r2) continue;
            _nearSlots[n++] = k;
            if (_slotKerb[k]) kerb++;
            if (d2 < min2) continue;
            if (_slotKerb[k]) _ringKerbSlots[ringKerb++] = k;
            if (Vec2.FromHeading(Town.Lanes[_slotLane[k]].Centre.HeadingAt(_slotS[k])).Dot(d) < 0) _ringSlots[ring++] = k;
        }
        _nearCount = n;
        _nearKerbCount = kerb;
        _ringCount = ring;
        _ringKerbCount = ringKerb;
    }

    private void SpawnInitialTraffic()
    {
        GatherSlots(initial: true);
        int target = Math.Min(TargetVehicles(), _agents.Length - 1);
        for (int attempt = 0; attempt < 6 * target && CountVehicles() < target; attempt++) TrySpawnVehicle(initial: true);
        VehicleCount = CountVehicles();
    }

    private int CountVehicles()
    {
        int n = 0;
        for (int i = 1; i < _agents.Length; i++)
            if (_agents[i].Active) n++;
        return n;
    }

    private bool TrySpawnVehicle(bool initial)
    {
        int candidates = initial ? _nearCount : _ringCount;
        if (candidates == 0) return false;
        int slot = -1;
        for (int i = 1; i < _agents.Length; i++)
            if (!_agents[i].Active)
            {
                slot = i;
                break;
            }
        if (slot < 0) return false;
        int k = initial ? _nearSlots[_rng.NextInt(candidates)] : _ringSlots[_rng.NextInt(candidates)];
        int laneId = _slotLane[k];
        double s = _slotS[k];
        Vec2 p = _slotPos[k];
        var lane = Town.Lanes[laneId];
        Vec2 ego = Ego.Position;
        double de = (p - ego).Length;
        double minD = initial ? 12 : _o.SpawnMinDistance;
        if (de < minD || de > _o.SpawnRadius) return false;
        // Not right ahead of or behind the ego on its own lane at the start.
        if (initial && laneId == _agents[0].Lane && Math.Abs(s - _agents[0].S) < 30) return false;
        // Never inside a few metres of anyone.
        if ((Ego.Position - p).LengthSquared < 12 * 12) return false;
        for (int i = 1; i < _agents.Length; i++)
            if (_agents[i].Active && (_agents[i].Pos - p).LengthSquared < 9 * 9) return false;
        for (int b = 0; b < _blockerCount; b++)
        {
            ref var bl = ref _blockers[b];
            if (bl.Active && bl.Lane == laneId && s > bl.SMin - 45 && s < bl.SMax + 8) return false;
        }
        var size = VehicleSizes[_rng.NextInt(VehicleSizes.Length)];
        ref var a = ref _agents[slot];
        a = default;
        a.Active = true;
        a.Id = NewId();
        a.Lane = laneId;
        a.S = s;
        a.HalfLength = size.HalfLength;
        a.HalfWidth = size.HalfWidth;
        a.SpeedFactor = _rng.Uniform(0.8, 1.0);
        // IDM parameters with some spread between drivers.
        a.Idm = new IdmParameters(_rng.Uniform(1.2, 2.0), _rng.Uniform(2.5, 3.5), _rng.Uniform(1.0, 1.6), _rng.Uniform(1.8, 2.8));
        a.Next0 = PickNext(laneId);
        a.Next1 = PickNext(a.Next0);
        a.PrevLane = -1;
        a.Arrival = double.PositiveInfinity;
        // Start slow enough to stop for whatever stands ahead on this lane.
        double ahead = double.PositiveInfinity;
        for (int j = _laneHead[laneId]; j >= 0; j = _link[j])
        {
            double d = _agents[j].S - s;
            if (d > 0) ahead = Math.Min(ahead, d);
        }
        double vmax = Math.Sqrt(2 * 2.5 * Math.Max(0, Math.Min(ahead, lane.Length - s) - 8));
        a.Speed = Math.Min(DesiredSpeed(a) * _rng.Uniform(0.6, 1.0), vmax);
        Place(ref a);
        // Link it now so later spawns in the same step see it.
        if (_laneHead[laneId] < 0 && _laneHead2[laneId] < 0) _touched[_touchedCount++] = laneId;
        _link[slot] = _laneHead[laneId];
        _laneHead[laneId] = slot;
        return true;
    }
}

/// <summary>
/// Per-town tables for traffic, built once and shared (read-only) by every world on the town: each lane's comfortable
/// speed through its sharpest curve (3 m/s^2 lateral), and spawn slots every 10 m along lanes of roads.
/// </summary>
internal sealed class TownTraffic
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RoadNetwork, TownTraffic> Cache = new();

    public const double SlotSpacing = 10;

    public static TownTraffic For(RoadNetwork town) => Cache.GetValue(town, t => new TownTraffic(t));

    private TownTraffic(RoadNetwork town)
    {
        CurveSpeed = new double[town.Lanes.Count];
        for (int i = 0; i < CurveSpeed.Length; i++)
        {
            var p = town.Lanes[i].Centre;
            double kmax = 0;
            // Curvature from heading changes over about 3 m windows.
            for (double s = 0; s < p.Length; s += 1)
            {
                double a = Math.Max(0, s - 1.5), b = Math.Min(p.Length, s + 1.5);
                if (b - a > 0.5) kmax = Math.Max(kmax, Math.Abs(Angles.Wrap(p.HeadingAt(b) - p.HeadingAt(a))) / (b - a));
            }
            CurveSpeed[i] = kmax > 1e-4 ? Math.Sqrt(3.0 / kmax) : double.PositiveInfinity;
        }
        var lane = new List<int>();
        var ss = new List<double>();
        var pos = new List<Vec2>();
        var kerb = new List<bool>();
        foreach (var l in town.Lanes)
        {
            if (l.InJunction || l.Length < 8) continue;
            for (double s = 4; s <= l.Length - 4; s += SlotSpacing)
            {
                lane.Add(l.Id);
                ss.Add(s);
                pos.Add(l.Centre.PointAt(s));
                kerb.Add(l.RightNeighbour < 0);
            }
        }
        SlotLane = [.. lane];
        SlotS = [.. ss];
        SlotPos = [.. pos];
        SlotKerb = [.. kerb];
    }

    public double[] CurveSpeed { get; }
    public int[] SlotLane { get; }
    public double[] SlotS { get; }
    public Vec2[] SlotPos { get; }
    public bool[] SlotKerb { get; }
}
