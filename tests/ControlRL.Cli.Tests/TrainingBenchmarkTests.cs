using System.Text.Json.Nodes;
using ControlRL.Core.Envs;
using ControlRL.Envs.Driving;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Cli.Tests;

/// <summary>eval_benchmark: evaluation during training drives a benchmark suite and logs its scores over steps.</summary>
public sealed class TrainingBenchmarkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("controlrl-trainbench-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Func<EnvRegistry> Envs => () =>
    {
        var r = new EnvRegistry();
        DrivingEnvs.Register(r);
        return r;
    };

    // The shipped quick suite cut to its shortest route, so an untrained policy's drive (blocked after 180 s) stays short.
    private string OneRouteSuite()
    {
        var suite = JsonNode.Parse(File.ReadAllText(Path.Combine(DrivingData.SuitesFolder, "quick.json")))!;
        var routes = suite["routes"]!.AsArray();
        var shortest = routes.OrderBy(r => (double)r!["length_m"]!).First()!.DeepClone();
        // Town paths are relative to the suite file; this copy lives elsewhere.
        shortest["town"] = Path.GetFullPath(Path.Combine(DrivingData.SuitesFolder, (string)shortest["town"]!));
        routes.Clear();
        routes.Add(shortest);
        suite["name"] = "one_route";
        string path = Path.Combine(_dir, "one_route.json");
        File.WriteAllText(path, suite.ToJsonString());
        return path;
    }

    [Fact]
    public void EvaluationDrivesTheSuiteAndTheCheckpointScoresTheSameInEval()
    {
        string suite = OneRouteSuite();
        var (code, _, err) = RealCli.Run(Envs, "train", "--env", "Driving-v0", "-t", "64", "--run-dir", Path.Combine(_dir, "runs"), "--no-progress",
            "--set", "num_envs=1", "--set", "num_steps=64", "--set", "num_minibatches=2", "--set", "update_epochs=1", "--set", "cnn_features=32",
            "--set", "eval_every=64", "--set", "eval_episodes=1", "--set", "video_every=0", "--set", $"eval_benchmark={suite}");
        Assert.True(code == 0, err);
        string run = Directory.GetDirectories(Path.Combine(_dir, "runs")).Single();
        string trained = Path.Combine(run, "benchmarks", "one_route", "step_64", "results.json");
        Assert.True(File.Exists(trained), $"no {trained}");
        string csv = File.ReadAllText(Path.Combine(run, "progress.csv"));
        foreach (string key in new[] { "benchmark/driving_score", "benchmark/route_completion", "benchmark/infraction_penalty", "benchmark/collisions_vehicle_per_km" })
            Assert.Contains(key, csv);

        // The checkpoint of that step, benchmarked afterwards, drives the route exactly as the run did.
        string outDir = Path.Combine(_dir, "eval");
        var (evalCode, _, evalErr) = RealCli.Run(Envs, "eval", "--benchmark", suite, "--policy", run, "--out", outDir);
        Assert.True(evalCode == 0, evalErr);
        static JsonNode Global(string path) => JsonNode.Parse(File.ReadAllText(path))!["_checkpoint"]!["global_record"]!;
        var a = Global(trained);
        var b = Global(Path.Combine(outDir, "results.json"));
        Assert.True(JsonNode.DeepEquals(a["scores_mean"], b["scores_mean"]), $"{a["scores_mean"]} vs {b["scores_mean"]}");
        Assert.True(JsonNode.DeepEquals(a["infractions"], b["infractions"]));
    }

    [Fact]
    public void ABenchmarkOnANonDrivingEnvIsRefused()
    {
        var (code, _, err) = RealCli.Run(CliHarness.FakeRegistry, "train", "--env", FakeEnv.Id, "-t", "64", "--run-dir", Path.Combine(_dir, "runs"),
            "--set", "num_steps=64", "--set", "eval_every=64", "--set", "eval_benchmark=quick");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("not a driving env", err);
    }

    [Fact]
    public void ARouteCutShortByAWrapperIsAClearErrorNotALoop()
    {
        var suite = DrivingData.Suite("quick");
        using var env = ControlRL.Core.Vector.VectorEnvFactory.Create(() => new ControlRL.Core.Wrappers.TimeLimit(new ControlRL.Envs.Driving.Env.DrivingEnv(), 20), 1, threaded: false, 0);
        using var policy = new ControlRL.Cli.Benchmarks.ConstantThrottlePolicy(0.5f);
        var e = Assert.Throws<CliUsageException>(() => ControlRL.Cli.Benchmarks.DrivingBenchmarkRunner.Run(
            new ControlRL.Cli.Benchmarks.DrivingBenchmarkRequest(suite, Path.Combine(_dir, "cut"), false, new HashSet<string>()), env, policy, default));
        Assert.Contains("time_limit", e.Message);
        Assert.Contains("route_00", e.Message);
    }
}
