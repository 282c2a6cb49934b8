using System.Text.Json.Nodes;
using ControlRL.Cli.Benchmarks;
using ControlRL.Core.Envs;
using ControlRL.Core.Vector;
using ControlRL.Envs.Driving;
using ControlRL.Envs.Driving.Env;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Cli.Tests;

public sealed class DrivingBenchmarkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("controlrl-bench-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Func<EnvRegistry> Envs => () =>
    {
        var r = new EnvRegistry();
        DrivingEnvs.Register(r);
        return r;
    };

    [Fact]
    public void TheExpertsResultsAreLeaderboardFilesThatScoreRecomputes()
    {
        string outDir = Path.Combine(_dir, "expert");
        var (code, _, err) = RealCli.Run(Envs, "eval", "--benchmark", "quick", "--policy", "expert", "--out", outDir, "--num-envs", "2",
            "--video-routes", "route_01", "--video-size", "64x64");
        Assert.True(code == 0, err);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        var records = results["_checkpoint"]!["records"]!.AsArray();
        Assert.Equal(6, records.Count);
        Assert.Equal(Enumerable.Range(0, 6), records.Select(r => (int)r!["index"]!));
        Assert.Equal([6, 6], results["_checkpoint"]!["progress"]!.AsArray().Select(n => (int)n!));
        Assert.Equal("Finished", (string)results["entry_status"]!);
        Assert.True(File.Exists(Path.Combine(outDir, "results.md")));
        Assert.True(File.Exists(Path.Combine(outDir, "nuplan_scores.json")));
        Assert.True(new FileInfo(Path.Combine(outDir, "videos", "route_01.mp4")).Length > 1000);

        var (scoreCode, json, scoreErr) = RealCli.Run(Envs, "score", Path.Combine(outDir, "results.json"), "--json");
        Assert.True(scoreCode == 0, scoreErr);
        Assert.True(JsonNode.DeepEquals(results["_checkpoint"]!["global_record"], JsonNode.Parse(json)), json);
    }

    [Fact]
    public void AnInterruptedBenchmarkResumesToTheResultsOfAnUninterruptedOne()
    {
        var suite = DrivingData.Suite("quick");
        string whole = Path.Combine(_dir, "whole"), resumed = Path.Combine(_dir, "resumed");
        Run(suite, whole, resume: false, numEnvs: 2, stopAfterRoutes: null);
        var partial = Run(suite, resumed, resume: false, numEnvs: 2, stopAfterRoutes: 2);
        Assert.InRange(partial.RoutesDone, 2, 5);
        Assert.Null(partial.Global);
        // Resumed with another number of sub-envs: each route's record depends on the route alone.
        var done = Run(suite, resumed, resume: true, numEnvs: 3, stopAfterRoutes: null);
        Assert.Equal(6, done.RoutesDone);
        Assert.Equal(Comparable(whole), Comparable(resumed));
    }

    // The results file without the wall-clock durations (duration_system differs between runs by nature).
    private static string Comparable(string dir)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;
        foreach (var r in node["_checkpoint"]!["records"]!.AsArray()) r!["meta"]!.AsObject().Remove("duration_system");
        var global = node["_checkpoint"]!["global_record"]!.AsObject();
        global["meta"]!.AsObject().Remove("duration_system");
        node.AsObject().Remove("values");
        return node.ToJsonString();
    }

    private static DrivingBenchmarkOutcome Run(DrivingSuite suite, string outDir, bool resume, int numEnvs, int? stopAfterRoutes)
    {
        using var cancel = new CancellationTokenSource();
        var log = new RouteCounter(stopAfterRoutes, cancel);
        using var env = VectorEnvFactory.Create(() => new DrivingEnv(), numEnvs, threaded: false, 0);
        using var policy = new ExpertBenchmarkPolicy(numEnvs);
        return DrivingBenchmarkRunner.Run(new DrivingBenchmarkRequest(suite, outDir, resume, new HashSet<string>()) { Log = log }, env, policy, cancel.Token);
    }

    /// <summary>Cancels (as Ctrl+C would) once the runner has logged the given number of finished routes.</summary>
    private sealed class RouteCounter(int? stopAfter, CancellationTokenSource cancel) : StringWriter
    {
        private int _routes;

        public override void WriteLine(string? value)
        {
            if (value?.StartsWith("route ", StringComparison.Ordinal) == true && ++_routes == stopAfter) cancel.Cancel();
            base.WriteLine(value);
        }
    }

    [Fact]
    public void BaselinesRunAndTheConstantThrottleLeavesTheRoute()
    {
        string outDir = Path.Combine(_dir, "constant");
        var (code, output, err) = RealCli.Run(Envs, "eval", "--benchmark", "quick", "--policy", "constant", "--out", outDir);
        Assert.True(code == 0, err);
        Assert.Contains("all 6 routes", output);
        var global = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!["_checkpoint"]!["global_record"]!;
        Assert.True((double)global["scores_mean"]!["score_route"]! < 60);
        var (randomCode, _, randomErr) = RealCli.Run(Envs, "eval", "--benchmark", "quick", "--policy", "random", "--out", Path.Combine(_dir, "random"));
        Assert.True(randomCode == 0, randomErr);
    }

    [Theory]
    [InlineData("--benchmark nosuch --policy expert", "nosuch")]
    [InlineData("--benchmark quick", "--policy")]
    [InlineData("--benchmark quick --policy expert --env HalfCheetah-v5", "not a driving env")]
    [InlineData("--benchmark quick --policy expert --video-routes route_99", "route_99")]
    [InlineData("--resume", "belong to --benchmark")]
    [InlineData("--benchmark quick --policy expert somewhere", "--policy")]
    public void BadBenchmarkUsageIsNamed(string args, string expected)
    {
        var (code, _, err) = RealCli.Run(Envs, ["eval", .. args.Split(' '), "--out", Path.Combine(_dir, "bad")]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(expected, err);
    }

    [Fact]
    public void ExistingResultsNeedResume()
    {
        string outDir = Path.Combine(_dir, "again");
        Assert.Equal(0, RealCli.Run(Envs, "eval", "--benchmark", "quick", "--policy", "constant", "--out", outDir).Code);
        var (code, _, err) = RealCli.Run(Envs, "eval", "--benchmark", "quick", "--policy", "constant", "--out", outDir);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--resume", err);
        // Resuming a finished run changes nothing.
        string before = File.ReadAllText(Path.Combine(outDir, "results.json"));
        Assert.Equal(0, RealCli.Run(Envs, "eval", "--benchmark", "quick", "--policy", "constant", "--out", outDir, "--resume").Code);
        Assert.Equal(before, File.ReadAllText(Path.Combine(outDir, "results.json")));
    }
}
