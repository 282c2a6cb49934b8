using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Tests;

/// <summary>Hand-made towns for the BEV tests.</summary>
internal static class BevTestTowns
{
    public const double LaneWidth = 3;

    // Lane ids of the straight town: segment s (0: x 0..100, 1: 120..220, 2: 240..340) has 4s + these.
    public const int EastInner = 0, EastOuter = 1, WestInner = 2, WestOuter = 3;

    /// <summary>
    /// An east-west road with two 3 m lanes each way, centre line at y = 0.5 (so boundaries fall on pixel centres of
    /// a 1 px/m raster around an ego at integer coordinates): eastbound lanes at y = -1 and -4, westbound at 2 and 5,
    /// road edges at -5.5 and 6.5, 1.5 m shoulders. Segments x 0..100, 120..220, 240..340; junction 0 (x 100..120)
    /// has traffic lights (signal 0 eastbound, 1 westbound), junction 1 (x 220..240) an all-way stop (signal 2
    /// eastbound, 3 westbound). A speed sign (13.89 m/s) stands at (60, -7).
    /// </summary>
    public static RoadNetwork Straight()
    {
        double[] segStart = [0, 120, 240], segEnd = [100, 220, 340];
        var lanes = new List<Lane>();
        for (int s = 0; s < 3; s++)
        {
            double xa = segStart[s], xb = segEnd[s];
            int b = 4 * s;
            int ConnE(int k) => 12 + 4 * s + k;          // junction s's connector (eastbound leaves segment s)
            int ConnW(int k) => 12 + 4 * (s - 1) + k;    // junction s-1's connector (westbound leaves segment s)
            lanes.Add(new Lane(b + EastInner, Line(xa, -1, xb, -1), LaneWidth, 13.89)
            {
                RoadId = s, LeftMark = LaneMark.Solid, RightMark = LaneMark.Dashed, RightNeighbour = b + EastOuter, OppositeNeighbour = b + WestInner,
                Successors = s < 2 ? [ConnE(EastInner)] : [], SignalId = s == 0 ? 0 : s == 1 ? 2 : -1,
            });
            lanes.Add(new Lane(b + EastOuter, Line(xa, -4, xb, -4), LaneWidth, 13.89)
            {
                RoadId = s, LeftMark = LaneMark.Dashed, RightMark = LaneMark.Edge, LeftNeighbour = b + EastInner,
                Successors = s < 2 ? [ConnE(EastOuter)] : [], SignalId = s == 0 ? 0 : s == 1 ? 2 : -1,
            });
            lanes.Add(new Lane(b + WestInner, Line(xb, 2, xa, 2), LaneWidth, 13.89)
            {
                RoadId = s, LeftMark = LaneMark.Solid, RightMark = LaneMark.Dashed, RightNeighbour = b + WestOuter, OppositeNeighbour = b + EastInner,
                Successors = s > 0 ? [ConnW(WestInner)] : [], SignalId = s == 1 ? 1 : s == 2 ? 3 : -1,
            });
            lanes.Add(new Lane(b + WestOuter, Line(xb, 5, xa, 5), LaneWidth, 13.89)
            {
                RoadId = s, LeftMark = LaneMark.Dashed, RightMark = LaneMark.Edge, LeftNeighbour = b + WestInner,
                Successors = s > 0 ? [ConnW(WestOuter)] : [], SignalId = s == 1 ? 1 : s == 2 ? 3 : -1,
            });
        }
        for (int j = 0; j < 2; j++)
        {
            double xa = segEnd[j], xb = segStart[j + 1];
            int next = 4 * (j + 1), prev = 4 * j;
            lanes.Add(new Lane(12 + 4 * j + EastInner, Line(xa, -1, xb, -1), LaneWidth, 13.89) { JunctionId = j, Successors = [next + EastInner] });
            lanes.Add(new Lane(12 + 4 * j + EastOuter, Line(xa, -4, xb, -4), LaneWidth, 13.89) { JunctionId = j, Successors = [next + EastOuter] });
            lanes.Add(new Lane(12 + 4 * j + WestInner, Line(xb, 2, xa, 2), LaneWidth, 13.89) { JunctionId = j, Successors = [prev + WestInner] });
            lanes.Add(new Lane(12 + 4 * j + WestOuter, Line(xb, 5, xa, 5), LaneWidth, 13.89) { JunctionId = j, Successors = [prev + WestOuter] });
        }
        var junctions = new List<Junction>
        {
            new(0, new Vec2(110, 0.5), Square(100, 120), JunctionControl.TrafficLights) { PhaseGroups = 2 },
            new(1, new Vec2(230, 0.5), Square(220, 240), JunctionControl.AllWayStop),
        };
        var signals = new List<TrafficSignal>
        {
            new(0, SignalKind.TrafficLight, 0, [0 + EastInner, 0 + EastOuter], new Vec2(100, 0.5), new Vec2(100, -5.5), 0),
            new(1, SignalKind.TrafficLight, 0, [4 + WestInner, 4 + WestOuter], new Vec2(120, 0.5), new Vec2(120, 6.5), 1),
            new(2, SignalKind.StopSign, 1, [4 + EastInner, 4 + EastOuter], new Vec2(220, 0.5), new Vec2(220, -5.5)),
            new(3, SignalKind.StopSign, 1, [8 + WestInner, 8 + WestOuter], new Vec2(240, 0.5), new Vec2(240, 6.5)),
        };
        var signs = new List<SpeedSign> { new(EastOuter, 60, 13.89, new Vec2(60, -7)) };
        return new RoadNetwork("bev-straight", lanes, junctions, signals, signs, shoulderWidth: 1.5);

        static Vec2[] Square(double x0, double x1) => [new(x0, -5.5), new(x1, -5.5), new(x1, 6.5), new(x0, 6.5)];
    }

