using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>
/// Route-relative facts about the ego for value-only measurements and diagnostics: distances along the route to its
/// end, the next traffic light and stop sign (from the ego's front bumper to the stop line; infinity when none within
/// <see cref="DrivingWorld.LookAhead"/>), the next light's state, offsets from the route, and the nearest actor in
/// the route corridor ahead (bumper to bumper; infinity and speed 0 when none).
/// </summary>
public readonly record struct RouteMeasurements(
    double DistanceToRouteEnd,
    double LateralOffset,
    double HeadingError,
    double SpeedLimit,
    LightState NextLightState,
    double NextLightDistance,
    double NextLightTimeToChange,
    double NextStopDistance,
    double LeaderDistance,
    double LeaderSpeed);

public sealed partial class DrivingWorld
{
    /// <summary>How far ahead <see cref="GetRouteMeasurements"/> looks for lights, stop signs and leaders, m.</summary>
    public const double LookAhead = 100;

    public RouteMeasurements GetRouteMeasurements()
    {
        double front = RouteProgress + _o.Ego.Length / 2;
        var light = LightState.Green;
        double lightDist = double.PositiveInfinity, lightChange = double.PositiveInfinity, stopDist = double.PositiveInfinity;
        foreach (var st in RouteInfo.Stops)
        {
            // A stop line counts until the ego's rear has passed it.
            if (st.S < RouteProgress - _o.Ego.Length / 2) continue;
            double d = st.S - front;
            if (d > LookAhead) break;
            if (st.Kind == SignalKind.TrafficLight && double.IsPositiveInfinity(lightDist))
            {
                lightDist = d;
                light = Signals.State(st.SignalId);
                lightChange = Signals.TimeToChange(st.SignalId);
            }
            else if (st.Kind == SignalKind.StopSign && double.IsPositiveInfinity(stopDist)) stopDist = d;
        }
        FindRouteLeader(LookAhead, 0.3, out double gap, out double speed);
        return new RouteMeasurements(DistanceToRouteEnd, RouteLateral, RouteHeadingError, SpeedLimit, light, lightDist, lightChange, stopDist, gap, speed);
    }

    /// <summary>
    /// The nearest actor ahead whose footprint intrudes the route corridor (the ego's half width plus
    /// <paramref name="margin"/> either side of the path) within <paramref name="maxDistance"/>: bumper-to-bumper gap
    /// and its speed along the path. False (gap infinity) when none.
    /// </summary>
    public bool FindRouteLeader(double maxDistance, double margin, out double gap, out double speedAlong)
    {
        gap = double.PositiveInfinity;
        speedAlong = 0;
        var path = Route.Path;
        Vec2 ego = Ego.Position;
        double s0 = RouteProgress, hl = _o.Ego.Length / 2, hw = _o.Ego.Width / 2;
        double reach = maxDistance + hl + 10;
        foreach (ref readonly var a in Actors)
        {
            Vec2 d = a.Box.Centre - ego;
            if (d.LengthSquared > reach * reach) continue;
            var proj = path.Project(a.Box.Centre, s0, Math.Min(path.Length, s0 + maxDistance + hl + 6));
            if (proj.S <= s0) continue;
            double dh = a.Box.Heading - path.HeadingAt(proj.S);
            double cs = Math.Abs(Math.Cos(dh)), sn = Math.Abs(Math.Sin(dh));
            double along = a.Box.HalfLength * cs + a.Box.HalfWidth * sn, across = a.Box.HalfLength * sn + a.Box.HalfWidth * cs;
            if (proj.Distance - across > hw + margin) continue;
            double g = proj.S - s0 - hl - along;
            if (g < gap && g < maxDistance)
            {
                gap = Math.Max(0, g);
                speedAlong = a.Velocity.Dot(Vec2.FromHeading(path.HeadingAt(proj.S)));
            }
        }
        return gap < double.PositiveInfinity;
    }
}
