using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Tests;

/// <summary>
/// Small hand-made road networks for the simulation, infraction and expert tests: a straight road with two lanes per
/// direction, a four-way junction (lights, all-way stop or minor-road stop; optional crosswalks), and a road with a
/// 90-degree curve. Right-hand traffic; lanes 3.5 m wide; 50 km/h unless told.
/// </summary>
internal static class TestTowns
{
    public const double LaneWidth = 3.5;
    public const double Limit = 50 / 3.6;

    /// <summary>Route along the given lanes, its path their centre lines joined.</summary>
    public static Route RouteThrough(RoadNetwork town, string id, params int[] lanes)
    {
        var pts = new List<Vec2>();
        foreach (int l in lanes)
            foreach (var p in town.Lanes[l].Centre.Points)
                if (pts.Count == 0 || pts[^1].DistanceTo(p) > 1e-3) pts.Add(p);
        return new Route(id, town, lanes, new Polyline(pts));
    }

    // ---- straight road ----

    /// <summary>
    /// A straight road along +x from 0 to <paramref name="length"/>: lane 0 eastbound inner (y = -1.75), lane 1
    /// eastbound outer (y = -5.25), lane 2 westbound inner (y = 1.75), lane 3 westbound outer (y = 5.25). With
    /// <paramref name="pieces"/> > 1 the road is cut into that many equal pieces, lane k of piece p having id 4p + k
    /// (piece 0 at x = 0), so a route can start mid-road.
    /// </summary>
    public static RoadNetwork Straight(double length = 400, double limit = Limit, int pieces = 1)
    {
        double w = LaneWidth, part = length / pieces;
        var lanes = new List<Lane>();
        for (int p = 0; p < pieces; p++)
        {
            double x0 = p * part, x1 = (p + 1) * part;
            Polyline East(double y) => new([new Vec2(x0, y), new Vec2(x1, y)]);
            Polyline West(double y) => new([new Vec2(x1, y), new Vec2(x0, y)]);
            int b = 4 * p;
            int[] Next(int k) => p + 1 < pieces ? [b + 4 + k] : [];
            int[] Prev(int k) => p > 0 ? [b - 4 + k] : [];
            lanes.Add(new(b, East(-w / 2), w, limit) { RoadId = p, Successors = Next(0), RightNeighbour = b + 1, OppositeNeighbour = b + 2, LeftMark = LaneMark.Solid, RightMark = LaneMark.Dashed });
            lanes.Add(new(b + 1, East(-1.5 * w), w, limit) { RoadId = p, Successors = Next(1), LeftNeighbour = b, LeftMark = LaneMark.Dashed, RightMark = LaneMark.Edge });
            lanes.Add(new(b + 2, West(w / 2), w, limit) { RoadId = p, Successors = Prev(2), RightNeighbour = b + 3, OppositeNeighbour = b, LeftMark = LaneMark.Solid, RightMark = LaneMark.Dashed });
            lanes.Add(new(b + 3, West(1.5 * w), w, limit) { RoadId = p, Successors = Prev(3), LeftNeighbour = b + 2, LeftMark = LaneMark.Dashed, RightMark = LaneMark.Edge });
        }
        return new RoadNetwork("straight", lanes, [], []);
    }

    // ---- curve ----

    /// <summary>
    /// One lane per direction: 100 m east, a left curve of radius <paramref name="radius"/> through 90 degrees, 100 m
    /// north. Lane 0 drives that way, lane 1 the opposite way.
    /// </summary>
    public static RoadNetwork Curve(double radius = 40, double limit = Limit)
    {
        var centre = new List<Vec2> { new(0, 0), new(100, 0) };
        int n = (int)Math.Ceiling(radius * Math.PI / 2 / 2);
        for (int i = 1; i <= n; i++)
        {
            double a = -Math.PI / 2 + Math.PI / 2 * i / n;
            centre.Add(new Vec2(100 + radius * Math.Cos(a), radius + radius * Math.Sin(a)));
        }
        centre.Add(new Vec2(100 + radius, radius + 100));
        var line = new Polyline(centre);
        var forward = line.Offset(-LaneWidth / 2);
        var back = line.Offset(LaneWidth / 2);
        var backPts = back.Points.ToArray();
        Array.Reverse(backPts);
        var lanes = new List<Lane>
        {
            new(0, forward, LaneWidth, limit) { RoadId = 0, OppositeNeighbour = 1, LeftMark = LaneMark.Solid, RightMark = LaneMark.Edge },
            new(1, new Polyline(backPts), LaneWidth, limit) { RoadId = 0, OppositeNeighbour = 0, LeftMark = LaneMark.Solid, RightMark = LaneMark.Edge },
        };
        return new RoadNetwork("curve", lanes, [], []);
    }

