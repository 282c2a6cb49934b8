using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>
/// Pedestrians walk along sidewalks (beyond the shoulder of each road's rightmost lanes). At a sidewalk's end they
/// cross at a nearby crosswalk, when the crossed road's lights are red for long enough or, at unsignalized crossings,
/// when no vehicle is close, and continue on the sidewalk across; without a crosswalk they turn back.
/// </summary>
public sealed partial class DrivingWorld
{
    /// <summary>Half side of a pedestrian's square footprint, m.</summary>
    public const double PedHalfSize = 0.25;

    private Ped[] _peds = [];

    // Per lane end (lane * 2 + 0 start / 1 end): crosswalk endpoints (crosswalk * 2 + 0 for A, 1 for B) near its sidewalk.
    private int[][] _sidewalkEndCrossings = [];

    // Per crosswalk endpoint: the sidewalk to continue on (lane, or -1) and whether it starts there.
    private int[] _crossingNextLane = [];
    private bool[] _crossingNextAtStart = [];
    private int[][] _crosswalkSignals = [];
    private int _pedReserve;

    internal enum PedMode : byte
    {
        Hidden,
        Walk,
        ToKerb,
        Wait,
        Cross,
        Jaywalk,
    }

    internal struct Ped
    {
        public bool Active;
        public int Id;
        public PedMode Mode;
        public int Lane;
        public double S;
        public int Dir;
        public double Side;
        public int Crossing;
        public Vec2 From, To;
        public double T, Len, Speed;
        public Vec2 Pos, Vel;
        public double Heading;
        public int Scenario;
    }

    /// <summary>How many ambient pedestrians the density asks for around the ego's current position.</summary>
    public int TargetPedestrianCount => TargetPedestrians();

    /// <summary>Pedestrians alive now (ambient and jaywalkers).</summary>
    public int PedestrianCount { get; private set; }

    private void InitPedestrians()
    {
        _peds = new Ped[_o.MaxPedestrians];
        var cws = Town.Crosswalks;
        _sidewalkEndCrossings = new int[Town.Lanes.Count * 2][];
        for (int i = 0; i < _sidewalkEndCrossings.Length; i++) _sidewalkEndCrossings[i] = [];
        _crossingNextLane = new int[cws.Count * 2];
        _crossingNextAtStart = new bool[cws.Count * 2];
        Array.Fill(_crossingNextLane, -1);
        _crosswalkSignals = new int[cws.Count][];
        double reach = 8 + _o.SidewalkWidth;
        foreach (var lane in Town.Lanes)
        {
            if (!IsSidewalkLane(lane)) continue;
            for (int end = 0; end < 2; end++)
            {
                Vec2 p = SidewalkPoint(lane, end == 0 ? 0 : lane.Length, _o.SidewalkWidth / 2, out _);
                var list = new List<int>();
                for (int c = 0; c < cws.Count; c++)
                {
                    if (cws[c].A.DistanceTo(p) < reach) list.Add(c * 2);
                    if (cws[c].B.DistanceTo(p) < reach) list.Add(c * 2 + 1);
                }
                _sidewalkEndCrossings[lane.Id * 2 + end] = [.. list];
            }
        }
        for (int c = 0; c < cws.Count; c++)
        {
            var cw = cws[c];
            for (int e = 0; e < 2; e++)
            {
                Vec2 q = e == 0 ? cw.A : cw.B;
                double best = reach;
                foreach (var lane in Town.Lanes)
                {
                    if (!IsSidewalkLane(lane)) continue;
                    for (int end = 0; end < 2; end++)
                    {
                        double d = SidewalkPoint(lane, end == 0 ? 0 : lane.Length, _o.SidewalkWidth / 2, out _).DistanceTo(q);
                        if (d < best)
                        {
                            best = d;
                            _crossingNextLane[c * 2 + e] = lane.Id;
                            _crossingNextAtStart[c * 2 + e] = end == 0;
                        }
                    }
                }
            }
            // The lights of the crossed road: lanes ending near the crosswalk, heading across it.
            Vec2 dir = (cw.B - cw.A).Normalized();
            Vec2 mid = (cw.A + cw.B) * 0.5;
            double half = cw.A.DistanceTo(cw.B) / 2;
            var sigs = new List<int>();
            foreach (var lane in Town.Lanes)
            {
                if (lane.InJunction || lane.SignalId < 0 || Town.Signals[lane.SignalId].Kind != SignalKind.TrafficLight) continue;
                Vec2 end = lane.Centre.End;
                Vec2 ld = lane.Centre.SegmentDirection(lane.Centre.Count - 2);
                if (Math.Abs(ld.Dot(dir)) > 0.5) continue;
                double along = (end - mid).Dot(dir);
                double across = Math.Abs((end - mid).Dot(dir.Left));
                if (Math.Abs(along) <= half + 1 && across < 10 && !sigs.Contains(lane.SignalId)) sigs.Add(lane.SignalId);
            }
            _crosswalkSignals[c] = [.. sigs];
        }
    }