    /// <summary>The eastbound inner lanes from x = 0 to 340 through both junctions.</summary>
    public static Route EastRoute(RoadNetwork town) =>
        new("east", town, [EastInner, 12 + EastInner, 4 + EastInner, 16 + EastInner, 8 + EastInner], Line(0, -1, 340, -1));

    /// <summary>
    /// A grid town for benchmarks: n x n junctions <paramref name="block"/> metres apart, joined by roads with two 3.5 m
    /// lanes each way, traffic lights on every approach, and a speed sign on every road.
    /// </summary>
    public static RoadNetwork Grid(int n, double block)
    {
        const double w = 3.5, half = 2 * w;
        var lanes = new List<Lane>();
        var signalLanes = new List<(int Junction, List<int> Lanes, int Group, Vec2 A, Vec2 B)>();
        var signalOf = new Dictionary<(int Junction, int Approach), int>();
        var signs = new List<SpeedSign>();
        int road = 0;
        for (int gy = 0; gy < n; gy++)
            for (int gx = 0; gx < n; gx++)
                for (int dir = 0; dir < 2; dir++)
                {
                    int hx = gx + (dir == 0 ? 1 : 0), hy = gy + (dir == 1 ? 1 : 0);
                    if (hx >= n || hy >= n) continue;
                    Vec2 pa = new(gx * block, gy * block), pb = new(hx * block, hy * block);
                    Vec2 d = (pb - pa).Normalized(), left = d.Left;
                    Vec2 a = pa + d * half, b = pb - d * half;
                    int ja = gy * n + gx, jb = hy * n + hx;
                    int first = lanes.Count;
                    // Forward lanes (a to b) end at junction b, arriving along d; backward lanes end at junction a.
                    int fwdSignal = Signal(jb, dir, pb - d * half, left), bwdSignal = Signal(ja, dir + 2, pa + d * half, -left);
                    lanes.Add(new Lane(first, new Polyline([a - left * (w / 2), b - left * (w / 2)]), w, 13.89)
                    { RoadId = road, LeftMark = LaneMark.Solid, RightMark = LaneMark.Dashed, RightNeighbour = first + 1, SignalId = fwdSignal });
                    lanes.Add(new Lane(first + 1, new Polyline([a - left * (1.5 * w), b - left * (1.5 * w)]), w, 13.89)
                    { RoadId = road, LeftMark = LaneMark.Dashed, RightMark = LaneMark.Edge, LeftNeighbour = first, SignalId = fwdSignal });
                    lanes.Add(new Lane(first + 2, new Polyline([b + left * (w / 2), a + left * (w / 2)]), w, 13.89)
                    { RoadId = road, LeftMark = LaneMark.Solid, RightMark = LaneMark.Dashed, RightNeighbour = first + 3, SignalId = bwdSignal });
                    lanes.Add(new Lane(first + 3, new Polyline([b + left * (1.5 * w), a + left * (1.5 * w)]), w, 13.89)
                    { RoadId = road, LeftMark = LaneMark.Dashed, RightMark = LaneMark.Edge, LeftNeighbour = first + 2, SignalId = bwdSignal });
                    signalLanes[fwdSignal].Lanes.AddRange([first, first + 1]);
                    signalLanes[bwdSignal].Lanes.AddRange([first + 2, first + 3]);
                    signs.Add(new SpeedSign(first + 1, 20, 13.89, a - left * (2 * w + 1) + d * 20));
                    road++;
                }
        var junctions = new List<Junction>();
        for (int gy = 0; gy < n; gy++)
            for (int gx = 0; gx < n; gx++)
            {
                Vec2 c = new(gx * block, gy * block);
                junctions.Add(new Junction(gy * n + gx, c,
                    [c + new Vec2(-half, -half), c + new Vec2(half, -half), c + new Vec2(half, half), c + new Vec2(-half, half)],
                    JunctionControl.TrafficLights) { PhaseGroups = 2 });
            }
        var signals = signalLanes.Select((s, i) => new TrafficSignal(i, SignalKind.TrafficLight, s.Junction, [.. s.Lanes], s.A, s.B, s.Group)).ToList();
        return new RoadNetwork($"bev-grid-{n}x{n}", lanes, junctions, signals, signs, shoulderWidth: 1.5);

        int Signal(int junction, int approach, Vec2 stop, Vec2 across)
        {
            if (!signalOf.TryGetValue((junction, approach), out int id))
            {
                signalOf[(junction, approach)] = id = signalLanes.Count;
                signalLanes.Add((junction, [], approach % 2, stop, stop - across * half));
            }
            return id;
        }
    }

    public static Polyline Line(double x0, double y0, double x1, double y1) => new([new Vec2(x0, y0), new Vec2(x1, y1)]);
}
