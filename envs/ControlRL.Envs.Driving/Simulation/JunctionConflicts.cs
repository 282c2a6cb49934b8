using System.Runtime.CompilerServices;
using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>Where two junction connectors meet: the other connector, the arc length on each, and whether they merge into one exit lane (else they cross).</summary>
public readonly record struct Conflict(int Other, double SSelf, double SOther, bool Merge);

/// <summary>
/// For every junction connector, the connectors of the same junction whose paths cross it or end in the same exit
/// lane (connectors leaving the same incoming lane diverge and do not conflict). Built once per town.
/// </summary>
public sealed class JunctionConflicts
{
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
                }
                _byLane[a] = [.. list];
            }
        }
    }

    /// <summary>The conflicts of connector <paramref name="lane"/> (empty for lanes of roads).</summary>
    public ReadOnlySpan<Conflict> Of(int lane) => _byLane[lane];

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
