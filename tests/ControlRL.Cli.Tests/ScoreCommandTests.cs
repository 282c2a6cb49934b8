using ControlRL.Scoring.Leaderboard;
using ControlRL.Scoring.NuPlan;
using ControlRL.Scoring.Python;

namespace ControlRL.Cli.Tests;

/// <summary><c>controlrl score</c> on the real Bench2Drive results files, our own files, and broken ones.</summary>
public class ScoreCommandTests
{
    /// <summary>shared/data/carla-lb2-real beside the checkout, found by walking up from the test binaries.</summary>
    private static readonly string RealDirectory = FindReal();

    private static string FindReal()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "shared", "data", "carla-lb2-real");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"shared/data/carla-lb2-real not found above {AppContext.BaseDirectory}.");
    }

    private static string Real(string name) => Path.Combine(RealDirectory, name);

    private static (int Code, string Out, string Err) Score(params string[] args)
    {
        var cli = new CliHarness();
        int code = cli.Run(["score", .. args]);
        return (code, cli.Out.ToString(), cli.Err.ToString());
    }

    [Theory]
    [InlineData("b2d-220-routes-merged")]
    [InlineData("real-b2d-pdmlite-3564")]
    [InlineData("real-b2d-tfv6-2201")]
    [InlineData("real-b2d-tfv6-24041")]
    public void JsonIsThePublishedGlobalRecord(string name)
    {
        var (code, stdout, stderr) = Score(Real(name + ".json"), "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        var expected = PyJson.Parse(File.ReadAllText(Real(name + ".expected.json")));
        var actual = PyJson.Parse(stdout);
        Assert.True(PyJson.DeepEquals(expected, actual), $"differs at {PyJson.Difference(expected, actual, "")}");
        Assert.Equal(File.ReadAllText(Real(name + ".expected.json")).TrimEnd(), stdout.TrimEnd());
    }

    [Fact]
    public void TextShowsMeansRatesStatusAndFailedRoutes()
    {
        var (code, stdout, stderr) = Score(Real("b2d-220-routes-merged.json"));
        Assert.True(code == 0, stderr);
        Assert.Matches(@"driving score \(DS\)\s+89\.381149\s+25\.669\n", stdout);
        Assert.Matches(@"route completion \(RC\)\s+93\.593555\s+23\.022\n", stdout);
        Assert.Matches(@"infraction penalty \(IS\)\s+0\.955507\s+0\.132\n", stdout);
        Assert.Contains("km driven: 20.955 (route length 21311.033 m in total", stdout);
        Assert.Matches(@"  collisions_vehicle\s+0\.764\n", stdout);
        Assert.Matches(@"  outside_route_lanes \(km\)\s+0\.013\n", stdout);
        Assert.Contains("status: Failed; 19 failed route(s):\n  RouteScenario_2204_rep0 (index 20): Failed - TickRuntime\n", stdout);
        Assert.Contains("stored global record: none", stdout);
        Assert.DoesNotContain("RouteScenario_1711_rep0", stdout);   // routes only with --routes

        var (_, withRoutes, _) = Score(Real("b2d-220-routes-merged.json"), "--routes");
        Assert.Matches(@"\n\s*0\s+RouteScenario_1711_rep0\s+Completed\s+100\s+1\.0\s+100\.0\s+min_speed_infractions 20\n", withRoutes);
        Assert.Equal(211, withRoutes.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s*\d+\s+RouteScenario_")));
    }

    private static void AssertBadInput((int Code, string Out, string Err) r, params string[] expected)
    {
        Assert.True(r.Code == ExitCodes.BadInput, $"exit {r.Code}: {r.Err}");
        Assert.Equal("", r.Out);
        Assert.StartsWith("error: ", r.Err);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("Exception", r.Err);
        foreach (string e in expected) Assert.Contains(e, r.Err);
    }

    [Fact]
    public void MalformedFilesAreOneLineNamingThePathAndWhat()
    {
        using var tmp = new TempDir();
        string text = File.ReadAllText(Real("real-b2d-tfv6-24041.json"));
        void Case(string name, string content, params string[] expected)
        {
            File.WriteAllText(tmp.File(name), content);
            AssertBadInput(Score(tmp.File(name)), [tmp.File(name), .. expected]);
            AssertBadInput(Score(tmp.File(name), "--json"), expected);
        }
        Case("truncated.json", text[..500], "not valid JSON (line");
        Case("string-score.json", text.Replace("\"score_route\": 89.97", "\"score_route\": \"89.97\""),
            "_checkpoint.records[0].scores.score_route: expected a finite number >= 0, got the string \"89.97\"");
        Case("unknown-key.json", text.Replace("\"red_light\": [],", "\"red_lights\": [],"),
            "_checkpoint.records[0].infractions.red_lights: unknown infraction key 'red_lights'");
        Case("negative-length.json", text.Replace("\"route_length\": 161.404", "\"route_length\": -161.404"),
            "_checkpoint.records[0].meta.route_length: expected a finite number >= 0, got the float -161.404");
        Case("progress.json", text.Replace("\"progress\": [\n            1,\n            1\n        ]", "\"progress\": [0, 0]"),
            "_checkpoint.progress[1]: expected an integer from 1 to");
        Case("nan.json", text.Replace("\"duration_game\": 130.4", "\"duration_game\": NaN"), "NaN");

        AssertBadInput(Score(tmp.File("missing.json")), "does not exist");
        AssertBadInput(Score(tmp.Path), "is a folder");
    }

    /// <summary>A finished run of ours: two routes through ResultsCheckpoint.</summary>
    private static string FinishedRun(TempDir tmp)
    {
        string path = tmp.File("simulation_results.json");
        string[] ids = ["RouteScenario_1_rep0", "RouteScenario_2_rep0"];
        var run = ResultsCheckpoint.Open(path, ids, resume: false, ["carla_camera"]);
        run.Add(RouteScoring.Compute(new RouteFacts { RouteId = ids[0], Index = 0, RouteLength = 812.5, RouteCompletion = 100, TargetReached = true, DurationGame = 80, DurationSystem = 95.5 }));
        run.Add(RouteScoring.Compute(new RouteFacts
        {
            RouteId = ids[1], Index = 1, RouteLength = 1520.25, RouteCompletion = 47.3391, Infractions = [Infraction.Collision("vehicle.audi.a2", 31, 10, 20, 0.5)!],
            DurationGame = 140, DurationSystem = 160,
        }));
        run.Finish();
        return path;
    }

    [Fact]
    public void OurFinishedRunMatchesItsStoredRecordAndATamperedOneDoesNot()
    {
        using var tmp = new TempDir();
        string path = FinishedRun(tmp);
        var (code, stdout, stderr) = Score(path);
        Assert.True(code == 0, stderr);
        Assert.Contains("entry_status Finished, eligible true", stdout);
        Assert.Contains("stored global record: matches the recomputed one", stdout);

        File.WriteAllText(path, File.ReadAllText(path).Replace("\"score_route\": 73.67,", "\"score_route\": 73.68,"));
        var (_, tampered, _) = Score(path);
        Assert.True(tampered.Contains("stored global record: differs from the recomputed one at scores_mean.score_route", StringComparison.Ordinal), tampered);
    }

    private static NuPlanSummary NuPlanRun()
    {
        double[] F(Func<int, double> f) => [.. Enumerable.Range(0, 50).Select(f)];
        NuPlanScenarioTrace Trace(string id, double expert) => new()
        {
            ScenarioId = id,
            X = F(i => i * 0.5), Y = F(_ => 0), Heading = F(_ => 0), Speed = F(_ => 5),
            LongitudinalAcceleration = F(_ => 0), LateralAcceleration = F(_ => 0), SpeedLimit = F(_ => 10),
            DrivableAreaDistance = F(_ => 0), RouteProgress = F(i => i * 0.5), ExpertRouteProgress = expert,
            LaneProgress = F(i => i == 0 ? 0 : 0.5), TimeToCollision = F(_ => double.PositiveInfinity),
        };
        return NuPlanScorer.ScoreAll([Trace("a", 24.5), Trace("b", 49)]);
    }

    [Fact]
    public void ANuPlanFileBesideIsSummarisedInTheTextOnly()
    {
        using var tmp = new TempDir();
        string path = FinishedRun(tmp);
        NuPlanScoresFile.Write(tmp.File(NuPlanScoresFile.FileName), NuPlanRun());

        var (code, stdout, stderr) = Score(path);
        Assert.True(code == 0, stderr);
        Assert.True(stdout.Contains("nuplan_scores.json: 2 nuPlan scenario(s)\nnuPlan closed-loop score: 0.9219   PDM score: 0.8958\n", StringComparison.Ordinal), stdout);
        Assert.Matches(@"  ego_progress_along_expert_route\s+0\.75\n", stdout);

        var (jsonCode, json, _) = Score(path, "--json");
        Assert.Equal(0, jsonCode);
        var global = (PyJsonObject)PyJson.Parse(json);
        Assert.Equal(["index", "route_id", "status", "infractions", "scores_mean", "scores_std_dev", "meta"], global.Members.Select(m => m.Key));

        var (nuCode, nuText, _) = Score(tmp.File(NuPlanScoresFile.FileName), "--routes");
        Assert.Equal(0, nuCode);
        Assert.Matches(@"\na\s+unknown\s+1\s+1\s+1\n", nuText);
        var (_, nuJson, _) = Score(tmp.File(NuPlanScoresFile.FileName), "--json");
        var aggregate = (PyJsonObject)PyJson.Parse(nuJson);
        Assert.Equal(PyNumber.Int(2), ((PyJsonNumber)aggregate["scenarios"]!).Value);
        Assert.Equal(NuPlanRun().Score, ((PyJsonNumber)aggregate["score"]!).Value.Value);

        // A broken nuplan_scores.json beside the results is bad input too.
        File.WriteAllText(tmp.File(NuPlanScoresFile.FileName), File.ReadAllText(tmp.File(NuPlanScoresFile.FileName)).Replace("\"score\": 1.0", "\"score\": 0.5"));
        AssertBadInput(Score(path), "nuplan_scores.json: scenarios[0].score: is 0.5 but the metrics give 1.0");
    }
}
