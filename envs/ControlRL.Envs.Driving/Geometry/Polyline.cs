namespace ControlRL.Envs.Driving.Geometry;

/// <summary>Where a point lies relative to a polyline: arc length of its foot point, signed lateral offset (left of the direction of travel positive), and the segment.</summary>
public readonly record struct PolylineProjection(double S, double Lateral, int Segment)
{
    public double Distance => Math.Abs(Lateral);
}

/// <summary>
/// A piecewise-linear curve with cumulative arc lengths: lane centre lines, lane boundaries, route paths. Immutable;
/// queries never allocate. Points closer than 1 mm to their predecessor are dropped so every segment has a direction.
/// </summary>
public sealed class Polyline
{
    private readonly Vec2[] _points;
    private readonly double[] _s;

    public Polyline(IEnumerable<Vec2> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var kept = new List<Vec2>();
        foreach (var p in points)
        {
            if (!p.IsFinite) throw new ArgumentException($"Polyline point {p} is not finite.", nameof(points));
            if (kept.Count == 0 || kept[^1].DistanceTo(p) >= 1e-3) kept.Add(p);
        }
        if (kept.Count < 2) throw new ArgumentException("A polyline needs at least two distinct points.", nameof(points));
        _points = [.. kept];
        _s = new double[_points.Length];
        for (int i = 1; i < _points.Length; i++) _s[i] = _s[i - 1] + _points[i].DistanceTo(_points[i - 1]);
    }

    public ReadOnlySpan<Vec2> Points => _points;

    /// <summary>Cumulative arc length at each point (0 at the first).</summary>
    public ReadOnlySpan<double> Stations => _s;

    public int Count => _points.Length;
    public double Length => _s[^1];
    public Vec2 Start => _points[0];
    public Vec2 End => _points[^1];

    /// <summary>The segment containing arc length <paramref name="s"/> (clamped to the curve).</summary>
    public int SegmentAt(double s)
    {
        if (s <= 0) return 0;
        if (s >= Length) return _points.Length - 2;
        int i = Array.BinarySearch(_s, s);
        if (i < 0) i = ~i - 1;
        return Math.Min(i, _points.Length - 2);
    }

    /// <summary>The point at arc length <paramref name="s"/>, clamped to the ends.</summary>
    public Vec2 PointAt(double s)
    {
        int i = SegmentAt(s);
        double len = _s[i + 1] - _s[i];
        double t = Math.Clamp((s - _s[i]) / len, 0, 1);
        return _points[i] + (_points[i + 1] - _points[i]) * t;
    }

    /// <summary>Direction of travel at arc length <paramref name="s"/> (the segment's heading).</summary>
    public double HeadingAt(double s) => SegmentDirection(SegmentAt(s)).Heading;

    public Vec2 SegmentDirection(int segment) => (_points[segment + 1] - _points[segment]).Normalized();

    /// <summary>The closest point over the whole curve (ends clamped).</summary>
    public PolylineProjection Project(Vec2 p) => Project(p, 0, _points.Length - 2);

    /// <summary>The closest point among the segments covering arc lengths [<paramref name="sFrom"/>, <paramref name="sTo"/>]: a local search for trackers that move along the curve.</summary>
    public PolylineProjection Project(Vec2 p, double sFrom, double sTo) => Project(p, SegmentAt(sFrom), SegmentAt(sTo));

    private PolylineProjection Project(Vec2 p, int first, int last)
    {
        double best = double.PositiveInfinity;
        var result = default(PolylineProjection);
        for (int i = first; i <= last; i++)
        {
            Vec2 a = _points[i], d = _points[i + 1] - a;
            double len2 = d.LengthSquared;
            double t = Math.Clamp((p - a).Dot(d) / len2, 0, 1);
            Vec2 foot = a + d * t;
            double dist2 = (p - foot).LengthSquared;
            if (dist2 < best)
            {
                best = dist2;
                double side = d.Cross(p - a);
                double lateral = Math.Sqrt(dist2);
                result = new PolylineProjection(_s[i] + t * Math.Sqrt(len2), side >= 0 ? lateral : -lateral, i);
            }
        }
        return result;
    }

    /// <summary>The curve shifted sideways by <paramref name="offset"/> metres (left positive), with mitred joints.</summary>
    public Polyline Offset(double offset)
    {
        var pts = new Vec2[_points.Length];
        for (int i = 0; i < _points.Length; i++)
        {
            Vec2 n;
            if (i == 0) n = SegmentDirection(0).Left;
            else if (i == _points.Length - 1) n = SegmentDirection(i - 1).Left;
            else
            {
                Vec2 n0 = SegmentDirection(i - 1).Left, n1 = SegmentDirection(i).Left;
                Vec2 m = (n0 + n1).Normalized();
                double cos = m.Dot(n0);
                n = cos > 0.2 ? m * (1 / cos) : n0;
            }
            pts[i] = _points[i] + n * offset;
        }
        return new Polyline(pts);
    }

    /// <summary>The piece between arc lengths <paramref name="from"/> and <paramref name="to"/>.</summary>
    public Polyline Slice(double from, double to)
    {
        from = Math.Clamp(from, 0, Length);
        to = Math.Clamp(to, from, Length);
        var pts = new List<Vec2> { PointAt(from) };
        for (int i = 0; i < _points.Length; i++)
            if (_s[i] > from && _s[i] < to) pts.Add(_points[i]);
        pts.Add(PointAt(to));
        return new Polyline(pts);
    }

    /// <summary>Points every <paramref name="step"/> metres from start to end (both included).</summary>
    public IEnumerable<Vec2> Resample(double step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, 0);
        int n = Math.Max(1, (int)Math.Ceiling(Length / step));
        for (int i = 0; i <= n; i++) yield return PointAt(Length * i / n);
    }
}
