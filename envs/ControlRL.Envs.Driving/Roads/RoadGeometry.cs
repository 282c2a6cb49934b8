using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>Curve helpers of the town generator and the route planner (build time only; they allocate).</summary>
internal static class RoadGeometry
{
    /// <summary>Files store coordinates to 1 mm; generated towns are rounded the same way so a file reads back identical.</summary>
    public static double Round(double v)
    {
        double r = Math.Round(v, 3, MidpointRounding.ToEven);
        return r == 0 ? 0 : r; // no negative zero in files
    }

    public static Vec2 Round(Vec2 p) => new(Round(p.X), Round(p.Y));

    public static Polyline Reverse(Polyline line)
    {
        var pts = line.Points.ToArray();
        Array.Reverse(pts);
        return new Polyline(pts);
    }

    /// <summary>The curve simplified (Douglas-Peucker, ends kept) and rounded to 1 mm.</summary>
    public static Polyline Simplify(Polyline line, double tolerance)
    {
        var pts = line.Points;
        var keep = new bool[pts.Length];
        keep[0] = keep[^1] = true;
        var stack = new Stack<(int, int)>();
        stack.Push((0, pts.Length - 1));
        while (stack.Count > 0)
        {
            var (a, b) = stack.Pop();
            double worst = -1;
            int at = -1;
            for (int i = a + 1; i < b; i++)
            {
                double d = DistanceToSegment(pts[i], pts[a], pts[b]);
                if (d > worst) { worst = d; at = i; }
            }
            if (at >= 0 && worst > tolerance)
            {
                keep[at] = true;
                stack.Push((a, at));
                stack.Push((at, b));
            }
        }
        var kept = new List<Vec2>();
        for (int i = 0; i < pts.Length; i++)
            if (keep[i]) kept.Add(Round(pts[i]));
        return new Polyline(kept);
    }

    /// <summary>
    /// The curve without segments shorter than <paramref name="minLength"/> (ends kept). Offsetting a curve sideways
    /// by d moves a vertex along the curve by about d times the turn of its normal; on a centimetre-long segment that
    /// can swap two offset points and reverse the lane's direction there.
    /// </summary>
    public static Polyline DropShortSegments(Polyline line, double minLength)
    {
        var pts = line.Points;
        var kept = new List<Vec2> { pts[0] };
        for (int i = 1; i < pts.Length - 1; i++)
            if (pts[i].DistanceTo(kept[^1]) >= minLength) kept.Add(pts[i]);
        if (kept.Count > 1 && kept[^1].DistanceTo(pts[^1]) < minLength) kept.RemoveAt(kept.Count - 1);
        kept.Add(pts[^1]);
        return new Polyline(kept);
    }

    public static double DistanceToSegment(Vec2 p, Vec2 a, Vec2 b)
    {
        Vec2 d = b - a;
        double len2 = d.LengthSquared;
        double t = len2 > 0 ? Math.Clamp((p - a).Dot(d) / len2, 0, 1) : 0;
        return p.DistanceTo(a + d * t);
    }

    /// <summary>Points of a cubic Bezier curve; <paramref name="count"/> segments, both ends included.</summary>
    public static IEnumerable<Vec2> Bezier(Vec2 p0, Vec2 p1, Vec2 p2, Vec2 p3, int count, bool includeEnds = true)
    {
        for (int i = includeEnds ? 0 : 1; i <= (includeEnds ? count : count - 1); i++)
        {
            double t = (double)i / count, u = 1 - t;
            yield return p0 * (u * u * u) + p1 * (3 * u * u * t) + p2 * (3 * u * t * t) + p3 * (t * t * t);
        }
    }

    /// <summary>
    /// Control-point distance for a cubic Bezier that follows a circular arc turning by <paramref name="turn"/>
    /// radians between tangent points <paramref name="chord"/> apart: (4/3) tan(turn/4) r with r = chord / (2 sin(turn/2)).
    /// </summary>
    public static double ArcHandle(double turn, double chord)
    {
        turn = Math.Abs(turn);
        if (turn < 1e-6) return chord / 3;
        double r = chord / (2 * Math.Sin(turn / 2));
        return 4.0 / 3.0 * Math.Tan(turn / 4) * r;
    }

    /// <summary>
    /// A smooth connection from <paramref name="a"/> (heading <paramref name="ha"/>) to <paramref name="b"/> (heading
    /// <paramref name="hb"/>): a cubic Bezier with its handles along both headings, close to a circular arc for turns.
    /// Exact ends, so a connector continues its lanes without a gap.
    /// </summary>
    public static List<Vec2> Connect(Vec2 a, double ha, Vec2 b, double hb, double step)
    {
        Vec2 ua = Vec2.FromHeading(ha), ub = Vec2.FromHeading(hb);
        double chord = a.DistanceTo(b);
        double turn = Angles.Wrap(hb - ha);
        double la = chord / 3, lb = chord / 3;
        if (Math.Abs(turn) > 0.15)
        {
            // Where the two tangent lines meet: a + ua*ta = b - ub*tb.
            double den = ua.Cross(ub);
            if (Math.Abs(den) > 1e-9)
            {
                Vec2 d = b - a;
                double ta = d.Cross(ub) / den, tb = d.Cross(ua) / den;
                if (ta > 0 && tb > 0)
                {
                    // Handle as a share of the tangent length that makes a circular arc (0.552 at 90 degrees).
                    double k = 4.0 / 3.0 * Math.Tan(Math.Abs(turn) / 4) / Math.Tan(Math.Abs(turn) / 2);
                    la = k * ta;
                    lb = k * tb;
                }
            }
        }
        double approx = chord * (1 + 0.2 * Math.Abs(turn));
        int n = Math.Max(6, (int)Math.Ceiling(approx / step));
        return [.. Bezier(a, a + ua * la, b - ub * lb, b, n)];
    }

    /// <summary>Convex hull, counter-clockwise (monotone chain).</summary>
    public static List<Vec2> ConvexHull(IEnumerable<Vec2> points)
    {
        var p = points.Distinct().OrderBy(v => v.X).ThenBy(v => v.Y).ToList();
        if (p.Count < 3) return p;
        var hull = new Vec2[2 * p.Count];
        int k = 0;
        for (int i = 0; i < p.Count; i++)
        {
            while (k >= 2 && (hull[k - 1] - hull[k - 2]).Cross(p[i] - hull[k - 2]) <= 0) k--;
            hull[k++] = p[i];
        }
        for (int i = p.Count - 2, t = k + 1; i >= 0; i--)
        {
            while (k >= t && (hull[k - 1] - hull[k - 2]).Cross(p[i] - hull[k - 2]) <= 0) k--;
            hull[k++] = p[i];
        }
        return [.. hull.Take(k - 1)];
    }

    /// <summary>True when segments ab and cd cross at a point interior to both (touching ends do not count).</summary>
    public static bool SegmentsCross(Vec2 a, Vec2 b, Vec2 c, Vec2 d)
    {
        double d1 = (b - a).Cross(c - a), d2 = (b - a).Cross(d - a);
        double d3 = (d - c).Cross(a - c), d4 = (d - c).Cross(b - c);
        const double eps = 1e-9;
        return ((d1 > eps && d2 < -eps) || (d1 < -eps && d2 > eps)) && ((d3 > eps && d4 < -eps) || (d3 < -eps && d4 > eps));
    }
}