    private static bool IsSidewalkLane(Lane lane) => !lane.InJunction && lane.RightNeighbour < 0 && lane.Length > 4;

    /// <summary>A point on the sidewalk beside <paramref name="lane"/> at arc length <paramref name="s"/>, <paramref name="side"/> metres into the sidewalk.</summary>
    private Vec2 SidewalkPoint(Lane lane, double s, double side, out double heading)
    {
        heading = lane.Centre.HeadingAt(s);
        Vec2 right = -Vec2.FromHeading(heading).Left;
        return lane.Centre.PointAt(s) + right * (lane.Width / 2 + Town.ShoulderWidth + side);
    }

    private void ResetPedestrians()
    {
        for (int i = 0; i < _peds.Length; i++) _peds[i] = default;
        PedestrianCount = 0;
        _pedReserve = Math.Min(_o.Jaywalkers, _peds.Length);
    }

    private int TargetPedestrians() => (int)Math.Round(_o.PedestriansPerKm * _nearKerbCount * SlotSpacing / 1000 / 2);

    private void SpawnInitialPedestrians()
    {
        int target = Math.Min(TargetPedestrians(), _peds.Length - _pedReserve);
        for (int attempt = 0; attempt < 6 * target && CountAmbientPeds() < target; attempt++) TrySpawnPedestrian(initial: true);
        PedestrianCount = CountPeds();
    }

    private int CountAmbientPeds()
    {
        int n = 0;
        foreach (ref var p in _peds.AsSpan())
            if (p.Active && p.Scenario < 0) n++;
        return n;
    }

    private int CountPeds()
    {
        int n = 0;
        foreach (ref var p in _peds.AsSpan())
            if (p.Active && p.Mode != PedMode.Hidden) n++;
        return n;
    }

    private int FreePedSlot()
    {
        for (int i = 0; i < _peds.Length; i++)
            if (!_peds[i].Active) return i;
        return -1;
    }

    private void TrySpawnPedestrian(bool initial)
    {
        if (_nearKerbCount == 0) return;
        int slot = FreePedSlot();
        if (slot < 0) return;
        // Pick among the near slots until a kerb one comes up (a few tries).
        int k = -1;
        for (int t = 0; t < 8; t++)
        {
            int c = _nearSlots[_rng.NextInt(_nearCount)];
            if (_slotKerb[c])
            {
                k = c;
                break;
            }
        }
        if (k < 0) return;
        var lane = Town.Lanes[_slotLane[k]];
        double s = Math.Clamp(_slotS[k] + _rng.Uniform(-4, 4), 1, lane.Length - 1);
        double side = _rng.Uniform(0.4, Math.Max(0.4, _o.SidewalkWidth - 0.4));
        Vec2 p = SidewalkPoint(lane, s, side, out _);
        double de = (p - Ego.Position).Length;
        if (de < (initial ? 8 : _o.SpawnMinDistance) || de > _o.SpawnRadius) return;
        foreach (ref var q in _peds.AsSpan())
            if (q.Active && (q.Pos - p).LengthSquared < 1.5 * 1.5) return;
        ref var ped = ref _peds[slot];
        ped = default;
        ped.Active = true;
        ped.Id = NewId();
        ped.Mode = PedMode.Walk;
        ped.Lane = lane.Id;
        ped.S = s;
        ped.Dir = _rng.NextDouble() < 0.5 ? 1 : -1;
        ped.Side = side;
        ped.Speed = _rng.Uniform(1.0, 1.6);
        ped.Scenario = -1;
        ped.Crossing = -1;
        PlaceWalker(ref ped);
    }

    private void PlaceWalker(ref Ped p)
    {
        var lane = Town.Lanes[p.Lane];
        p.Pos = SidewalkPoint(lane, p.S, p.Side, out double h);
        p.Heading = p.Dir > 0 ? h : Angles.Wrap(h + Math.PI);
        p.Vel = Vec2.FromHeading(p.Heading) * p.Speed;
    }

    private void UpdatePedestrians()
    {
        Vec2 ego = Ego.Position;
        double r2 = _o.DespawnRadius * _o.DespawnRadius;
        for (int i = 0; i < _peds.Length; i++)
        {
            ref var p = ref _peds[i];
            if (!p.Active) continue;
            switch (p.Mode)
            {
                case PedMode.Walk:
                    WalkSidewalk(ref p);
                    break;
                case PedMode.ToKerb:
                    if (MoveStraight(ref p)) p.Mode = PedMode.Wait;
                    break;
                case PedMode.Wait:
                    p.Vel = default;
                    var cw = Town.Crosswalks[p.Crossing / 2];
                    double len = cw.A.DistanceTo(cw.B);
                    if (CrosswalkAllows(p.Crossing / 2, len / p.Speed))
                    {
                        p.Mode = PedMode.Cross;
                        p.From = p.Pos;
                        p.To = p.Crossing % 2 == 0 ? cw.B : cw.A;
                        p.T = 0;
                        p.Len = p.From.DistanceTo(p.To);
                    }
                    break;
                case PedMode.Cross:
                    if (MoveStraight(ref p)) FinishCrossing(ref p);
                    break;
                case PedMode.Jaywalk:
                    if (MoveStraight(ref p)) EndJaywalk(ref p);
                    break;
            }
            if (p.Active && p.Scenario < 0 && (p.Pos - ego).LengthSquared > r2) p.Active = false;
        }
        int ambient = CountAmbientPeds();
        if (ambient < Math.Min(TargetPedestrians(), _peds.Length - _pedReserve)) TrySpawnPedestrian(initial: false);
        PedestrianCount = CountPeds();
    }

