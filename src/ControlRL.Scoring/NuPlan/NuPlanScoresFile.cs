using ControlRL.Scoring.Leaderboard;
using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.NuPlan;

/// <summary>
/// <c>nuplan_scores.json</c>: a run's nuPlan scores, ours (the devkit writes parquet files). Layout:
/// <code>
/// {
///   "format": "controlrl-nuplan-scores/1",
///   "weights": {"progress": 5.0, "ttc": 5.0, "speed_limit": 4.0, "comfort": 2.0},
///   "pdm_weights": {"progress": 5.0, "ttc": 5.0, "speed_limit": 0.0, "comfort": 2.0},
///   "aggregate": {"scenarios": N, "score": s, "pdm_score": p, "metrics": {"&lt;metric&gt;": mean, ...}},
///   "scenarios": [{"scenario_id", "scenario_type", "metrics": {the 8 metric scores}, "multiplier", "score",
///                  "pdm_score", "details": {measured quantities; null for none or infinite}}]
/// }
/// </code>
/// The reader checks types and ranges and that every multiplier, score and aggregate follows from the metric values
/// and weights (to 1e-9), naming the JSON path of the first problem.
/// </summary>
public static class NuPlanScoresFile
{
    public const string FileName = "nuplan_scores.json";
    public const string Format = "controlrl-nuplan-scores/1";
    private const double Tolerance = 1e-9;

    private static readonly string[] DetailNames =
    [
        "ego_progress_m", "expert_progress_m", "at_fault_collisions_vru", "at_fault_collisions_vehicles", "at_fault_collisions_objects",
        "max_drivable_area_distance_m", "min_lane_progress_1s_m", "min_time_to_collision_s", "max_overspeed_mps",
        "min_lon_acceleration", "max_lon_acceleration", "max_abs_lat_acceleration", "max_abs_jerk", "max_abs_lon_jerk",
        "max_abs_yaw_acceleration", "max_abs_yaw_rate",
    ];

    /// <summary>A file's content: the summary and the weights its scores were computed with.</summary>
    public sealed record Contents(NuPlanSummary Summary, NuPlanWeights Weights, NuPlanWeights PdmWeights);

    public static void Write(string path, NuPlanSummary summary, NuPlanConfig? config = null) =>
        ResultsWriter.WriteAtomically(path, Serialize(summary, config) + "\n");

    public static string Serialize(NuPlanSummary summary, NuPlanConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var c = config ?? NuPlanConfig.Default;
        var metrics = new PyJsonObject();
        foreach (var m in summary.MetricMeans) metrics.Set(m.Key, F(m.Value));
        var root = new PyJsonObject()
            .Set("format", new PyJsonString(Format))
            .Set("weights", Weights(c.Weights))
            .Set("pdm_weights", Weights(c.PdmWeights))
            .Set("aggregate", new PyJsonObject()
                .Set("scenarios", new PyJsonNumber(PyNumber.Int(summary.Scenarios.Count)))
                .Set("score", F(summary.Score))
                .Set("pdm_score", F(summary.PdmScore))
                .Set("metrics", metrics))
            .Set("scenarios", new PyJsonArray(summary.Scenarios.Select(s => (PyJsonValue)Scenario(s))));
        return PyJson.Serialize(root, 2);
    }

    private static PyJsonObject Scenario(NuPlanScenarioScore s)
    {
        var metrics = new PyJsonObject();
        foreach (string m in NuPlanScorer.MetricNames) metrics.Set(m, F(NuPlanScorer.Metric(s, m)));
        var o = new PyJsonObject()
            .Set("scenario_id", new PyJsonString(s.ScenarioId))
            .Set("scenario_type", new PyJsonString(s.ScenarioType))
            .Set("metrics", metrics)
            .Set("multiplier", F(s.Multiplier))
            .Set("score", F(s.Score))
            .Set("pdm_score", F(s.PdmScore));
        if (s.Details is { } d)
        {
            double?[] values =
            [
                d.EgoProgress, d.ExpertProgress, d.AtFaultVru, d.AtFaultVehicles, d.AtFaultObjects, d.MaxDrivableAreaDistance,
                d.MinLaneProgressOverHorizon, d.MinTimeToCollision, d.MaxOverspeed, d.MinLonAcceleration, d.MaxLonAcceleration,
                d.MaxAbsLatAcceleration, d.MaxAbsJerk, d.MaxAbsLonJerk, d.MaxAbsYawAcceleration, d.MaxAbsYawRate,
            ];
            var details = new PyJsonObject();
            for (int i = 0; i < DetailNames.Length; i++)
                details.Set(DetailNames[i], values[i] is { } v && double.IsFinite(v) ? F(v) : PyJsonNull.Instance);
            o.Set("details", details);
        }
        return o;
    }

    private static PyJsonObject Weights(NuPlanWeights w) => new PyJsonObject()
        .Set("progress", F(w.Progress)).Set("ttc", F(w.Ttc)).Set("speed_limit", F(w.SpeedLimit)).Set("comfort", F(w.Comfort));

    private static PyJsonNumber F(double v) => new(PyNumber.Float(v));