    // ---- four-way junction ----

    /// <summary>Arms of <see cref="Crossroads"/>, counter-clockwise.</summary>
    public enum Arm
    {
        East,
        North,
        West,
        South,
    }

    /// <summary>A four-way junction at the origin and the ids of its lanes.</summary>
    public sealed class CrossroadsTown
    {
        internal int[,] In = new int[4, 2], Out = new int[4, 2];
        internal Dictionary<(int Arm, int Lane, Turn Turn), int> Connectors = [];

        public required RoadNetwork Town { get; init; }
        public double HalfSize { get; init; }
        public int LanesPerDirection { get; init; }

        /// <summary>The lane coming towards the junction on an arm (lane 0 the inner one).</summary>
        public int Incoming(Arm arm, int lane = 0) => In[(int)arm, lane];

        /// <summary>The lane leaving the junction on an arm.</summary>
        public int Outgoing(Arm arm, int lane = 0) => Out[(int)arm, lane];

        public int Connector(Arm from, Turn turn, int lane = 0) => Connectors[((int)from, lane, turn)];

        public static Arm Exit(Arm from, Turn turn) => (Arm)(((int)from + turn switch { Turn.Right => 1, Turn.Straight => 2, _ => 3 }) % 4);

        /// <summary>A route from the start of an arm's incoming lane through the junction to the end of the exit arm.</summary>
        public Route Route(Arm from, Turn turn, int lane = 0)
        {
            int exitLane = LanesPerDirection == 1 ? 0 : turn switch { Turn.Right => LanesPerDirection - 1, Turn.Left => 0, _ => lane };
            if (LanesPerDirection > 1 && turn == Turn.Right) lane = LanesPerDirection - 1;
            if (LanesPerDirection > 1 && turn == Turn.Left) lane = 0;
            return RouteThrough(Town, $"{from}-{turn}", Incoming(from, lane), Connector(from, turn, lane), Outgoing(Exit(from, turn), exitLane));
        }
    }

