using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Env;

/// <summary>
/// The hazards Roach's desired speed is computed from (zhejz/carla-roach carla_gym/core/task_actor/ego_vehicle/reward/
/// valeo_action.py with carla_gym/utils/hazard_actor.py and carla_gym/utils/traffic_light.py; the same in CaRL's port,
/// autonomousvision/CaRL team_code_roach/reward/roach_reward.py). Each is a distance from the ego's centre in metres,
/// <see cref="None"/> when there is no such hazard:
/// <list type="bullet">
/// <item>vehicle (lbc_hazard_vehicle): of the 10 nearest moving vehicles within 15 m, the nearest within 9.5 m, less
/// than 45 degrees off the ego's heading as seen from the ego and not heading against it (relative yaw at most 150
/// degrees);</item>
/// <item>pedestrian (lbc_hazard_walker): of the 10 nearest pedestrians within 15 m, the nearest off the sidewalk
/// (on the drivable area), within 9.5 m and less than 162 / (clip(d, 1.5, 10.5) + 0.3) degrees off the heading;</item>
/// <item>light (TrafficLightHandler.get_light_state, offset -0.8 x the half length, 18 m): a red or yellow light whose
/// stop line is within 18 m of a point 0.8 half-lengths behind the ego's centre, on the lane that point lies on (the
/// nearest lane's centre line, as CARLA's get_waypoint), the ego heading along that lane: the distance to the lane's
/// stop line;</item>
/// <item>stop sign: the stop sign RunningStopTest has selected and the ego has not stopped at yet: the distance to
/// its trigger volume (<see cref="InfractionMonitor.PendingStopDistance"/>).</item>
/// </list>
/// Parked cars are not vehicles here: Roach's towns had none, and a parked car beside the road would hold its desired
/// speed at zero whenever it stands within the cone. Allocation-free; one instance per town (the light lines).
/// </summary>
internal sealed class HazardScan
{
    /// <summary>Distance reported when there is no hazard of a kind, m.</summary>
    public const float None = 1000f;

    // Every hazard lies within ProximityThreshold, inside the finders' 15 m, so only their count limit matters.
    public const double ProximityThreshold = 9.5, LightRange = 18, LightOffset = 0.8;
    public const int MaxDetections = 10;

    private readonly record struct LightLine(int Signal, int Lane, Vec2 StopPoint, Vec2 Direction, Vec2 SignalCentre);

    private readonly LightLine[] _lights;

    public HazardScan(RoadNetwork town)
    {
        var lines = new List<LightLine>();
        foreach (var sig in town.Signals)
        {
            if (sig.Kind != SignalKind.TrafficLight) continue;
            Vec2 centre = (sig.StopLineA + sig.StopLineB) * 0.5;
            foreach (int l in sig.Lanes)
            {
                var lane = town.Lanes[l];
                lines.Add(new LightLine(sig.Id, l, lane.Centre.End, lane.Centre.SegmentDirection(lane.Centre.Count - 2), centre));
            }
        }
        _lights = [.. lines];
    }

    public float Vehicle { get; private set; } = None;
    public float Pedestrian { get; private set; } = None;
    public float Light { get; private set; } = None;
    public float Stop { get; private set; } = None;

    public void Update(DrivingWorld world, InfractionMonitor monitor)
    {
        var ego = world.EgoBox;
        Vec2 pos = ego.Centre;
        Vec2 f = ego.Forward;
        double heading = world.Ego.Heading;
        Vehicle = Nearest(world, pos, f, heading, pedestrians: false);
        Pedestrian = Nearest(world, pos, f, heading, pedestrians: true);
        Light = LightHazard(world, pos, f, ego.HalfLength);
        double stop = monitor.PendingStopDistance(pos);
        Stop = double.IsFinite(stop) ? (float)stop : None;
    }

    // The nearest actor of the kind that is a hazard, if it is among the MaxDetections nearest within DetectionRange.
    private static float Nearest(DrivingWorld world, Vec2 pos, Vec2 f, double heading, bool pedestrians)
    {
        double best = double.PositiveInfinity;
        foreach (ref readonly var a in world.Actors)
        {
            if (!IsKind(a.Kind, pedestrians)) continue;
            Vec2 rel = a.Box.Centre - pos;
            double d = rel.Length;
            if (d > ProximityThreshold || d >= best) continue;
            double angle = Math.Abs(Math.Atan2(f.Cross(rel), f.Dot(rel))) * 180 / Math.PI;
            bool ahead;
            if (pedestrians)
            {
                if (!world.Surface.OnDrivable(a.Box.Centre)) continue;
                ahead = d < 0.001 || angle < 162 / (Math.Clamp(d, 1.5, 10.5) + 0.3);
            }
            else
            {
                double yaw = Math.Abs(Angles.Wrap(a.Box.Heading - heading)) * 180 / Math.PI;
                ahead = yaw <= 150 && (d < 0.001 || angle < 45);
            }
            if (ahead) best = d;
        }
        if (double.IsPositiveInfinity(best)) return None;
        // The finders keep only the MaxDetections nearest actors.
        int nearer = 0;
        foreach (ref readonly var a in world.Actors)
            if (IsKind(a.Kind, pedestrians) && (a.Box.Centre - pos).Length < best) nearer++;
        return nearer < MaxDetections ? (float)best : None;
    }

    private static bool IsKind(ActorKind kind, bool pedestrians) => pedestrians ? kind == ActorKind.Pedestrian : kind == ActorKind.Vehicle;

    private float LightHazard(DrivingWorld world, Vec2 pos, Vec2 f, double halfLength)
    {
        if (_lights.Length == 0) return None;
        Vec2 hit = pos - f * (LightOffset * halfLength);
        int hitLane = -2;
        double best = double.PositiveInfinity;
        foreach (var line in _lights)
        {
            if (line.SignalCentre.DistanceTo(hit) > LightRange) continue;
            if (f.Dot(line.Direction) <= 0) continue;
            if (hitLane == -2) hitLane = world.Surface.Nearest(hit, out var h) ? h.Lane : -1;
            if (hitLane != line.Lane) continue;
            if (world.Signals.State(line.Signal) == LightState.Green) continue;
            best = Math.Min(best, line.StopPoint.DistanceTo(pos));
        }
        return double.IsPositiveInfinity(best) ? None : (float)best;
    }
}
