namespace ControlRL.Scoring.NuPlan;

/// <summary>
/// Thresholds and weights of the nuPlan closed-loop score, defaults from motional/nuplan-devkit
/// (nuplan/planning/script/config/common/simulation_metric/{high_level,low_level}/*.yaml and
/// nuplan/planning/script/config/simulation/metric_aggregator/closed_loop_*_weighted_average.yaml).
/// </summary>
public sealed record NuPlanConfig
{
    /// <summary>no_ego_at_fault_collisions: allowed at-fault collisions per class before the score reaches 0.</summary>
    public int MaxViolationsVru { get; init; }

    public int MaxViolationsVehicle { get; init; }

    public int MaxViolationsObject { get; init; } = 1;

    /// <summary>drivable_area_compliance: a corner this far (m) from the drivable area fails the scenario.</summary>
    public double DrivableAreaTolerance { get; init; } = 0.3;

    /// <summary>ego_is_making_progress: minimal ego / expert progress ratio.</summary>
    public double MinProgressRatio { get; init; } = 0.2;

    /// <summary>ego_progress_along_expert_route: progress (m) below which ego and expert count as not moving.</summary>
    public double ProgressDistanceThreshold { get; init; } = 2;

    /// <summary>driving_direction_compliance: backward movement (m) within <see cref="DirectionHorizon"/> that is
    /// tolerated (score 1), and above which the score is 0 (0.5 between).</summary>
    public double DirectionComplianceThreshold { get; init; } = 2;

    public double DirectionViolationThreshold { get; init; } = 6;

    /// <summary>Seconds of movement summed by driving_direction_compliance.</summary>
    public double DirectionHorizon { get; init; } = 1;

    /// <summary>time_to_collision_within_bound: every step's TTC must exceed this (s).</summary>
    public double LeastMinTtc { get; init; } = 0.95;

    /// <summary>speed_limit_compliance: overspeed (m/s) that, held for the whole scenario, makes the score 0.</summary>
    public double MaxOverspeed { get; init; } = 2.23;

    /// <summary>ego_is_comfortable bounds (open intervals).</summary>
    public double MinLonAcceleration { get; init; } = -4.05;

    public double MaxLonAcceleration { get; init; } = 2.40;

    public double MaxAbsLatAcceleration { get; init; } = 4.89;

    public double MaxAbsJerk { get; init; } = 8.37;

    public double MaxAbsLonJerk { get; init; } = 4.13;

    public double MaxAbsYawAcceleration { get; init; } = 1.93;

    public double MaxAbsYawRate { get; init; } = 0.95;

    /// <summary>Weights of the weighted metrics in the nuPlan score (closed_loop_*_weighted_average.yaml).</summary>
    public NuPlanWeights Weights { get; init; } = new(Progress: 5, Ttc: 5, SpeedLimit: 4, Comfort: 2);

    /// <summary>
    /// Weights of the PDM score (autonomousvision/tuplan_garage,
    /// tuplan_garage/planning/simulation/planner/pdm_planner/scoring/pdm_scorer.py: progress 5, TTC 5, comfort 2, no
    /// speed-limit term), with the same multipliers.
    /// </summary>
    public NuPlanWeights PdmWeights { get; init; } = new(Progress: 5, Ttc: 5, SpeedLimit: 0, Comfort: 2);

    public static NuPlanConfig Default { get; } = new();
}

/// <summary>Weights of the four weighted metrics.</summary>
public sealed record NuPlanWeights(double Progress, double Ttc, double SpeedLimit, double Comfort);
