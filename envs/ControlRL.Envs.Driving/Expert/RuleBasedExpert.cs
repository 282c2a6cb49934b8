using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Expert;

/// <summary>A driving policy with access to the world: writes the action (steer, accel), each in [-1, 1], for the next step.</summary>
public interface IDrivingExpert
{
    /// <summary>Clears per-episode state; call after the world's reset.</summary>
    void Reset(DrivingWorld world);

    /// <summary>Writes steer into action[0] and accel (positive throttle, negative brake) into action[1].</summary>
    void Act(DrivingWorld world, Span<float> action);
}

/// <summary>
/// A privileged rule-based driver. Lateral: pure pursuit (R. C. Coulter 1992, "Implementation of the Pure Pursuit
/// Path Tracking Algorithm", CMU-RI-TR-92-01) from the rear axle on the route path (lookahead growing with speed), shifted sideways over a lane when it passes an obstacle scenario. Longitudinal: IDM towards the speed
/// limit (lowered ahead of curves) with every actor intruding its path corridor as a leader (vehicles, parked cars,
/// obstacles; pedestrians in it or about to enter it, by a 2 s constant-velocity prediction), and virtual stopped
/// leaders at stop lines: red lights, yellow when it can stop, a stop sign until it has stopped, and the world's
/// junction rules (yielding, order of arrival, room on the exit). The desired acceleration becomes throttle or brake
/// by inverting the ego model's drag and limits, the pursuit angle becomes steer by the wheel-angle bound.
/// </summary>
public sealed class RuleBasedExpert : IDrivingExpert
{
    private static readonly IdmParameters Idm = new(MaxAccel: 2.4, ComfortDecel: 2.5, TimeHeadway: 1.0, MinGap: 3.0);
    private const double VehicleMargin = 0.35, StaticMargin = 0.2, PedestrianMargin = 0.8;
    private const double StaticGap = 10.0, PedestrianGap = 4.0, LineGap = 1.0;
    private const double LateralComfort = 3.0;

    // Obstacle bypass: a lateral offset of the path between route arc lengths, ramped in and out.
    private bool _bypass;
    private double _bypassOffset, _rampStart, _rampLength, _holdUntil, _returnStart;
    private bool _returning;
    private int _bypassScenario = -1;
    private double _egoLateral;
    private bool _holdForGap;
    private int _waitConnector = -1;
    private double _waitCentre = double.NaN;

    public void Reset(DrivingWorld world)
    {
        _bypass = false;
        _returning = false;
        _holdForGap = false;
        _bypassScenario = -1;
    }

    public void Act(DrivingWorld world, Span<float> action)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (action.Length < 2) throw new ArgumentException("the action needs two entries (steer, accel).", nameof(action));
        var ego = world.Ego;
        var p = ego.Parameters;
        double s = world.RouteProgress;
        double v = ego.Speed;
        _egoLateral = world.RouteLateral;
        PlanBypass(world, s, v);

        // ---- steering: pure pursuit from the rear axle ----
        var path = world.Route.Path;
        Vec2 ra = ego.RearAxle;
        double sRa = s - p.CentreOffset;
        double ld = Math.Clamp(3.0 + 0.45 * v, 4.5, 14);
        double st = Math.Min(path.Length, sRa + ld);
        Vec2 target = path.PointAt(st) + Vec2.FromHeading(path.HeadingAt(st)).Left * Offset(st);
        if (sRa + ld > path.Length)
        {
            // Past the end: aim along the last heading.
            target += Vec2.FromHeading(path.HeadingAt(path.Length)) * (sRa + ld - path.Length);
        }
        Vec2 toTarget = target - ra;
        double alpha = Angles.Wrap(toTarget.Heading - ego.Heading);
        double dist = Math.Max(1.0, toTarget.Length);
        double wheel = Math.Atan(2 * p.Wheelbase * Math.Sin(alpha) / dist);
        action[0] = (float)Math.Clamp(wheel / p.MaxSteerAngle, -1, 1);

