using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Infractions;

/// <summary>
/// The dense route the leaderboard's criteria walk: points about 1 m apart (interpolate_trajectory's hop_resolution
/// 1.0 in leaderboard/utils/route_manipulation.py) with their forward vectors, and the accumulated distance at each
/// point. A point counts as passed when the vector from it to the ego has a positive dot product with its forward
/// vector.
/// </summary>
public sealed class RoutePoints
{
    private readonly Vec2[] _points;
    private readonly Vec2[] _forward;
    private readonly double[] _accum;

    public RoutePoints(Route route, double spacing = 1.0)
    {
        ArgumentNullException.ThrowIfNull(route);
        var path = route.Path;
        int n = Math.Max(1, (int)Math.Ceiling(path.Length / spacing));
        _points = new Vec2[n + 1];
        _forward = new Vec2[n + 1];
        _accum = new double[n + 1];
        for (int i = 0; i <= n; i++)
        {
            double s = path.Length * i / n;
            _points[i] = path.PointAt(s);
            // The direction of travel at the point (at the end, the last segment's).
            _forward[i] = Vec2.FromHeading(path.HeadingAt(i == n ? path.Length : s));
            if (i > 0) _accum[i] = _accum[i - 1] + _points[i].DistanceTo(_points[i - 1]);
        }
    }

    public int Count => _points.Length;
    public ReadOnlySpan<Vec2> Points => _points;
    public ReadOnlySpan<Vec2> Forward => _forward;

    /// <summary>Distance along the route to each point, m (0 at the first).</summary>
    public ReadOnlySpan<double> Accumulated => _accum;

    public double Length => _accum[^1];

    public bool Passed(int index, Vec2 location) => (location - _points[index]).Dot(_forward[index]) > 0;
}
