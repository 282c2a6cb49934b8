namespace ControlRL.Scoring.NuPlan;

/// <summary>What the ego hit: the devkit's three collision classes (nuplan/planning/metrics/utils/collision_utils.py).</summary>
public enum NuPlanObjectClass
{
    /// <summary>A vehicle.</summary>
    Vehicle,

    /// <summary>A vulnerable road user: pedestrian or bicycle.</summary>
    Vru,

    /// <summary>A static object: traffic cone, barrier, construction-zone sign, generic object.</summary>
    Object,
}

/// <summary>The devkit's CollisionType, decided at the first step of contact (no_ego_at_fault_collisions.py).</summary>
public enum NuPlanCollisionType
{
    StoppedEgo,
    StoppedTrack,
    ActiveFront,
    ActiveRear,
    ActiveLateral,
}

/// <summary>
/// One collision of the ego with one object, reported once, at its first step (the devkit counts each track once per
/// scenario).
/// </summary>
/// <param name="Step">Index of the step in the trace.</param>
/// <param name="EgoInMultipleLanesOrNonDrivable">The ego was not in one lane (or connected lanes) at that step: between
/// lanes, changing lanes or off the drivable area (the lane-change metric's timestamps_in_common_or_connected_route_objs).</param>
public sealed record NuPlanCollision(int Step, NuPlanObjectClass ObjectClass, NuPlanCollisionType Type, bool EgoInMultipleLanesOrNonDrivable = false)
{
    /// <summary>
    /// classify_at_fault_collisions: front collisions and collisions with a stopped object are the ego's fault, and
    /// lateral ones when the ego was in multiple lanes or off the drivable area.
    /// </summary>
    public bool AtFault => Type is NuPlanCollisionType.ActiveFront or NuPlanCollisionType.StoppedTrack
        || (Type == NuPlanCollisionType.ActiveLateral && EgoInMultipleLanesOrNonDrivable);

    /// <summary>
    /// _get_collision_type: ego speed at most 0.05 m/s -> stopped ego; the object's speed at most 0.05 m/s (a static
    /// object has none: pass null) -> stopped track; the object's centre behind the ego (more than 150 degrees from its
    /// heading, seen from the rear axle) -> rear; the ego's front edge intersecting the object's box -> front; else
    /// lateral.
    /// </summary>
    public static NuPlanCollisionType Classify(double egoSpeed, double? objectSpeed, bool objectBehindEgo, bool frontEdgeHitsObject)
    {
        const double stopped = 5e-2;
        if (egoSpeed <= stopped) return NuPlanCollisionType.StoppedEgo;
        if (objectSpeed is not { } v || v <= stopped) return NuPlanCollisionType.StoppedTrack;
        if (objectBehindEgo) return NuPlanCollisionType.ActiveRear;
        return frontEdgeHitsObject ? NuPlanCollisionType.ActiveFront : NuPlanCollisionType.ActiveLateral;
    }
}

/// <summary>
/// One closed-loop nuPlan scenario as our simulator records it, one entry per step of <see cref="TimeStep"/> seconds
/// (nuPlan: 0.1 s), everything the devkit's metrics need once the map queries are done. All arrays have one value
/// per step and at least 4 steps (the devkit's yaw-acceleration filter needs them).
/// </summary>
public sealed record NuPlanScenarioTrace
{
    public required string ScenarioId { get; init; }

    /// <summary>The devkit's scenario type (e.g. starting_left_turn); the final score averages per type first.</summary>
    public string ScenarioType { get; init; } = "unknown";

    /// <summary>Seconds between steps.</summary>
    public double TimeStep { get; init; } = 0.1;

    /// <summary>Ego centre, world frame, metres.</summary>
    public required double[] X { get; init; }

    public required double[] Y { get; init; }

    /// <summary>Ego heading, world frame, radians (any branch: it is unwrapped as the devkit does).</summary>
    public required double[] Heading { get; init; }

    /// <summary>Ego speed, m/s: the magnitude of its velocity (the devkit's dynamic_car_state.speed).</summary>
    public required double[] Speed { get; init; }

    /// <summary>
    /// Longitudinal acceleration of the ego centre in the ego frame, m/s² (the devkit's center_acceleration_2d.x).
    /// Null: derived from <see cref="Speed"/> (Savitzky-Golay derivative, window 5, order 2).
    /// </summary>
    public double[]? LongitudinalAcceleration { get; init; }

    /// <summary>
    /// Lateral acceleration of the ego centre in the ego frame, m/s² (center_acceleration_2d.y). Null: speed x yaw
    /// rate, the yaw rate differentiated from the heading as the devkit's yaw-rate metric does.
    /// </summary>
    public double[]? LateralAcceleration { get; init; }