    /// <summary>
    /// A four-way junction at the origin with arms of <paramref name="arm"/> metres. Lights: arms North/South in phase
    /// group 0, East/West in group 1. <see cref="JunctionControl.MinorStop"/>: stop signs on North/South only.
    /// </summary>
    public static CrossroadsTown Crossroads(JunctionControl control, double arm = 150, int lanesPerDirection = 1, bool crosswalks = false,
        double limit = Limit, SignalTiming? timing = null)
    {
        double w = LaneWidth;
        double half = lanesPerDirection * w + 5;
        var lanes = new List<Lane>();
        var t = new CrossroadsTown { Town = null!, HalfSize = half, LanesPerDirection = lanesPerDirection };
        var inIds = new int[4, 2];
        var outIds = new int[4, 2];
        Vec2 U(int a) => Vec2.FromHeading(a * Math.PI / 2);
        // Ids first: incoming lanes, outgoing lanes, then connectors.
        int next = 0;
        for (int a = 0; a < 4; a++)
            for (int k = 0; k < lanesPerDirection; k++) inIds[a, k] = next++;
        for (int a = 0; a < 4; a++)
            for (int k = 0; k < lanesPerDirection; k++) outIds[a, k] = next++;
        var connectorSpecs = new List<(int A, int K, Turn Turn, int ExitArm, int ExitK)>();
        for (int a = 0; a < 4; a++)
            for (int k = 0; k < lanesPerDirection; k++)
                foreach (var turn in new[] { Turn.Right, Turn.Straight, Turn.Left })
                {
                    if (lanesPerDirection > 1 && turn == Turn.Right && k != lanesPerDirection - 1) continue;
                    if (lanesPerDirection > 1 && turn == Turn.Left && k != 0) continue;
                    int exitArm = (int)CrossroadsTown.Exit((Arm)a, turn);
                    int exitK = lanesPerDirection == 1 ? 0 : turn switch { Turn.Right => lanesPerDirection - 1, Turn.Left => 0, _ => k };
                    connectorSpecs.Add((a, k, turn, exitArm, exitK));
                }
        int firstConnector = next;
        var signals = new List<TrafficSignal>();
        int[] signalOfArm = [-1, -1, -1, -1];
        for (int a = 0; a < 4; a++)
        {
            bool hasSign = control == JunctionControl.TrafficLights || control == JunctionControl.AllWayStop
                || (control == JunctionControl.MinorStop && (a == 1 || a == 3));
            if (!hasSign) continue;
            Vec2 u = U(a), n = u.Left;
            var sigLanes = Enumerable.Range(0, lanesPerDirection).Select(k => inIds[a, k]).ToArray();
            signalOfArm[a] = signals.Count;
            signals.Add(new TrafficSignal(signals.Count, control == JunctionControl.TrafficLights ? SignalKind.TrafficLight : SignalKind.StopSign, 0,
                sigLanes, u * half, u * half + n * (lanesPerDirection * w), control == JunctionControl.TrafficLights ? (a % 2 == 1 ? 0 : 1) : 0));
        }
        for (int a = 0; a < 4; a++)
        {
            Vec2 u = U(a), n = u.Left;
            for (int k = 0; k < lanesPerDirection; k++)
            {
                double off = (k + 0.5) * w;
                var succ = connectorSpecs.Select((c, i) => (c, i)).Where(x => x.c.A == a && x.c.K == k).Select(x => firstConnector + x.i).ToArray();
                lanes.Add(new Lane(inIds[a, k], new Polyline([u * (half + arm) + n * off, u * half + n * off]), w, limit)
                {
                    RoadId = a,
                    Successors = succ,
                    OppositeNeighbour = k == 0 ? outIds[a, 0] : -1,
                    LeftNeighbour = k > 0 ? inIds[a, k - 1] : -1,
                    RightNeighbour = k + 1 < lanesPerDirection ? inIds[a, k + 1] : -1,
                    LeftMark = k == 0 ? LaneMark.Solid : LaneMark.Dashed,
                    RightMark = k + 1 < lanesPerDirection ? LaneMark.Dashed : LaneMark.Edge,
                    SignalId = signalOfArm[a],
                });
            }
        }
        for (int a = 0; a < 4; a++)
        {
            Vec2 u = U(a), n = u.Left;
            for (int k = 0; k < lanesPerDirection; k++)
            {
                double off = (k + 0.5) * w;
                lanes.Add(new Lane(outIds[a, k], new Polyline([u * half - n * off, u * (half + arm) - n * off]), w, limit)
                {
                    RoadId = a,
                    OppositeNeighbour = k == 0 ? inIds[a, 0] : -1,
                    LeftNeighbour = k > 0 ? outIds[a, k - 1] : -1,
                    RightNeighbour = k + 1 < lanesPerDirection ? outIds[a, k + 1] : -1,
                    LeftMark = k == 0 ? LaneMark.Solid : LaneMark.Dashed,
                    RightMark = k + 1 < lanesPerDirection ? LaneMark.Dashed : LaneMark.Edge,
                });
            }
        }
        for (int i = 0; i < connectorSpecs.Count; i++)
        {
            var c = connectorSpecs[i];
            Vec2 u0 = U(c.A), n0 = u0.Left, u1 = U(c.ExitArm), n1 = u1.Left;
            Vec2 p0 = u0 * half + n0 * ((c.K + 0.5) * w), p1 = u1 * half - n1 * ((c.ExitK + 0.5) * w);
            Vec2 d0 = -u0, d1 = u1;
            var pts = new List<Vec2>();
            double chord = p0.DistanceTo(p1);
            Vec2 c0 = p0 + d0 * (0.45 * chord), c1 = p1 - d1 * (0.45 * chord);
            int m = c.Turn == Turn.Straight ? 2 : 16;
            for (int j = 0; j <= m; j++)
            {
                double s = (double)j / m, r = 1 - s;
                pts.Add(c.Turn == Turn.Straight ? p0 + (p1 - p0) * s : p0 * (r * r * r) + c0 * (3 * r * r * s) + c1 * (3 * r * s * s) + p1 * (s * s * s));
            }
            int id = firstConnector + i;
            lanes.Add(new Lane(id, new Polyline(pts), w, limit) { JunctionId = 0, Turn = c.Turn, Successors = [outIds[c.ExitArm, c.ExitK]] });
            t.Connectors[(c.A, c.K, c.Turn)] = id;
        }
        var polygon = new List<Vec2> { new(half, -half), new(half, half), new(-half, half), new(-half, -half) };
        var junction = new Junction(0, new Vec2(0, 0), polygon, control) { PhaseGroups = control == JunctionControl.TrafficLights ? 2 : 0, Timing = timing ?? SignalTiming.Default };
        var cws = new List<Crosswalk>();
        if (crosswalks)
        {
            double edge = lanesPerDirection * w + 1.5;
            for (int a = 0; a < 4; a++)
            {
                Vec2 u = U(a), n = u.Left;
                cws.Add(new Crosswalk(a, u * (half - 2) + n * edge, u * (half - 2) - n * edge, 3, 0));
            }
        }
        var town = new RoadNetwork($"crossroads-{control}", lanes, [junction], signals, crosswalks: cws);
        t.In = inIds;
        t.Out = outIds;
        return new CrossroadsTown { Town = town, HalfSize = half, LanesPerDirection = lanesPerDirection, In = inIds, Out = outIds, Connectors = t.Connectors };
    }
}
