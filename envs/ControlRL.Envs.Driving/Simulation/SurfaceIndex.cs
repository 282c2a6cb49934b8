using System.Runtime.CompilerServices;
using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>A point's relation to one lane: arc length and signed lateral offset of its foot point, and whether it lies on the lane.</summary>
public readonly record struct LaneHit(int Lane, double S, double Lateral, bool Inside);

/// <summary>
/// Fast point queries on a town's drivable surface for the per-step loops: a dense grid whose cells list every lane
/// segment passing within <see cref="Reach"/> of the cell, and the junctions overlapping it. One per town, shared by
/// every world on it (built once, immutable).
/// </summary>
public sealed class SurfaceIndex
{
    private const double Cell = 4;
    private static readonly ConditionalWeakTable<RoadNetwork, SurfaceIndex> Cache = new();

    private readonly RoadNetwork _town;
    private readonly double _x0, _y0;
    private readonly int _nx, _ny;
    private readonly int[] _cellStart;
    private readonly int[] _segLane;
    private readonly int[] _segIndex;
    private readonly int[] _junctionStart;
    private readonly int[] _junctions;

    public static SurfaceIndex For(RoadNetwork town)
    {
        ArgumentNullException.ThrowIfNull(town);
        return Cache.GetValue(town, t => new SurfaceIndex(t));
    }

    private SurfaceIndex(RoadNetwork town)
    {
        _town = town;
        double maxHalf = town.Lanes.Max(l => l.Width) / 2;
        Reach = maxHalf + 6;
        _x0 = town.Min.X - Reach - Cell;
        _y0 = town.Min.Y - Reach - Cell;
        _nx = (int)Math.Ceiling((town.Max.X + Reach + Cell - _x0) / Cell) + 1;
        _ny = (int)Math.Ceiling((town.Max.Y + Reach + Cell - _y0) / Cell) + 1;
        if ((long)_nx * _ny > 50_000_000) throw new ArgumentException($"town '{town.Name}' spans {_nx * Cell} x {_ny * Cell} m, too large for the surface grid.");
        var cells = new List<int>[_nx * _ny];
        double cellReach = Reach + Cell * Math.Sqrt(0.5);
        foreach (var lane in town.Lanes)
        {
            var pts = lane.Centre.Points;
            for (int i = 0; i + 1 < pts.Length; i++)
            {
                Vec2 a = pts[i], b = pts[i + 1];
                int cx0 = CellX(Math.Min(a.X, b.X) - cellReach), cx1 = CellX(Math.Max(a.X, b.X) + cellReach);
                int cy0 = CellY(Math.Min(a.Y, b.Y) - cellReach), cy1 = CellY(Math.Max(a.Y, b.Y) + cellReach);
                for (int cx = cx0; cx <= cx1; cx++)
                    for (int cy = cy0; cy <= cy1; cy++)
                    {
                        var c = new Vec2(_x0 + (cx + 0.5) * Cell, _y0 + (cy + 0.5) * Cell);
                        if (SegmentDistance(c, a, b) > cellReach) continue;
                        (cells[cx * _ny + cy] ??= []).Add(lane.Id << 12 | i);
                        if (i >= 4096) throw new ArgumentException($"lane {lane.Id} has more than 4096 points.");
                    }
            }
        }
        var jcells = new List<int>[_nx * _ny];
        foreach (var j in town.Junctions)
        {
            double x0 = j.Polygon.Min(p => p.X), x1 = j.Polygon.Max(p => p.X), y0 = j.Polygon.Min(p => p.Y), y1 = j.Polygon.Max(p => p.Y);
            for (int cx = CellX(x0); cx <= CellX(x1); cx++)
                for (int cy = CellY(y0); cy <= CellY(y1); cy++)
                    (jcells[cx * _ny + cy] ??= []).Add(j.Id);
        }
        _cellStart = new int[_nx * _ny + 1];
        _junctionStart = new int[_nx * _ny + 1];
        int total = 0, jtotal = 0;
        for (int c = 0; c < cells.Length; c++)
        {
            _cellStart[c] = total;
            total += cells[c]?.Count ?? 0;
            _junctionStart[c] = jtotal;
            jtotal += jcells[c]?.Count ?? 0;
        }
        _cellStart[^1] = total;
        _junctionStart[^1] = jtotal;
        _segLane = new int[total];
        _segIndex = new int[total];
        _junctions = new int[jtotal];
        for (int c = 0; c < cells.Length; c++)
        {
            if (cells[c] is { } list)
                for (int k = 0; k < list.Count; k++)
                {
                    _segLane[_cellStart[c] + k] = list[k] >> 12;
                    _segIndex[_cellStart[c] + k] = list[k] & 4095;
                }
            if (jcells[c] is { } jl)
                for (int k = 0; k < jl.Count; k++) _junctions[_junctionStart[c] + k] = jl[k];
        }
    }

