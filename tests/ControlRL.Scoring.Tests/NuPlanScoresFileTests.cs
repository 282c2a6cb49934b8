using ControlRL.Scoring.NuPlan;
using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Tests;

public class NuPlanScoresFileTests
{
    private static NuPlanScenarioScore Scenario(string id, string type, double progress, double speed, double collisions)
    {
        var s = new NuPlanScenarioScore
        {
            ScenarioId = id,
            ScenarioType = type,
            NoAtFaultCollisions = collisions,
            DrivableAreaCompliance = 1,
            EgoIsMakingProgress = 1,
            DrivingDirectionCompliance = 1,
            EgoProgressAlongExpertRoute = progress,
            TimeToCollisionWithinBound = 1,
            SpeedLimitCompliance = speed,
            EgoIsComfortable = 0,
            Score = 0,
            PdmScore = 0,
            Details = new NuPlanDetails(12.5, null, 0, 0, 1, 0.1, -0.4, double.PositiveInfinity, 0.7, -1, 1, 0.2, 0.3, 0.4, 0.5, 0.6),
        };
        return s with { Score = NuPlanScorer.Combine(s, NuPlanConfig.Default.Weights), PdmScore = NuPlanScorer.Combine(s, NuPlanConfig.Default.PdmWeights) };
    }

    private static NuPlanSummary Summary() => NuPlanScorer.Aggregate([Scenario("a", "left_turn", 0.8, 0.9, 1), Scenario("b", "left_turn", 0.3, 1, 0.5), Scenario("c", "stop", 1, 1, 1)]);

    [Fact]
    public void WriteThenReadGivesTheSameScores()
    {
        using var tmp = new TempDir();
        string path = tmp.File(NuPlanScoresFile.FileName);
        var summary = Summary();
        NuPlanScoresFile.Write(path, summary);
        var back = NuPlanScoresFile.Read(path);
        Assert.Equal(summary.Score, back.Summary.Score);
        Assert.Equal(summary.PdmScore, back.Summary.PdmScore);
        Assert.Equal(summary.MetricMeans, back.Summary.MetricMeans);
        Assert.Equal(summary.Scenarios.Select(s => s with { Details = null }), back.Summary.Scenarios.Select(s => s with { Details = null }));
        Assert.Equal(double.PositiveInfinity, back.Summary.Scenarios[0].Details!.MinTimeToCollision);   // written as null
        Assert.Null(back.Summary.Scenarios[0].Details!.ExpertProgress);
        Assert.Equal(NuPlanConfig.Default.Weights, back.Weights);
        Assert.True(NuPlanScoresFile.IsNuPlanScores(PyJson.Parse(File.ReadAllText(path))));
        Assert.Equal(["nuplan_scores.json"], Directory.GetFiles(tmp.Path).Select(Path.GetFileName));
    }

    private static void AssertError(Func<string, string> edit, params string[] expected)
    {
        string text = edit(NuPlanScoresFile.Serialize(Summary()));
        var ex = Assert.Throws<ScoringFormatException>(() => NuPlanScoresFile.Parse(text, "nuplan_scores.json"));
        Assert.DoesNotContain('\n', ex.Message);
        foreach (string e in expected) Assert.Contains(e, ex.Message);
    }

    [Fact]
    public void AnEditedScoreNoLongerFollowsFromItsMetrics() =>
        AssertError(t => t.Replace("\"speed_limit_compliance\": 0.9,", "\"speed_limit_compliance\": 0.8,"),
            "nuplan_scores.json: scenarios[0].score: is ", "but the metrics give");

    [Fact]
    public void MetricOutOfRange() =>
        AssertError(t => t.Replace("\"speed_limit_compliance\": 0.9,", "\"speed_limit_compliance\": 1.9,"),
            "scenarios[0].metrics.speed_limit_compliance: expected a finite number from 0 to 1, got the float 1.9");

    [Fact]
    public void UnknownMetric() =>
        AssertError(t => t.Replace("\"ego_is_comfortable\": 0.0,", "\"ego_is_comfortable\": 0.0, \"lane_keeping\": 1.0,"),
            "scenarios[0].metrics.lane_keeping: unknown metric 'lane_keeping'");

    [Fact]
    public void WrongFormat() => AssertError(t => t.Replace("controlrl-nuplan-scores/1", "other/2"), "format: expected \"controlrl-nuplan-scores/1\", got \"other/2\"");

    [Fact]
    public void AggregateThatDoesNotMatch() =>
        AssertError(t => t.Replace("\"scenarios\": 3,", "\"scenarios\": 4,"), "aggregate.scenarios: says 4 scenarios, the file has 3");
}
