using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>A traffic light or stop sign the route passes: its stop line at route arc length <see cref="S"/>, the route lane that ends there (index into the route's lanes) and the junction connector taken.</summary>
public readonly record struct RouteStop(double S, int SignalId, SignalKind Kind, int LaneIndex, int Connector);

/// <summary>
/// Derived facts about a route's path, computed once: which route lane each metre of the path lies on, the stop
/// lines it crosses, speed limits and curvature along it.
/// </summary>
public sealed class RouteInfo
{
    private readonly int[] _laneIndexByMetre;
    private readonly double[] _curvatureByMetre;
    private readonly RouteStop[] _stops;
    private readonly double[] _laneStart;
    private readonly double[] _laneEnd;

    public RouteInfo(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        Route = route;
        var town = route.Town;
        var path = route.Path;
        int n = (int)Math.Floor(path.Length) + 1;
        _laneIndexByMetre = new int[n];
        _laneStart = new double[route.Lanes.Count];
        _laneEnd = new double[route.Lanes.Count];
        Array.Fill(_laneStart, double.NaN);
        Array.Fill(_laneEnd, double.NaN);
        int cur = 0;
        for (int m = 0; m < n; m++)
        {
            Vec2 p = path.PointAt(m);
            int best = -1;
            double bestDist = double.PositiveInfinity;
            for (int k = cur; k < Math.Min(route.Lanes.Count, cur + 4); k++)
            {
                var lane = town.Lanes[route.Lanes[k]];
                var proj = lane.Centre.Project(p);
                bool beyond = (proj.S <= 1e-9 || proj.S >= lane.Length - 1e-9) && lane.Centre.PointAt(proj.S).DistanceTo(p) > proj.Distance + 1e-6;
                if (beyond || proj.Distance > lane.Width / 2) continue;
                // Prefer the earliest lane that holds the point, so shared end points stay with the lane being left.
                if (proj.Distance < bestDist - 0.05)
                {
                    best = k;
                    bestDist = proj.Distance;
                }
            }
            if (best > cur) cur = best;
            _laneIndexByMetre[m] = cur;
            if (double.IsNaN(_laneStart[cur])) _laneStart[cur] = m;
            _laneEnd[cur] = m + 1;
        }
        for (int k = 0; k < _laneStart.Length; k++)
        {
            // Lanes shorter than a metre between samples: give them an empty range at their neighbour's boundary.
            if (double.IsNaN(_laneStart[k])) _laneStart[k] = _laneEnd[k] = k > 0 ? _laneEnd[k - 1] : 0;
        }
        _laneEnd[^1] = path.Length;

        var stops = new List<RouteStop>();
        for (int k = 0; k + 1 < route.Lanes.Count; k++)
        {
            var lane = town.Lanes[route.Lanes[k]];
            var next = town.Lanes[route.Lanes[k + 1]];
            if (lane.SignalId < 0 || !next.InJunction || !lane.Successors.Contains(next.Id)) continue;
            double s = path.Project(lane.Centre.End, Math.Max(0, _laneStart[k] - 5), Math.Min(path.Length, _laneEnd[k] + 10)).S;
            var sig = town.Signals[lane.SignalId];
            stops.Add(new RouteStop(s, sig.Id, sig.Kind, k, next.Id));
        }
        _stops = [.. stops];

        _curvatureByMetre = new double[n];
        for (int m = 0; m < n; m++)
        {
            double a = Math.Max(0, m - 2), b = Math.Min(path.Length, m + 2);
            if (b - a < 1e-6) continue;
            _curvatureByMetre[m] = Angles.Wrap(path.HeadingAt(b) - path.HeadingAt(a)) / (b - a);
        }
    }

    public Route Route { get; }
    public Polyline Path => Route.Path;
    public double Length => Route.Path.Length;

    /// <summary>Stop lines along the route, in order.</summary>
    public ReadOnlySpan<RouteStop> Stops => _stops;

    /// <summary>Index into <see cref="Route.Lanes"/> of the lane the path is on at arc length <paramref name="s"/>.</summary>
    public int LaneIndexAt(double s) => _laneIndexByMetre[Math.Clamp((int)Math.Floor(s), 0, _laneIndexByMetre.Length - 1)];

    /// <summary>The lane id at arc length <paramref name="s"/>.</summary>
    public int LaneAt(double s) => Route.Lanes[LaneIndexAt(s)];

    /// <summary>Route arc lengths where route lane <paramref name="index"/> starts and ends.</summary>
    public double LaneStart(int index) => _laneStart[index];

    public double LaneEnd(int index) => _laneEnd[index];

    public double SpeedLimitAt(double s) => Route.Town.Lanes[LaneAt(s)].SpeedLimit;

    /// <summary>Signed curvature of the path (left positive), 1/m, averaged over 4 m.</summary>
    public double CurvatureAt(double s) => _curvatureByMetre[Math.Clamp((int)Math.Floor(s), 0, _curvatureByMetre.Length - 1)];
}
