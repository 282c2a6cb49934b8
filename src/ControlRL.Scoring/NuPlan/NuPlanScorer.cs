using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.NuPlan;

/// <summary>
/// The measured quantities behind a scenario's metrics, for reports: progress (m), at-fault collisions per class,
/// the largest drivable-area distance (m), the most negative 1 s movement along the lane direction (m), the smallest
/// TTC (s), the largest overspeed (m/s) and the extremes of the comfort series.
/// </summary>
public sealed record NuPlanDetails(
    double EgoProgress, double? ExpertProgress, int AtFaultVru, int AtFaultVehicles, int AtFaultObjects,
    double MaxDrivableAreaDistance, double MinLaneProgressOverHorizon, double MinTimeToCollision, double MaxOverspeed,
    double MinLonAcceleration, double MaxLonAcceleration, double MaxAbsLatAcceleration, double MaxAbsJerk,
    double MaxAbsLonJerk, double MaxAbsYawAcceleration, double MaxAbsYawRate);

/// <summary>
/// One scenario's metric scores (the devkit's metric names in the comments), its multiplier, nuPlan score and PDM
/// score.
/// </summary>
public sealed record NuPlanScenarioScore
{
    public required string ScenarioId { get; init; }

    public string ScenarioType { get; init; } = "unknown";

    /// <summary>no_ego_at_fault_collisions: 1, 0.5 (one object) or 0.</summary>
    public required double NoAtFaultCollisions { get; init; }

    /// <summary>drivable_area_compliance: 1 or 0.</summary>
    public required double DrivableAreaCompliance { get; init; }

    /// <summary>ego_is_making_progress: 1 or 0.</summary>
    public required double EgoIsMakingProgress { get; init; }

    /// <summary>driving_direction_compliance: 1, 0.5 or 0.</summary>
    public required double DrivingDirectionCompliance { get; init; }

    /// <summary>ego_progress_along_expert_route: the progress ratio in [0, 1].</summary>
    public required double EgoProgressAlongExpertRoute { get; init; }

    /// <summary>time_to_collision_within_bound: 1 or 0.</summary>
    public required double TimeToCollisionWithinBound { get; init; }

    /// <summary>speed_limit_compliance: in [0, 1].</summary>
    public required double SpeedLimitCompliance { get; init; }

    /// <summary>ego_is_comfortable: 1 or 0.</summary>
    public required double EgoIsComfortable { get; init; }

    public required double Score { get; init; }

    public required double PdmScore { get; init; }

    public NuPlanDetails? Details { get; init; }

    /// <summary>The product of the four multiplier metrics.</summary>
    public double Multiplier => NuPlanScorer.Multiplier(this);
}

/// <summary>
/// All scenarios of a run: the nuPlan score (mean of the scenario scores, averaged per scenario type first as the
/// devkit's WeightedAverageMetricAggregator does), the PDM score the same way, and each metric's mean.
/// </summary>
public sealed record NuPlanSummary(IReadOnlyList<NuPlanScenarioScore> Scenarios, double Score, double PdmScore, IReadOnlyList<KeyValuePair<string, double>> MetricMeans);

/// <summary>
/// The nuPlan closed-loop score of a scenario from its trace, metric by metric as motional/nuplan-devkit computes it
/// (nuplan/planning/metrics/evaluation_metrics/common/*.py, aggregated by
/// nuplan/planning/metrics/aggregator/weighted_average_metric_aggregator.py):
/// score = no_ego_at_fault_collisions x drivable_area_compliance x ego_is_making_progress x
/// driving_direction_compliance x (5 progress + 5 TTC + 4 speed limit + 2 comfort) / 16. Map and agent geometry
/// (lanes, drivable area, projected boxes) are the simulator's part; <see cref="NuPlanScenarioTrace"/> says what it
/// hands over. docs/driving-scoring.md lists what is simplified.
/// </summary>
public static class NuPlanScorer
{
    /// <summary>The devkit's metric names, in the (sorted) order its aggregator visits them.</summary>
    public static IReadOnlyList<string> MetricNames { get; } =
    [
        "drivable_area_compliance", "driving_direction_compliance", "ego_is_comfortable", "ego_is_making_progress",
        "ego_progress_along_expert_route", "no_ego_at_fault_collisions", "speed_limit_compliance", "time_to_collision_within_bound",
    ];

