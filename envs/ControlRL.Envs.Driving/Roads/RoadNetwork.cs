using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>A point located on a lane: the lane, its projection on the centre line, and how well the heading agrees.</summary>
public readonly record struct LaneLocation(int LaneId, PolylineProjection Projection, double HeadingError);

/// <summary>
/// A town's roads: lanes (the lane graph), junctions, signals, speed signs and crosswalks, plus the shoulder width
/// beside outer lanes. Construction checks every reference and fills the derived links (predecessors, junction
/// members) and a uniform grid over lane segments for point queries. Immutable afterwards and shared by every env
/// that drives the town.
/// </summary>
public sealed class RoadNetwork
{
    /// <summary>Cell size of the lane-segment grid, metres.</summary>
    private const double Cell = 8;

    private readonly Dictionary<long, int[]> _grid;

    public RoadNetwork(string name, IReadOnlyList<Lane> lanes, IReadOnlyList<Junction> junctions, IReadOnlyList<TrafficSignal> signals,
        IReadOnlyList<SpeedSign>? speedSigns = null, IReadOnlyList<Crosswalk>? crosswalks = null, double shoulderWidth = 1.5)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        ArgumentNullException.ThrowIfNull(junctions);
        ArgumentNullException.ThrowIfNull(signals);
        Name = name;
        Lanes = lanes;
        Junctions = junctions;
        Signals = signals;
        SpeedSigns = speedSigns ?? [];
        Crosswalks = crosswalks ?? [];
        if (!(shoulderWidth >= 0) || !double.IsFinite(shoulderWidth)) throw new FormatException($"town '{name}': shoulder width {shoulderWidth} is not a non-negative number of metres.");
        ShoulderWidth = shoulderWidth;
        Validate();
        Link();
        _grid = BuildGrid(out var min, out var max);
        Min = min;
        Max = max;
    }

    public string Name { get; }
    public IReadOnlyList<Lane> Lanes { get; }
    public IReadOnlyList<Junction> Junctions { get; }
    public IReadOnlyList<TrafficSignal> Signals { get; }
    public IReadOnlyList<SpeedSign> SpeedSigns { get; }
    public IReadOnlyList<Crosswalk> Crosswalks { get; }
    public double ShoulderWidth { get; }

    /// <summary>Bounding box of every lane (with its width).</summary>
    public Vec2 Min { get; }
    public Vec2 Max { get; }

    /// <summary>Ids of lanes with a segment within about one grid cell of <paramref name="p"/> (a superset of the lanes that contain it). Do not modify.</summary>
    public ReadOnlySpan<int> LanesNear(Vec2 p) =>
        _grid.TryGetValue(Key((int)Math.Floor(p.X / Cell), (int)Math.Floor(p.Y / Cell)), out var ids) ? ids : [];

    /// <summary>
    /// The lane containing <paramref name="p"/> (|lateral| within half its width), preferring the one whose direction
    /// is closest to <paramref name="heading"/> (NaN: any direction; then the closest centre line wins). False off every lane.
    /// </summary>
    public bool TryLocate(Vec2 p, double heading, out LaneLocation location)
    {
        location = default;
        double bestScore = double.PositiveInfinity;
        foreach (int id in LanesNear(p))
        {
            var lane = Lanes[id];
            var proj = lane.Centre.Project(p);
            if (proj.Distance > lane.Width / 2) continue;
            // A point past either end of the centre line is not on the lane (its projection clamps to the end).
            if ((proj.S <= 0 || proj.S >= lane.Length) && lane.Centre.PointAt(proj.S).DistanceTo(p) > proj.Distance + 1e-6) continue;
            double err = double.IsNaN(heading) ? 0 : Math.Abs(Angles.Wrap(lane.Centre.HeadingAt(proj.S) - heading));
            double score = err * 10 + proj.Distance;
            if (score < bestScore)
            {
                bestScore = score;
                location = new LaneLocation(id, proj, err);
            }
        }
        return bestScore < double.PositiveInfinity;
    }

    /// <summary>True when <paramref name="p"/> is on a lane or junction (the drivable surface, shoulders excluded).</summary>
    public bool OnRoad(Vec2 p) => TryLocate(p, double.NaN, out _) || InJunction(p) >= 0;

    /// <summary>The junction whose polygon contains <paramref name="p"/>, or -1.</summary>
    public int InJunction(Vec2 p)
    {
        foreach (var j in Junctions)
            if (PolygonContains(j.Polygon, p)) return j.Id;
        return -1;
    }

    internal static bool PolygonContains(IReadOnlyList<Vec2> polygon, Vec2 p)
    {
        bool inside = false;
        for (int i = 0, k = polygon.Count - 1; i < polygon.Count; k = i++)
        {
            Vec2 a = polygon[i], b = polygon[k];
            if ((a.Y > p.Y) != (b.Y > p.Y) && p.X < (b.X - a.X) * (p.Y - a.Y) / (b.Y - a.Y) + a.X) inside = !inside;
        }
        return inside;
    }

    private void Validate()
    {
        string where = $"town '{Name}'";
        if (Lanes.Count == 0) throw new FormatException($"{where}: no lanes.");
        for (int i = 0; i < Lanes.Count; i++)
        {
            var l = Lanes[i];
            if (l.Id != i) throw new FormatException($"{where}: lane at position {i} has id {l.Id}; lane ids must be 0..{Lanes.Count - 1} in order.");
            foreach (int s in l.Successors) CheckLane(s, $"lane {i} successor");
            CheckLaneOrNone(l.LeftNeighbour, $"lane {i} left neighbour");
            CheckLaneOrNone(l.RightNeighbour, $"lane {i} right neighbour");
            CheckLaneOrNone(l.OppositeNeighbour, $"lane {i} opposite neighbour");
            if (l.JunctionId >= Junctions.Count) throw new FormatException($"{where}: lane {i} names junction {l.JunctionId}, but there are {Junctions.Count}.");
            if (l.SignalId >= Signals.Count) throw new FormatException($"{where}: lane {i} names signal {l.SignalId}, but there are {Signals.Count}.");
        }
        for (int i = 0; i < Junctions.Count; i++)
        {
            var j = Junctions[i];
            if (j.Id != i) throw new FormatException($"{where}: junction at position {i} has id {j.Id}; ids must be 0..{Junctions.Count - 1} in order.");
            if (j.Polygon.Count < 3) throw new FormatException($"{where}: junction {i} outline has {j.Polygon.Count} points; at least 3 are needed.");
            if (j.Polygon.Any(p => !p.IsFinite)) throw new FormatException($"{where}: junction {i} outline has a non-finite point.");
            var t = j.Timing;
            if (!(t.Green > 0 && t.Yellow >= 0 && t.AllRed >= 0 && double.IsFinite(t.Green + t.Yellow + t.AllRed + t.Offset)))
                throw new FormatException($"{where}: junction {i} signal timing {t} needs green > 0 and yellow, all-red >= 0 seconds.");
        }
        for (int i = 0; i < Signals.Count; i++)
        {
            var s = Signals[i];
            if (s.Id != i) throw new FormatException($"{where}: signal at position {i} has id {s.Id}; ids must be 0..{Signals.Count - 1} in order.");
            if ((uint)s.JunctionId >= (uint)Junctions.Count) throw new FormatException($"{where}: signal {i} names junction {s.JunctionId}, but there are {Junctions.Count}.");
            if (s.Lanes.Length == 0) throw new FormatException($"{where}: signal {i} controls no lane.");
            foreach (int l in s.Lanes) CheckLane(l, $"signal {i} lane");
            if (s.Kind == SignalKind.TrafficLight && (uint)s.PhaseGroup >= (uint)Math.Max(1, Junctions[s.JunctionId].PhaseGroups))
                throw new FormatException($"{where}: signal {i} is in phase group {s.PhaseGroup}, but junction {s.JunctionId} has {Junctions[s.JunctionId].PhaseGroups}.");
        }
        foreach (var sign in SpeedSigns)
        {
            CheckLane(sign.LaneId, "speed sign lane");
            if (!(sign.Limit > 0) || !double.IsFinite(sign.Limit)) throw new FormatException($"{where}: speed sign on lane {sign.LaneId} has limit {sign.Limit}.");
        }

        void CheckLane(int id, string what)
        {
            if ((uint)id >= (uint)Lanes.Count) throw new FormatException($"{where}: {what} {id} does not exist (lanes 0..{Lanes.Count - 1}).");
        }
        void CheckLaneOrNone(int id, string what)
        {
            if (id != -1) CheckLane(id, what);
        }
    }

    private void Link()
    {
        var preds = new List<int>[Lanes.Count];
        for (int i = 0; i < preds.Length; i++) preds[i] = [];
        foreach (var l in Lanes)
            foreach (int s in l.Successors) preds[s].Add(l.Id);
        for (int i = 0; i < Lanes.Count; i++) Lanes[i].Predecessors = [.. preds[i]];
        foreach (var j in Junctions)
        {
            j.Connectors = [.. Lanes.Where(l => l.JunctionId == j.Id).Select(l => l.Id)];
            j.Incoming = [.. Lanes.Where(l => !l.InJunction && l.Successors.Any(s => Lanes[s].JunctionId == j.Id)).Select(l => l.Id)];
        }
    }

    private Dictionary<long, int[]> BuildGrid(out Vec2 min, out Vec2 max)
    {
        var cells = new Dictionary<long, List<int>>();
        double x0 = double.PositiveInfinity, y0 = double.PositiveInfinity, x1 = double.NegativeInfinity, y1 = double.NegativeInfinity;
        foreach (var lane in Lanes)
        {
            double pad = lane.Width / 2 + Cell;
            var pts = lane.Centre.Points;
            for (int i = 0; i + 1 < pts.Length; i++)
            {
                Vec2 a = pts[i], b = pts[i + 1];
                double ax = Math.Min(a.X, b.X), bx = Math.Max(a.X, b.X), ay = Math.Min(a.Y, b.Y), by = Math.Max(a.Y, b.Y);
                x0 = Math.Min(x0, ax - lane.Width / 2); x1 = Math.Max(x1, bx + lane.Width / 2);
                y0 = Math.Min(y0, ay - lane.Width / 2); y1 = Math.Max(y1, by + lane.Width / 2);
                for (int cx = (int)Math.Floor((ax - pad) / Cell); cx <= (int)Math.Floor((bx + pad) / Cell); cx++)
                    for (int cy = (int)Math.Floor((ay - pad) / Cell); cy <= (int)Math.Floor((by + pad) / Cell); cy++)
                    {
                        long key = Key(cx, cy);
                        if (!cells.TryGetValue(key, out var list)) cells[key] = list = [];
                        if (list.Count == 0 || list[^1] != lane.Id) list.Add(lane.Id);
                    }
            }
        }
        min = new Vec2(x0, y0);
        max = new Vec2(x1, y1);
        return cells.ToDictionary(kv => kv.Key, kv => kv.Value.Distinct().ToArray());
    }

    private static long Key(int cx, int cy) => ((long)cx << 32) ^ (uint)cy;
}