    public RoadNetwork Town => _town;

    /// <summary>Every lane whose centre line passes within this distance of a point is considered by the queries, m.</summary>
    public double Reach { get; }

    private int CellX(double x) => Math.Clamp((int)Math.Floor((x - _x0) / Cell), 0, _nx - 1);
    private int CellY(double y) => Math.Clamp((int)Math.Floor((y - _y0) / Cell), 0, _ny - 1);

    private int CellOf(Vec2 p)
    {
        double fx = (p.X - _x0) / Cell, fy = (p.Y - _y0) / Cell;
        if (!(fx >= 0 && fy >= 0 && fx < _nx && fy < _ny)) return -1;
        return (int)fx * _ny + (int)fy;
    }

    private static double SegmentDistance(Vec2 p, Vec2 a, Vec2 b)
    {
        Vec2 d = b - a;
        double t = Math.Clamp((p - a).Dot(d) / d.LengthSquared, 0, 1);
        return p.DistanceTo(a + d * t);
    }

    /// <summary>The junction whose outline contains <paramref name="p"/>, or -1.</summary>
    public int JunctionAt(Vec2 p)
    {
        int c = CellOf(p);
        if (c < 0) return -1;
        for (int k = _junctionStart[c]; k < _junctionStart[c + 1]; k++)
        {
            int j = _junctions[k];
            if (RoadNetwork.PolygonContains(_town.Junctions[j].Polygon, p)) return j;
        }
        return -1;
    }

    /// <summary>
    /// How far <paramref name="p"/> lies outside every lane and junction, m (0 on the drivable surface; beyond
    /// <see cref="Reach"/> minus a half lane width the answer is only a lower bound).
    /// </summary>
    public double DistanceOutside(Vec2 p)
    {
        int c = CellOf(p);
        if (c < 0) return Reach;
        // Junction outlines first: a point inside one needs no look at the many connector segments there.
        if (_junctionStart[c + 1] > _junctionStart[c] && JunctionAt(p) >= 0) return 0;
        double best = Reach;
        for (int k = _cellStart[c]; k < _cellStart[c + 1]; k++)
        {
            var lane = _town.Lanes[_segLane[k]];
            double d = OutsideLane(lane, _segIndex[k], p);
            if (d < best)
            {
                best = d;
                if (best <= 0) return 0;
            }
        }
        return best;
    }

    public bool OnDrivable(Vec2 p) => DistanceOutside(p) <= 0;