    /// <summary>The metrics that multiply the score (multiple_metrics in the aggregator's config).</summary>
    public static IReadOnlyList<string> MultiplierNames { get; } =
        ["no_ego_at_fault_collisions", "drivable_area_compliance", "ego_is_making_progress", "driving_direction_compliance"];

    public static double Metric(NuPlanScenarioScore s, string name) => name switch
    {
        "drivable_area_compliance" => s.DrivableAreaCompliance,
        "driving_direction_compliance" => s.DrivingDirectionCompliance,
        "ego_is_comfortable" => s.EgoIsComfortable,
        "ego_is_making_progress" => s.EgoIsMakingProgress,
        "ego_progress_along_expert_route" => s.EgoProgressAlongExpertRoute,
        "no_ego_at_fault_collisions" => s.NoAtFaultCollisions,
        "speed_limit_compliance" => s.SpeedLimitCompliance,
        "time_to_collision_within_bound" => s.TimeToCollisionWithinBound,
        _ => throw new ArgumentException($"unknown metric '{name}'", nameof(name)),
    };

    public static NuPlanScenarioScore Score(NuPlanScenarioTrace trace, NuPlanConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        trace.Validate();
        var c = config ?? NuPlanConfig.Default;
        int n = trace.Steps;

        // no_ego_at_fault_collisions: 1 without at-fault collisions, else the product over classes of
        // max(0, 1 - count / (allowed + 1)).
        var atFault = trace.Collisions.Where(x => x.AtFault).ToArray();
        int vru = atFault.Count(x => x.ObjectClass == NuPlanObjectClass.Vru);
        int vehicles = atFault.Count(x => x.ObjectClass == NuPlanObjectClass.Vehicle);
        int objects = atFault.Count(x => x.ObjectClass == NuPlanObjectClass.Object);
        static double CollisionScore(int count, int allowed) => Math.Max(0.0, 1.0 - count / (double)(allowed + 1));
        double noAtFault = atFault.Length == 0 ? 1.0
            : CollisionScore(vru, c.MaxViolationsVru) * CollisionScore(vehicles, c.MaxViolationsVehicle) * CollisionScore(objects, c.MaxViolationsObject);

        // drivable_area_compliance: 0 once a corner is at least the tolerance away from the drivable area.
        double maxOff = trace.DrivableAreaDistance.Max();
        double drivable = maxOff >= c.DrivableAreaTolerance ? 0.0 : 1.0;

        // driving_direction_compliance: movement along the lane direction summed over the last n_horizon + 1 steps.
        long dtUs = (long)Math.Round(trace.TimeStep * 1e6);
        int horizon = (int)(c.DirectionHorizon * 1e6 / dtUs);
        double minWindow = double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = Math.Max(0, i - horizon); j <= i; j++) s += trace.LaneProgress[j];
            minWindow = Math.Min(minWindow, s);
        }
        double backward = Math.Abs(minWindow);
        double direction = backward < c.DirectionComplianceThreshold ? 1.0 : backward < c.DirectionViolationThreshold ? 0.5 : 0.0;

        // ego_progress_along_expert_route: ratio of ego to expert progress, each at least the threshold, capped at 1;
        // 0 when the ego went back more than the threshold; 1 when the expert's route has no lanes.
        double egoProgress = trace.RouteProgress[n - 1] - trace.RouteProgress[0];
        double ratio = trace.ExpertRouteProgress is not { } expert ? 1.0
            : egoProgress < -c.ProgressDistanceThreshold ? 0.0
            : Math.Min(1.0, Math.Max(egoProgress, c.ProgressDistanceThreshold) / Math.Max(expert, c.ProgressDistanceThreshold));
        double makingProgress = ratio >= c.MinProgressRatio ? 1.0 : 0.0;

        // time_to_collision_within_bound: every step's TTC (0 at an at-fault collision) above the least minimum.
        var faultSteps = atFault.Select(x => x.Step).ToHashSet();
        double minTtc = double.PositiveInfinity;
        for (int i = 0; i < n; i++) minTtc = Math.Min(minTtc, faultSteps.Contains(i) ? 0.0 : trace.TimeToCollision[i]);
        double ttc = c.LeastMinTtc < minTtc ? 1.0 : 0.0;

        // speed_limit_compliance: 1 without overspeed, else 1 - (sum of overspeed x dt) / (max overspeed x duration).
        double overspeedSum = 0, maxOverspeed = 0;
        bool violated = false;
        for (int i = 0; i < n; i++)
        {
            // No lane, or a map without a limit there (the devkit skips None and 0 limits alike).
            if (trace.SpeedLimit is null || double.IsNaN(trace.SpeedLimit[i]) || trace.SpeedLimit[i] == 0) continue;
            double excess = trace.Speed[i] - trace.SpeedLimit[i];
            if (excess <= 0) continue;
            violated = true;
            overspeedSum += excess;
            maxOverspeed = Math.Max(maxOverspeed, excess);
        }
        double duration = (n - 1) * dtUs * 1e-6;
        double speed = !violated || duration <= 0 ? 1.0
            : Math.Max(0.0, 1.0 - overspeedSum * (dtUs * 1e-6) / (Math.Max(c.MaxOverspeed, 1e-3) * duration));

        // ego_is_comfortable: every value of the six filtered series strictly inside its bounds.
        var comfort = NuPlanComfort.Series(trace);
        bool Inside(double[] v, double lo, double hi) => v.All(x => x > lo && x < hi);
        bool comfortable = Inside(comfort.LonAcceleration, c.MinLonAcceleration, c.MaxLonAcceleration)
            && Inside(comfort.LatAcceleration, -c.MaxAbsLatAcceleration, c.MaxAbsLatAcceleration)
            && Inside(comfort.Jerk, -c.MaxAbsJerk, c.MaxAbsJerk)
            && Inside(comfort.LonJerk, -c.MaxAbsLonJerk, c.MaxAbsLonJerk)
            && Inside(comfort.YawAcceleration, -c.MaxAbsYawAcceleration, c.MaxAbsYawAcceleration)
            && Inside(comfort.YawRate, -c.MaxAbsYawRate, c.MaxAbsYawRate);
        static double MaxAbs(double[] v) => v.Max(Math.Abs);

        var score = new NuPlanScenarioScore
        {
            ScenarioId = trace.ScenarioId,
            ScenarioType = trace.ScenarioType,
            NoAtFaultCollisions = noAtFault,
            DrivableAreaCompliance = drivable,
            EgoIsMakingProgress = makingProgress,
            DrivingDirectionCompliance = direction,
            EgoProgressAlongExpertRoute = ratio,
            TimeToCollisionWithinBound = ttc,
            SpeedLimitCompliance = speed,
            EgoIsComfortable = comfortable ? 1.0 : 0.0,
            Score = 0,
            PdmScore = 0,
            Details = new NuPlanDetails(egoProgress, trace.ExpertRouteProgress, vru, vehicles, objects, maxOff, minWindow, minTtc, maxOverspeed,
                comfort.LonAcceleration.Min(), comfort.LonAcceleration.Max(), MaxAbs(comfort.LatAcceleration), MaxAbs(comfort.Jerk),
                MaxAbs(comfort.LonJerk), MaxAbs(comfort.YawAcceleration), MaxAbs(comfort.YawRate)),
        };
        return score with { Score = Combine(score, c.Weights), PdmScore = Combine(score, c.PdmWeights) };
    }

    /// <summary>The product of the multiplier metrics, in the aggregator's (sorted-name) order.</summary>
    public static double Multiplier(NuPlanScenarioScore s) =>
        1.0 * s.DrivableAreaCompliance * s.DrivingDirectionCompliance * s.EgoIsMakingProgress * s.NoAtFaultCollisions;

    /// <summary>
    /// _compute_scenario_score: multiplier x weighted mean of the weighted metrics, summed in the aggregator's
    /// (sorted-name) order.
    /// </summary>
    public static double Combine(NuPlanScenarioScore s, NuPlanWeights w)
    {
        double sum = 0, weights = 0;
        foreach (var (value, weight) in new[]
        {
            (s.EgoIsComfortable, w.Comfort), (s.EgoProgressAlongExpertRoute, w.Progress),
            (s.SpeedLimitCompliance, w.SpeedLimit), (s.TimeToCollisionWithinBound, w.Ttc),
        })
        {
            weights += weight;
            sum += weight * value;
        }
        return Multiplier(s) * (weights != 0 ? sum / weights : 0.0);
    }

    /// <summary>
    /// The run's scores: the devkit averages the scenario scores per scenario type, then weights each type's mean by
    /// its number of scenarios (the plain mean, up to rounding); metrics are plain means.
    /// </summary>
    public static NuPlanSummary Aggregate(IReadOnlyList<NuPlanScenarioScore> scenarios)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        if (scenarios.Count == 0) throw new ArgumentException("No scenarios to aggregate.", nameof(scenarios));
        double ByType(Func<NuPlanScenarioScore, double> f)
        {
            double total = 0;
            foreach (var group in scenarios.GroupBy(s => s.ScenarioType))
            {
                double typeMean = group.Sum(f) / group.Count();
                total += typeMean * group.Count();
            }
            return total / scenarios.Count;
        }
        var means = MetricNames.Select(m => new KeyValuePair<string, double>(m, scenarios.Sum(s => Metric(s, m)) / scenarios.Count)).ToArray();
        return new NuPlanSummary(scenarios, ByType(s => s.Score), ByType(s => s.PdmScore), means);
    }

    /// <summary>Scores and aggregates several traces.</summary>
    public static NuPlanSummary ScoreAll(IEnumerable<NuPlanScenarioTrace> traces, NuPlanConfig? config = null) =>
        Aggregate(traces.Select(t => Score(t, config)).ToArray());

    internal static double Round8(double x) => PyMath.NumpyRound(x, 8);
}