    /// <summary>
    /// Speed limit of the lane (or, on a lane connector, the fastest of the connected lanes) at the ego, m/s; NaN
    /// (or 0) where the ego is on no lane or the map has no limit (no violation is counted there). Null: no limits at all.
    /// </summary>
    public double[]? SpeedLimit { get; init; }

    /// <summary>
    /// How far the ego's footprint is outside the drivable area, metres: the largest distance of a footprint corner
    /// that is off the drivable area (and off the ego's lane) to the nearest drivable area; 0 when all corners are in.
    /// </summary>
    public required double[] DrivableAreaDistance { get; init; }

    /// <summary>
    /// The ego's progress along the expert's route, metres, cumulative (the running sum of the devkit's per-frame
    /// progress, PerFrameProgressAlongRouteComputer): its total is the last value minus the first.
    /// </summary>
    public required double[] RouteProgress { get; init; }

    /// <summary>
    /// The expert's total progress along its route over the scenario, metres; null when the expert's route has no
    /// lanes (e.g. a car park), where the devkit gives the progress ratio 1.
    /// </summary>
    public double? ExpertRouteProgress { get; init; }

    /// <summary>
    /// The ego's movement along the driving direction of the lane or lane connector it is in, metres per step:
    /// negative when driving against the traffic flow, 0 at the first step, on entering a new lane and off lanes
    /// (DrivingDirectionComplianceStatistics._extract_metric).
    /// </summary>
    public required double[] LaneProgress { get; init; }

    /// <summary>
    /// Minimal time to collision at each step, seconds, over the devkit's 3 s horizon in 0.1 s steps with every agent
    /// at constant velocity (TimeToCollisionStatistics); +infinity when no collision is projected, the ego is stopped
    /// or no relevant agent is near. Steps of an at-fault collision count as 0 whatever is given.
    /// </summary>
    public required double[] TimeToCollision { get; init; }

    /// <summary>Every collision, each object once (at its first step).</summary>
    public IReadOnlyList<NuPlanCollision> Collisions { get; init; } = [];

    public int Steps => X.Length;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(ScenarioId)) throw new ArgumentException("ScenarioId is empty.");
        if (!double.IsFinite(TimeStep) || TimeStep <= 0) throw new ArgumentException($"{ScenarioId}: TimeStep must be > 0 s (got {TimeStep}).");
        int n = X.Length;
        if (n < 4) throw new ArgumentException($"{ScenarioId}: a trace needs at least 4 steps (got {n}).");
        void Same(string name, double[]? a, bool allowNaN = false, bool allowPositiveInfinity = false, double min = double.NegativeInfinity)
        {
            if (a is null) return;
            if (a.Length != n) throw new ArgumentException($"{ScenarioId}: {name} has {a.Length} steps, X has {n}.");
            for (int i = 0; i < n; i++)
            {
                double v = a[i];
                bool ok = double.IsFinite(v) ? v >= min : (allowNaN && double.IsNaN(v)) || (allowPositiveInfinity && double.IsPositiveInfinity(v));
                if (!ok) throw new ArgumentException($"{ScenarioId}: {name}[{i}] = {v} is not allowed.");
            }
        }
        Same(nameof(Y), Y);
        Same(nameof(Heading), Heading);
        Same(nameof(Speed), Speed, min: 0);
        Same(nameof(LongitudinalAcceleration), LongitudinalAcceleration);
        Same(nameof(LateralAcceleration), LateralAcceleration);
        Same(nameof(SpeedLimit), SpeedLimit, allowNaN: true, min: 0);
        Same(nameof(DrivableAreaDistance), DrivableAreaDistance, min: 0);
        Same(nameof(RouteProgress), RouteProgress);
        Same(nameof(LaneProgress), LaneProgress);
        Same(nameof(TimeToCollision), TimeToCollision, allowPositiveInfinity: true, min: 0);
        Same(nameof(X), X);
        if (LaneProgress[0] != 0) throw new ArgumentException($"{ScenarioId}: LaneProgress[0] must be 0 (the first step has no previous pose).");
        if (ExpertRouteProgress is { } e && !double.IsFinite(e)) throw new ArgumentException($"{ScenarioId}: ExpertRouteProgress must be finite.");
        ArgumentNullException.ThrowIfNull(Collisions);
        foreach (var c in Collisions)
            if (c.Step < 0 || c.Step >= n) throw new ArgumentException($"{ScenarioId}: a collision at step {c.Step} is outside the trace's {n} steps.");
    }
}