        // ---- speed ----
        double v0 = DesiredSpeed(world, s, v);
        double acc = Idm.Free(v, v0);
        acc = Math.Min(acc, Leaders(world, s, v, v0));
        acc = Math.Min(acc, StopLines(world, s, v, v0, out bool hold));
        if (_holdForGap) acc = Math.Min(acc, v > 0.4 ? -4 : -p.MaxBrake);
        if (hold) acc = -p.MaxBrake;
        action[1] = (float)ToPedal(p, v, acc);
    }

    // The bypass offset at route arc length x (0 without a bypass).
    private double Offset(double x)
    {
        if (!_bypass) return 0;
        double k;
        if (x <= _rampStart) k = 0;
        else if (x < _rampStart + _rampLength) k = Smooth((x - _rampStart) / _rampLength);
        else k = 1;
        if (_returning)
        {
            if (x >= _returnStart + _rampLength) k = 0;
            else if (x > _returnStart) k *= 1 - Smooth((x - _returnStart) / _rampLength);
        }
        return k * _bypassOffset;
    }

    private static double Smooth(double t) => t * t * (3 - 2 * t);

    private double DesiredSpeed(DrivingWorld world, double s, double v)
    {
        var info = world.RouteInfo;
        // Slightly under the limit; lower ahead for curves and lower limits, reachable with comfortable braking.
        double v0 = world.SpeedLimit - 0.4;
        double horizon = 10 + v * v / (2 * 1.5);
        for (double d = 0; d <= horizon; d += 2)
        {
            double x = s + d;
            if (x > info.Length) break;
            double limit = info.SpeedLimitAt(x) - 0.4;
            double k = Math.Abs(info.CurvatureAt(x));
            double curve = k > 1e-4 ? Math.Sqrt(LateralComfort / k) : double.PositiveInfinity;
            double allowed = Math.Min(limit, curve);
            double reach = Math.Sqrt(allowed * allowed + 2 * 1.5 * Math.Max(0, d - 3));
            v0 = Math.Min(v0, reach);
        }
        return Math.Max(v0, 1.0);
    }

    private double Leaders(DrivingWorld world, double s, double v, double v0)
    {
        var path = world.Route.Path;
        var box = world.EgoBox;
        double hl = box.HalfLength, hw = box.HalfWidth;
        double horizon = Math.Clamp(20 + v * 1.5 + v * v / (2 * Idm.ComfortDecel), 30, 90);
        double acc = double.PositiveInfinity;
        Vec2 egoPos = box.Centre;
        double egoHeading = world.Ego.Heading;
        Vec2 egoForward = Vec2.FromHeading(egoHeading);
        foreach (ref readonly var a in world.Actors)
        {
            Vec2 rel = a.Box.Centre - egoPos;
            if (rel.LengthSquared > (horizon + 15) * (horizon + 15)) continue;
            // Well behind the ego: never a leader (crossing traffic there moves away from its path).
            if (rel.Dot(egoForward) < -hl - 6) continue;
            switch (a.Kind)
            {
                case ActorKind.Pedestrian:
                {
                    double best = double.PositiveInfinity;
                    for (int k = 0; k <= 4; k++)
                    {
                        Vec2 c = a.Box.Centre + a.Velocity * (0.5 * k);
                        best = Math.Min(best, CorridorGap(path, s, hl, hw, c, a.Box with { Centre = c }, PedestrianMargin, horizon));
                    }
                    if (best < horizon) acc = Math.Min(acc, Idm.Follow(v, v0, 0, Math.Max(0.05, best), PedestrianGap));
                    break;
                }
                case ActorKind.Vehicle:
                {
                    double now = CorridorGap(path, s, hl, hw, a.Box.Centre, a.Box, VehicleMargin, horizon);
                    double lead = 0;
                    if (now < horizon)
                    {
                        double along = a.Velocity.Dot(Vec2.FromHeading(egoHeading));
                        lead = Math.Max(0, along);
                    }
                    // Crossing traffic and vehicles drifting sideways (changing lanes): also where they will be within a second.
                    double drift = Math.Abs(a.Velocity.Cross(Vec2.FromHeading(a.Box.Heading)));
                    if ((Math.Abs(Angles.Wrap(a.Box.Heading - egoHeading)) > 0.5 && a.Speed > 0.5) || drift > 0.2)
                        for (int k = 1; k <= 2; k++)
                        {
                            Vec2 c = a.Box.Centre + a.Velocity * (0.5 * k);
                            double g = CorridorGap(path, s, hl, hw, c, a.Box with { Centre = c }, VehicleMargin, horizon);
                            if (g < now)
                            {
                                now = g;
                                lead = 0;
                            }
                        }
                    if (now < horizon) acc = Math.Min(acc, Idm.Follow(v, v0, lead, Math.Max(0.05, now)));
                    break;
                }
                default:
                {
                    double g = CorridorGap(path, s, hl, hw, a.Box.Centre, a.Box, StaticMargin, horizon);
                    if (g < horizon) acc = Math.Min(acc, Idm.Follow(v, v0, 0, Math.Max(0.05, g), StaticGap));
                    break;
                }
            }
        }
        return acc;
    }

    // Bumper-to-bumper distance along the (offset) route path to a box intruding the corridor; infinity if none.
    private double CorridorGap(Polyline path, double s, double hl, double hw, Vec2 c, in OrientedBox b, double margin, double horizon)
    {
        double to = Math.Min(path.Length, s + horizon + hl + 6);
        var proj = path.Project(c, Math.Max(0, s - hl), to);
        double along0 = proj.S - s;
        if (along0 < -hl || proj.S >= to) return double.PositiveInfinity;
        double dh = b.Heading - path.HeadingAt(proj.S);
        double cs = Math.Abs(Math.Cos(dh)), sn = Math.Abs(Math.Sin(dh));
        double along = b.HalfLength * cs + b.HalfWidth * sn, across = b.HalfLength * sn + b.HalfWidth * cs;
        // Off the ends of the path the foot point is clamped; then the distance is not lateral.
        if (proj.S <= 1e-6 || proj.S >= path.Length - 1e-6) return double.PositiveInfinity;
        // The corridor follows the planned offset. While the offset changes, it spans the plan's offsets over the
        // box's extent along the path and 3 m before it (pure pursuit lags behind a lane change).
        double lo = Offset(proj.S), hi = lo;
        if (_bypass)
            for (int k = 0; k <= 4; k++)
            {
                double o = Offset(proj.S + along - (2 * along + 3) * k / 4);
                lo = Math.Min(lo, o);
                hi = Math.Max(hi, o);
            }
        double lat = proj.Lateral < lo ? lo - proj.Lateral : proj.Lateral > hi ? proj.Lateral - hi : 0;
        if (lat - across > hw + margin) return double.PositiveInfinity;
        double gap = along0 - hl - along;
        // Something beside the ego (not ahead of its front) is not a leader.
        if (along0 + along < hl * 0.5) return double.PositiveInfinity;
        return Math.Max(0, gap);
    }

    private double StopLines(DrivingWorld world, double s, double v, double v0, out bool hold)
    {
        hold = false;
        double hl = world.Options.Ego.Length / 2;
        double front = s + hl;
        double acc = double.PositiveInfinity;
        foreach (var st in world.RouteInfo.Stops)
        {
            double dl = st.S - front;
            if (st.S < s - hl - 20) continue;
            if (dl > 80) break;
            // A left turn at lights may wait inside the junction, short of the oncoming paths, once its rear is
            // past the line (so the light may change meanwhile): the front then stops at waitFront.
            double waitFront = st.Kind == SignalKind.TrafficLight && world.Town.Lanes[st.Connector].Turn == Turn.Left ? WaitFront(world, st, hl) : double.NaN;
            if (dl <= -0.3)
            {
                // Inside: hold at the waiting point until the way through is clear.
                if (!double.IsNaN(waitFront) && world.EgoLane == st.Connector && !world.EgoMayProceed && front < waitFront + 0.3)
                {
                    double g = Math.Max(0.05, waitFront - front);
                    acc = Math.Min(acc, Idm.Follow(v, v0, 0, g, 0.3));
                    if (g < 0.8 && v < 0.4) hold = true;
                    break;
                }
                continue;
            }
            bool stop = false;
            double target = dl;
            if (st.Kind == SignalKind.TrafficLight)
            {
                // The leaderboard counts a red light when the rear crosses the line while red: go only if the
                // rear clears the line (with a margin) before red, else stop while it still can.
                double t = world.Signals.TimeToRed(st.SignalId);
                double need = dl + 2 * hl + 1.5;
                bool clears = t > 0 && TimeToCover(need, v, Math.Min(v0, SpeedCap(world, s, need))) < t - 0.5;
                bool canStop = dl > v * v / (2 * 6.0) - 0.3;
                stop = !clears && canStop;
                // Oncoming traffic to yield to: pull in to the waiting point while the light leaves time for it.
                if (!stop && world.EgoGateConnector == st.Connector && !world.EgoMayEnter && !double.IsNaN(waitFront)
                    && world.EgoGateReason is GateReason.Yield or GateReason.Occupied
                    && TimeToCover(waitFront - front + 1.0, v, v0) < t - 0.5)
                {
                    acc = Math.Min(acc, Idm.Follow(v, v0, 0, Math.Max(0.05, waitFront - front), 0.3));
                    if (waitFront - front < 0.8 && v < 0.4) hold = true;
                    break;
                }
            }
            else if (st.Kind == SignalKind.StopSign && !(world.EgoStopDone && world.EgoLane == world.Route.Lanes[st.LaneIndex]))
            {
                stop = true;
            }
            // The junction rules (yield, order of arrival, exit room) while it can still stop.
            if (!stop && world.EgoGateConnector == st.Connector && !world.EgoMayEnter && dl > v * v / (2 * 4.0) - 0.5) stop = true;
            if (stop)
            {
                acc = Math.Min(acc, Idm.Follow(v, v0, 0, Math.Max(0.05, target), LineGap));
                if (target < 1.8 && v < 0.4) hold = true;
                break;
            }
            // Only the next stop line matters once the ego may pass this one.
            if (dl > 0) break;
        }
        return acc;
    }

    // Route arc length where the front stops while a left turn waits inside the junction: the farthest centre along
    // the connector where the body keeps clear (1.5 m, a wide vehicle's half width and a margin) of every conflicting
    // path, so that traffic on them passes; and at least 2 m behind the centre beyond half the length past the line,
    // because the red-light check looks 1 m behind the rear bumper. NaN when the junction is too small for that.
    private double WaitFront(DrivingWorld world, RouteStop st, double hl)
    {
        if (st.Connector != _waitConnector)
        {
            _waitConnector = st.Connector;
            _waitCentre = WaitCentre(world, st.Connector, hl, world.Options.Ego.Width / 2);
        }
        return double.IsNaN(_waitCentre) ? double.NaN : st.S + _waitCentre + hl;
    }

    private static double WaitCentre(DrivingWorld world, int connector, double hl, double hw)
    {
        var lane = world.Town.Lanes[connector];
        var conflicts = world.Conflicts.Of(connector);
        Span<Vec2> corners = stackalloc Vec2[4];
        double best = double.NaN;
        for (double c = hl + 2.0; c < lane.Length; c += 0.25)
        {
            var box = new OrientedBox(lane.Centre.PointAt(c), lane.Centre.HeadingAt(c), hl, hw);
            box.Corners(corners);
            foreach (var cf in conflicts)
            {
                if (cf.Merge) continue;
                var other = world.Town.Lanes[cf.Other].Centre;
                foreach (var q in corners)
                    if (other.Project(q).Distance < 1.5) return best;
                if (other.Project(box.Centre + box.Forward * hl).Distance < 1.5) return best;
            }
            best = c;
        }
        return best;
    }

    // The highest speed the ego will drive over the next d metres (limits and curves), m/s.
    private static double SpeedCap(DrivingWorld world, double s, double d)
    {
        var info = world.RouteInfo;
        double cap = double.PositiveInfinity;
        for (double x = s; x <= Math.Min(info.Length, s + d); x += 1)
        {
            double k = Math.Abs(info.CurvatureAt(x));
            cap = Math.Min(cap, Math.Min(info.SpeedLimitAt(x) - 0.4, k > 1e-4 ? Math.Sqrt(LateralComfort / k) : double.PositiveInfinity));
        }
        return cap;
    }

    // Seconds to drive d metres from speed v accelerating at 1.5 m/s^2 up to vmax.
    private static double TimeToCover(double d, double v, double vmax)
    {
        if (d <= 0) return 0;
        const double a = 1.5;
        vmax = Math.Max(vmax, v);
        double tAcc = (vmax - v) / a, dAcc = v * tAcc + 0.5 * a * tAcc * tAcc;
        if (dAcc >= d) return (-v + Math.Sqrt(v * v + 2 * a * d)) / a;
        return tAcc + (d - dAcc) / Math.Max(vmax, 0.1);
    }

    private void PlanBypass(DrivingWorld world, double s, double v)
    {
        var town = world.Town;
        if (_bypass)
        {
            var sc = world.Scenarios[_bypassScenario];
            // Until the ego has begun to move over, keep checking the lane. Without room: postpone the shift while
            // the obstacle is far enough for a later one, else stand still (on the route lane) until there is room.
            _holdForGap = false;
            if (!_returning && Math.Abs(_egoLateral) < 0.8 && !TargetLaneClear(world, s, _bypassOffset))
            {
                if (_rampStart >= s - 0.5 && sc.RouteStart - s > 8 + 2 * world.Options.Ego.Length)
                {
                    _rampStart = s + 1;
                    _rampLength = Math.Clamp(Math.Min(8 + 1.2 * v, sc.RouteStart - s - 1), 8, 22);
                }
                else _holdForGap = true;
            }
            bool gone = sc.Status is ScenarioStatus.TimedOut;
            if (!_returning && (s > _holdUntil || gone))
            {
                // Back to the route lane once nobody comes from behind in it.
                if (gone || TargetLaneClear(world, s, 0))
                {
                    _returning = true;
                    _returnStart = s + 2;
                    _rampLength = Math.Clamp(8 + 1.2 * v, 10, 22);
                }
            }
            if (_returning && s > _returnStart + _rampLength)
            {
                _bypass = false;
                _returning = false;
                _bypassScenario = -1;
            }
            return;
        }
        var scenarios = world.Scenarios;
        for (int k = 0; k < scenarios.Length; k++)
        {
            var sc = scenarios[k];
            if (sc.Kind == ScenarioKind.Jaywalker || sc.Status is ScenarioStatus.Done or ScenarioStatus.TimedOut) continue;
            double ahead = sc.RouteStart - s;
            if (ahead > 45 || sc.RouteEnd < s) continue;
            var lane = town.Lanes[world.RouteInfo.LaneAt(sc.RouteStart)];
            int nb = lane.LeftNeighbour >= 0 ? lane.LeftNeighbour : lane.RightNeighbour;
            if (nb < 0) continue;
            double offset = (lane.LeftNeighbour >= 0 ? 1 : -1) * (lane.Width + town.Lanes[nb].Width) / 2;
            double ramp = Math.Clamp(Math.Min(8 + 1.2 * v, ahead - 1), 8, 22);
            if (!TargetLaneClear(world, s, offset)) continue;
            _bypass = true;
            _returning = false;
            _bypassScenario = k;
            _bypassOffset = offset;
            _rampStart = s;
            _rampLength = ramp;
            _holdUntil = sc.RouteEnd + world.Options.Ego.Length / 2 + 6;
            return;
        }
    }

    // Room in the lane at lateral offset `offset` from the route: nobody beside the ego, nobody just ahead, and
    // whoever comes from behind far enough back to brake for the ego comfortably (vehicles brake for it once it
    // enters their lane).
    private static bool TargetLaneClear(DrivingWorld world, double s, double offset)
    {
        var path = world.Route.Path;
        double v = world.Ego.Speed, hl = world.Options.Ego.Length / 2;
        foreach (ref readonly var a in world.Actors)
        {
            if (a.Kind == ActorKind.Pedestrian) continue;
            Vec2 rel = a.Box.Centre - world.Ego.Position;
            if (rel.LengthSquared > 80 * 80) continue;
            var proj = path.Project(a.Box.Centre, Math.Max(0, s - 70), Math.Min(path.Length, s + 40));
            // In that lane: vehicles by their centre, obstacles only when well inside it (the cones closing the
            // route lane reach its edge).
            if (Math.Abs(proj.Lateral - offset) > (a.Kind == ActorKind.Vehicle ? 2.2 : 1.2 + a.Box.HalfWidth)) continue;
            double d = proj.S - s;
            double reach = hl + a.Box.HalfLength;
            if (d >= 0 && d < reach + (a.Kind == ActorKind.Vehicle ? 6 : 12)) return false;
            if (d < 0 && -d < reach + 1.5 + 1.8 * Math.Max(0, a.Speed - v) + 0.6 * a.Speed) return false;
        }
        return true;
    }

    // Inverts the ego model: acceleration = throttle MaxAccel - brake MaxBrake - drag v^2 - rolling resistance.
    private static double ToPedal(EgoParameters p, double v, double acc)
    {
        acc = Math.Clamp(acc, -p.MaxBrake, p.MaxAccel);
        double resist = p.Drag * v * v + (v > 0 ? p.RollingResistance : 0);
        if (v < 0.05 && acc <= 0.05) return -1;
        double throttle = (acc + resist) / p.MaxAccel;
        if (throttle >= 0) return Math.Min(1, throttle);
        return -Math.Min(1, (-acc - resist) / p.MaxBrake);
    }
}
