using System.Runtime.CompilerServices;
using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>Where two junction connectors meet: the other connector, the arc length on each, and whether they merge into one exit lane (else they cross).</summary>
public readonly record struct Conflict(int Other, double SSelf, double SOther, bool Merge);

/// <summary>
/// For every junction connector, the connectors of the same junction whose paths cross it, bring two car bodies
/// into contact without crossing (opposing left turns can), or end in the same exit lane (connectors leaving the
/// same incoming lane diverge and do not conflict). Built once per town.
/// </summary>
public sealed class JunctionConflicts
{
    // The car body used for contact between paths: a large car.
    private const double BodyHalfLength = 2.6, BodyHalfWidth = 1.0;

    private static readonly ConditionalWeakTable<RoadNetwork, JunctionConflicts> Cache = new();
    private readonly Conflict[][] _byLane;

    public static JunctionConflicts For(RoadNetwork town)
    {
        ArgumentNullException.ThrowIfNull(town);
        return Cache.GetValue(town, t => new JunctionConflicts(t));
    }

    private JunctionConflicts(RoadNetwork town)
    {
        _byLane = new Conflict[town.Lanes.Count][];
        for (int i = 0; i < _byLane.Length; i++) _byLane[i] = [];
        foreach (var j in town.Junctions)
        {
            foreach (int a in j.Connectors)
            {
                var list = new List<Conflict>();
                var la = town.Lanes[a];
                foreach (int b in j.Connectors)
                {
                    if (a == b) continue;
                    var lb = town.Lanes[b];
                    if (la.Predecessors.Intersect(lb.Predecessors).Any()) continue;
                    if (la.Successors.Intersect(lb.Successors).Any())
                    {
                        list.Add(new Conflict(b, la.Length, lb.Length, true));
                        continue;
                    }
                    if (FirstCrossing(la.Centre, lb.Centre, out double sa, out double sb)) list.Add(new Conflict(b, sa, sb, false));
                    else if (BodiesMeet(la.Centre, lb.Centre, out sa, out sb)) list.Add(new Conflict(b, sa, sb, false));
                }
                _byLane[a] = [.. list];
            }
        }
    }

    /// <summary>The conflicts of connector <paramref name="lane"/> (empty for lanes of roads).</summary>
    public ReadOnlySpan<Conflict> Of(int lane) => _byLane[lane];

    // The first place along a where a car-sized box on a overlaps one on b (sampled every metre): paths that never
    // cross can still bring two car bodies into contact when they pass at an angle.
    private static bool BodiesMeet(Polyline a, Polyline b, out double sa, out double sb)
    {
        sa = sb = 0;
        int na = Math.Max(2, (int)Math.Ceiling(a.Length)), nb = Math.Max(2, (int)Math.Ceiling(b.Length));
        double reach = 2 * (BodyHalfLength + BodyHalfWidth);
        for (int i = 0; i <= na; i++)
        {
            double x = a.Length * i / na;
            Vec2 pa = a.PointAt(x);
            OrientedBox ba = new(pa, a.HeadingAt(x), BodyHalfLength, BodyHalfWidth);
            for (int k = 0; k <= nb; k++)
            {
                double y = b.Length * k / nb;
                Vec2 pb = b.PointAt(y);
                if ((pa - pb).LengthSquared > reach * reach) continue;
                if (ba.Overlaps(new OrientedBox(pb, b.HeadingAt(y), BodyHalfLength, BodyHalfWidth)))
                {
                    sa = x;
                    sb = y;
                    return true;
                }
            }
        }
        return false;
    }

    private static bool FirstCrossing(Polyline a, Polyline b, out double sa, out double sb)
    {
        sa = sb = 0;
        var pa = a.Points;
        var pb = b.Points;
        var sta = a.Stations;
        var stb = b.Stations;
        for (int i = 0; i + 1 < pa.Length; i++)
        {
            Vec2 p = pa[i], r = pa[i + 1] - p;
            for (int k = 0; k + 1 < pb.Length; k++)
            {
                Vec2 q = pb[k], s = pb[k + 1] - q;
                double den = r.Cross(s);
                if (Math.Abs(den) < 1e-12) continue;
                double t = (q - p).Cross(s) / den, u = (q - p).Cross(r) / den;
                if (t < 0 || t > 1 || u < 0 || u > 1) continue;
                sa = sta[i] + t * r.Length;
                sb = stb[k] + u * s.Length;
                return true;
            }
        }
        return false;
    }
}