/// <summary>The six comfort series, filtered and rounded as the devkit's state extractors make them.</summary>
public sealed record NuPlanComfortSeries(double[] LonAcceleration, double[] LatAcceleration, double[] Jerk, double[] LonJerk, double[] YawRate, double[] YawAcceleration);

/// <summary>
/// The comfort series of nuplan/planning/metrics/utils/state_extractors.py: accelerations smoothed by a
/// Savitzky-Golay filter (window 8, order 2), jerks as its derivative of the smoothed accelerations (window 15,
/// order 2), yaw rate and yaw acceleration as the first and second derivatives of the unwrapped heading (window 5,
/// orders 2 and 3), windows shortened to the trace and every value rounded to 8 decimals as numpy does.
/// </summary>
public static class NuPlanComfort
{
    public static NuPlanComfortSeries Series(NuPlanScenarioTrace trace)
    {
        int n = trace.Steps;
        double dt = Math.Round(trace.TimeStep * 1e6) * 1e-6;
        var heading = Unwrap(trace.Heading);
        var lon = trace.LongitudinalAcceleration ?? Derivative(trace.Speed, 5, 2, 1, dt);
        var lat = trace.LateralAcceleration ?? YawRateTimesSpeed(trace, heading, dt);
        // The devkit's jerk differentiates the magnitude of the acceleration vector.
        var magnitude = lon.Zip(lat, (a, b) => Math.Sqrt(a * a + b * b)).ToArray();

        double[] Smooth(double[] a) => Round(SavitzkyGolay.Filter(a, Math.Min(8, n), 2));
        var lonS = Smooth(lon);
        var latS = Smooth(lat);
        var magS = Smooth(magnitude);
        return new NuPlanComfortSeries(
            lonS, latS,
            Round(Derivative(magS, 15, 2, 1, dt)),
            Round(Derivative(lonS, 15, 2, 1, dt)),
            Round(Derivative(heading, 5, 2, 1, dt)),
            Round(Derivative(heading, 5, 3, 2, dt)));
    }

    /// <summary>approximate_derivatives: the window shortened to the data, the polynomial order below it.</summary>
    private static double[] Derivative(double[] y, int window, int polyorder, int deriv, double dt) =>
        SavitzkyGolay.Filter(y, Math.Min(window, y.Length), polyorder, deriv, dt);

    private static double[] YawRateTimesSpeed(NuPlanScenarioTrace trace, double[] heading, double dt)
    {
        var yawRate = Derivative(heading, 5, 2, 1, dt);
        return trace.Speed.Select((v, i) => v * yawRate[i]).ToArray();
    }

    private static double[] Round(double[] a) => a.Select(NuPlanScorer.Round8).ToArray();

    /// <summary>phase_unwrap: removes 2 pi jumps so successive headings differ by at most pi.</summary>
    public static double[] Unwrap(double[] headings)
    {
        var result = new double[headings.Length];
        double adjustment = 0;
        for (int i = 0; i < headings.Length; i++)
        {
            if (i > 0) adjustment += Math.Round((headings[i] - headings[i - 1]) / (2 * Math.PI), MidpointRounding.ToEven);
            result[i] = headings[i] - 2 * Math.PI * adjustment;
        }
        return result;
    }
}