    private void WalkSidewalk(ref Ped p)
    {
        var lane = Town.Lanes[p.Lane];
        p.S += p.Dir * p.Speed * Dt;
        bool atEnd = p.Dir > 0 ? p.S >= lane.Length - 0.5 : p.S <= 0.5;
        if (atEnd)
        {
            p.S = Math.Clamp(p.S, 0.5, lane.Length - 0.5);
            var options = _sidewalkEndCrossings[lane.Id * 2 + (p.Dir > 0 ? 1 : 0)];
            if (options.Length > 0 && _rng.NextDouble() < 0.8)
            {
                int pick = options[options.Length == 1 ? 0 : _rng.NextInt(options.Length)];
                var cw = Town.Crosswalks[pick / 2];
                p.Crossing = pick;
                p.Mode = PedMode.ToKerb;
                p.From = p.Pos;
                // Wait half a metre back from the kerb end of the crosswalk.
                Vec2 kerb = pick % 2 == 0 ? cw.A : cw.B, other = pick % 2 == 0 ? cw.B : cw.A;
                p.To = kerb - (other - kerb).Normalized() * 0.5;
                p.T = 0;
                p.Len = p.From.DistanceTo(p.To);
                return;
            }
            p.Dir = -p.Dir;
        }
        PlaceWalker(ref p);
    }

    // Moves along From -> To; true on arrival.
    private static bool MoveStraight(ref Ped p)
    {
        p.T += p.Speed * Dt;
        Vec2 d = p.To - p.From;
        double len = p.Len;
        if (len < 1e-6 || p.T >= len)
        {
            p.Pos = p.To;
            p.Vel = default;
            return true;
        }
        Vec2 u = d * (1 / len);
        p.Pos = p.From + u * p.T;
        p.Heading = u.Heading;
        p.Vel = u * p.Speed;
        return false;
    }

    private void FinishCrossing(ref Ped p)
    {
        int end = p.Crossing ^ 1;
        int lane = _crossingNextLane[end];
        if (lane < 0)
        {
            p.Active = false;
            return;
        }
        var l = Town.Lanes[lane];
        p.Mode = PedMode.Walk;
        p.Lane = lane;
        bool atStart = _crossingNextAtStart[end];
        p.S = atStart ? 0.6 : l.Length - 0.6;
        p.Dir = atStart ? 1 : -1;
        p.Crossing = -1;
        PlaceWalker(ref p);
    }

    /// <summary>Whether a pedestrian may start across crosswalk <paramref name="c"/>, needing <paramref name="crossTime"/> seconds.</summary>
    private bool CrosswalkAllows(int c, double crossTime)
    {
        var cw = Town.Crosswalks[c];
        var sigs = _crosswalkSignals[c];
        Vec2 mid = (cw.A + cw.B) * 0.5;
        foreach (int s in sigs)
            if (Signals.State(s) != LightState.Red || Signals.RemainingRed(s) < crossTime + 1) return false;
        for (int i = 0; i < _agents.Length; i++)
        {
            ref var a = ref _agents[i];
            if (i > 0 && !a.Active) continue;
            Vec2 pos = i == 0 ? Ego.Position : a.Pos;
            Vec2 vel = i == 0 ? Ego.Velocity : a.Vel;
            double dseg = SegmentDistance(pos, cw.A, cw.B);
            // Nobody on the crossing; at unsignalized ones, nobody coming within reach of it either.
            if (dseg < cw.Width / 2 + 3) return false;
            double dist = (mid - pos).Length;
            double closing = vel.Dot(mid - pos) / Math.Max(dist, 1e-6);
            // Signalized: the crossed road has red, but turning traffic may come; unsignalized: anyone coming.
            if (sigs.Length > 0)
            {
                if (closing > 1 && dseg < 25 && dseg / closing < 4) return false;
            }
            else if (closing > 0.5 && (dist < 15 || dist / closing < crossTime + 2)) return false;
        }
        return true;
    }

    private static double SegmentDistance(Vec2 p, Vec2 a, Vec2 b)
    {
        Vec2 d = b - a;
        double l2 = d.LengthSquared;
        double t = l2 > 0 ? Math.Clamp((p - a).Dot(d) / l2, 0, 1) : 0;
        return p.DistanceTo(a + d * t);
    }
}