    public static Contents Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScoringFormatException(path, "", $"cannot be read ({ex.Message})");
        }
        return Parse(text, path);
    }

    /// <summary>True when <paramref name="root"/> is a JSON object whose "format" is this file's.</summary>
    public static bool IsNuPlanScores(PyJsonValue root) => root is PyJsonObject o && o["format"] is PyJsonString { Value: Format };

    public static Contents Parse(string text, string source)
    {
        var c = new JsonChecker(source);
        var root = c.Object(c.Parse(text), "");
        string format = c.RequiredString(root, "", "format");
        if (format != Format) throw c.Fail("format", $"expected {PyJson.Quote(Format)}, got {PyJson.Quote(format)}");
        var weights = ReadWeights(c, root, "weights");
        var pdmWeights = ReadWeights(c, root, "pdm_weights");

        var items = c.RequiredList(root, "", "scenarios");
        if (items.Count == 0) throw c.Fail("scenarios", "expected at least one scenario, got an empty list");
        var scenarios = new List<NuPlanScenarioScore>();
        for (int i = 0; i < items.Count; i++) scenarios.Add(ReadScenario(c, items[i], $"scenarios[{i}]", weights, pdmWeights));
        var summary = NuPlanScorer.Aggregate(scenarios);

        var agg = c.RequiredObject(root, "", "aggregate");
        long count = c.RequiredInteger(agg, "aggregate", "scenarios", 0);
        if (count != scenarios.Count) throw c.Fail("aggregate.scenarios", $"says {count} scenarios, the file has {scenarios.Count}");
        Check(c, agg, "aggregate", "score", summary.Score);
        Check(c, agg, "aggregate", "pdm_score", summary.PdmScore);
        var means = c.RequiredObject(agg, "aggregate", "metrics");
        c.OnlyKeys(means, "aggregate.metrics", NuPlanScorer.MetricNames, "metric");
        foreach (var m in summary.MetricMeans) Check(c, means, "aggregate.metrics", m.Key, m.Value);
        return new Contents(summary, weights, pdmWeights);
    }

    private static NuPlanWeights ReadWeights(JsonChecker c, PyJsonObject root, string key)
    {
        var o = c.RequiredObject(root, "", key);
        string[] names = ["progress", "ttc", "speed_limit", "comfort"];
        c.OnlyKeys(o, key, names, "weight");
        var w = names.Select(n => c.RequiredNumber(o, key, n, 0).Value).ToArray();
        if (w.Sum() <= 0) throw c.Fail(key, "the weights add up to 0");
        return new NuPlanWeights(w[0], w[1], w[2], w[3]);
    }

    private static NuPlanScenarioScore ReadScenario(JsonChecker c, PyJsonValue value, string path, NuPlanWeights weights, NuPlanWeights pdmWeights)
    {
        var o = c.Object(value, path);
        string metricsPath = JsonChecker.Member(path, "metrics");
        var metrics = c.RequiredObject(o, path, "metrics");
        c.OnlyKeys(metrics, metricsPath, NuPlanScorer.MetricNames, "metric");
        double M(string name) => c.RequiredNumber(metrics, metricsPath, name, 0, 1).Value;
        var s = new NuPlanScenarioScore
        {
            ScenarioId = c.RequiredString(o, path, "scenario_id"),
            ScenarioType = c.RequiredString(o, path, "scenario_type"),
            NoAtFaultCollisions = M("no_ego_at_fault_collisions"),
            DrivableAreaCompliance = M("drivable_area_compliance"),
            EgoIsMakingProgress = M("ego_is_making_progress"),
            DrivingDirectionCompliance = M("driving_direction_compliance"),
            EgoProgressAlongExpertRoute = M("ego_progress_along_expert_route"),
            TimeToCollisionWithinBound = M("time_to_collision_within_bound"),
            SpeedLimitCompliance = M("speed_limit_compliance"),
            EgoIsComfortable = M("ego_is_comfortable"),
            Score = 0,
            PdmScore = 0,
            Details = o.TryGet("details", out var d) ? ReadDetails(c, d, JsonChecker.Member(path, "details")) : null,
        };
        s = s with { Score = NuPlanScorer.Combine(s, weights), PdmScore = NuPlanScorer.Combine(s, pdmWeights) };
        Check(c, o, path, "multiplier", s.Multiplier);
        Check(c, o, path, "score", s.Score);
        Check(c, o, path, "pdm_score", s.PdmScore);
        return s;
    }

    private static NuPlanDetails ReadDetails(JsonChecker c, PyJsonValue value, string path)
    {
        var o = c.Object(value, path);
        c.OnlyKeys(o, path, DetailNames, "detail");
        double? D(string name) => o.TryGet(name, out var v) && v is not PyJsonNull ? c.Number(v, JsonChecker.Member(path, name)).Value : null;
        int I(string name) => (int)(D(name) ?? 0);
        return new NuPlanDetails(D("ego_progress_m") ?? double.NaN, D("expert_progress_m"), I("at_fault_collisions_vru"),
            I("at_fault_collisions_vehicles"), I("at_fault_collisions_objects"), D("max_drivable_area_distance_m") ?? double.NaN,
            D("min_lane_progress_1s_m") ?? double.NaN, D("min_time_to_collision_s") ?? double.PositiveInfinity,
            D("max_overspeed_mps") ?? double.NaN, D("min_lon_acceleration") ?? double.NaN, D("max_lon_acceleration") ?? double.NaN,
            D("max_abs_lat_acceleration") ?? double.NaN, D("max_abs_jerk") ?? double.NaN, D("max_abs_lon_jerk") ?? double.NaN,
            D("max_abs_yaw_acceleration") ?? double.NaN, D("max_abs_yaw_rate") ?? double.NaN);
    }

    /// <summary>The stored number must equal what the metrics give.</summary>
    private static void Check(JsonChecker c, PyJsonObject o, string path, string key, double expected)
    {
        double stored = c.RequiredNumber(o, path, key, 0, 1).Value;
        if (Math.Abs(stored - expected) > Tolerance)
            throw c.Fail(JsonChecker.Member(path, key), $"is {PyMath.Repr(stored)} but the metrics give {PyMath.Repr(expected)}");
    }
}