    // Distance from p to the lane's surface near one segment: lateral beyond the half width, and past the lane's
    // first or last point a flat end cap.
    private static double OutsideLane(Lane lane, int seg, Vec2 p)
    {
        var pts = lane.Centre.Points;
        Vec2 a = pts[seg], b = pts[seg + 1], d = b - a;
        double len = Math.Sqrt(d.LengthSquared);
        Vec2 u = d * (1 / len);
        double along = (p - a).Dot(u);
        double half = lane.Width / 2;
        bool first = seg == 0, last = seg == pts.Length - 2;
        if ((along < 0 && first) || (along > len && last))
        {
            double over = along < 0 ? -along : along - len;
            double lat = Math.Abs(u.Cross(p - a));
            double side = Math.Max(0, lat - half);
            return Math.Sqrt(over * over + side * side);
        }
        double t = Math.Clamp(along, 0, len);
        return p.DistanceTo(a + u * t) - half;
    }

    /// <summary>
    /// The lane whose centre line is nearest to <paramref name="p"/> (as CARLA's get_waypoint projects a location to
    /// the nearest driving lane), among lanes within <see cref="Reach"/>. False when none is that close.
    /// </summary>
    public bool Nearest(Vec2 p, out LaneHit hit)
    {
        hit = default;
        int c = CellOf(p);
        if (c < 0) return false;
        double best = double.PositiveInfinity;
        for (int k = _cellStart[c]; k < _cellStart[c + 1]; k++)
        {
            var lane = _town.Lanes[_segLane[k]];
            int seg = _segIndex[k];
            var h = ProjectSegment(lane, seg, p, out double dist);
            if (dist < best)
            {
                best = dist;
                hit = h;
            }
        }
        return best < double.PositiveInfinity;
    }

    /// <summary>
    /// The lane containing <paramref name="p"/> (|lateral| within half its width), preferring the one whose direction
    /// is closest to <paramref name="heading"/> (NaN: any), then the closest centre (as <see cref="RoadNetwork.TryLocate"/>).
    /// </summary>
    public bool Locate(Vec2 p, double heading, out LaneHit hit) => Locate(p, heading, [], out hit);

    /// <summary>
    /// As <see cref="Locate(Vec2, double, out LaneHit)"/>, but a lane in <paramref name="preferred"/> that contains the
    /// point and runs within 90 degrees of <paramref name="heading"/> wins over any other.
    /// </summary>
    public bool Locate(Vec2 p, double heading, ReadOnlySpan<int> preferred, out LaneHit hit)
    {
        hit = default;
        int c = CellOf(p);
        if (c < 0) return false;
        double best = double.PositiveInfinity;
        for (int k = _cellStart[c]; k < _cellStart[c + 1]; k++)
        {
            var lane = _town.Lanes[_segLane[k]];
            int seg = _segIndex[k];
            var h = ProjectSegment(lane, seg, p, out _);
            if (!h.Inside) continue;
            double err = double.IsNaN(heading) ? 0 : Math.Abs(Angles.Wrap(lane.Centre.SegmentDirection(seg).Heading - heading));
            double score = err * 10 + Math.Abs(h.Lateral);
            if (err < Math.PI / 2 && preferred.Contains(lane.Id)) score -= 1000;
            if (score < best)
            {
                best = score;
                hit = h;
            }
        }
        return best < double.PositiveInfinity;
    }

    private static LaneHit ProjectSegment(Lane lane, int seg, Vec2 p, out double dist)
    {
        var pts = lane.Centre.Points;
        var st = lane.Centre.Stations;
        Vec2 a = pts[seg], d = pts[seg + 1] - a;
        double len2 = d.LengthSquared;
        double tRaw = (p - a).Dot(d) / len2;
        double t = Math.Clamp(tRaw, 0, 1);
        Vec2 foot = a + d * t;
        dist = p.DistanceTo(foot);
        double lateral = d.Cross(p - a) >= 0 ? dist : -dist;
        bool beyondEnd = (seg == 0 && tRaw < 0) || (seg == pts.Length - 2 && tRaw > 1);
        bool inside = !beyondEnd && dist <= lane.Width / 2;
        // Interior vertices: a point may project onto two segments; the distance decides, as in Polyline.Project.
        return new LaneHit(lane.Id, st[seg] + t * Math.Sqrt(len2), lateral, inside);
    }
}
