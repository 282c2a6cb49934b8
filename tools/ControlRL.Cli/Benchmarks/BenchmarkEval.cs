using ControlRL.Cli.Commands;
using ControlRL.Cli.Hosting;
using ControlRL.Cli.Runs;
using ControlRL.Core.Envs;
using ControlRL.Core.Vector;
using ControlRL.Envs.Driving;
using ControlRL.Envs.Driving.Env;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Learning.Algorithms;
using ControlRL.Learning.Checkpoints;
using ControlRL.Models.Policies;

namespace ControlRL.Cli.Benchmarks;

/// <summary>The options of <c>controlrl eval --benchmark</c>.</summary>
internal sealed record BenchmarkEvalOptions(string Benchmark, string Policy, string? OutDir, bool Resume, int NumEnvs,
    string? VideoRoutes, int VideoSize, bool Json, string? EnvId);

/// <summary>
/// <c>controlrl eval --benchmark &lt;suite&gt; --policy &lt;run|checkpoint|expert|random|constant&gt;</c>: resolves the suite
/// and the policy, builds the vector env the policy needs (a checkpoint's own pipeline and frozen normalization; the
/// registered <c>Driving-v0</c> for the expert and the baselines), and runs <see cref="DrivingBenchmarkRunner"/>.
/// </summary>
internal static class BenchmarkEval
{
    public static readonly IReadOnlyList<string> BuiltInPolicies = ["expert", "random", "constant"];

    public static int Run(CliServices services, BenchmarkEvalOptions o, CancellationToken ct)
    {
        var suite = LoadSuite(o.Benchmark);
        var envs = services.Envs();
        string label = BuiltInPolicies.Contains(o.Policy) ? o.Policy : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(o.Policy)));
        string outDir = o.OutDir ?? Path.Combine("benchmarks", $"{suite.Name}__{label}");
        if (!o.Resume && File.Exists(Path.Combine(outDir, "results.json")))
            throw new CliUsageException($"'{outDir}' already holds results; pass --resume to continue them, or choose another --out.");
        var videoRoutes = VideoRouteIds(o.VideoRoutes, suite);
        TextWriter notes = o.Json ? services.Err : services.Out;
        var (env, policy) = Build(services, envs, o, label);
        using var _ = env;
        using var __ = policy;
        var progress = CommandRunner.Progress(services, suite.Routes.Count, "routes", $"{suite.Name} ({policy.Name})");
        DrivingBenchmarkOutcome outcome;
        try
        {
            outcome = DrivingBenchmarkRunner.Run(new DrivingBenchmarkRequest(suite, outDir, o.Resume, videoRoutes, o.VideoSize)
            {
                Progress = progress,
                Log = new Logging.ProgressLogWriter(progress, notes),
            }, env, policy, ct);
        }
        catch (Scoring.ScoringFormatException e)
        {
            throw new CliUsageException($"--resume: {e.Message}");
        }
        finally
        {
            progress.Finish();
        }
        CommandRunner.ThrowIfInterrupted(ct,
            $"benchmark interrupted; {outcome.RoutesDone} of {outcome.RoutesTotal} routes are in {outcome.ResultsPath}. Continue with the same command and --resume.");
        foreach (var v in outcome.Videos) notes.WriteLine($"video: {v}");
        notes.WriteLine($"wrote {outcome.ResultsPath}, {outcome.MarkdownPath}" + (outcome.NuPlanPath is { } n ? $" and {n}" : ""));
        if (o.Json) services.Out.WriteLine(File.ReadAllText(outcome.ResultsPath));
        else services.Out.Write(File.ReadAllText(outcome.MarkdownPath));
        return ExitCodes.Ok;
    }

    /// <summary>A shipped suite by name, or a suite file by path.</summary>
    internal static DrivingSuite LoadSuite(string benchmark)
    {
        try
        {
            if (benchmark.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || File.Exists(benchmark))
                return DrivingSuite.Load(benchmark);
            return DrivingData.Suite(benchmark);
        }
        catch (Exception e) when (e is FormatException or IOException or KeyNotFoundException or ArgumentException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--benchmark '{benchmark}': {e.Message}");
        }
    }

    private static HashSet<string> VideoRouteIds(string? spec, DrivingSuite suite)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(spec) || spec == "none") return ids;
        if (spec == "all")
        {
            ids.UnionWith(suite.Routes.Select(r => r.Id));
            return ids;
        }
        foreach (string part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!suite.Routes.Any(r => r.Id == part))
                throw new CliUsageException($"--video-routes: suite '{suite.Name}' has no route '{part}' (routes: {string.Join(", ", suite.Routes.Take(8).Select(r => r.Id))}{(suite.Routes.Count > 8 ? ", ..." : "")}).");
            ids.Add(part);
        }
        return ids;
    }

    private static (IVectorEnv Env, IBenchmarkPolicy Policy) Build(CliServices services, EnvRegistry envs, BenchmarkEvalOptions o, string label)
    {
        string envId = o.EnvId ?? DrivingEnv.EnvId;
        if (BuiltInPolicies.Contains(o.Policy))
        {
            if (!DrivingEnvs.Ids.Contains(envId)) throw new CliUsageException($"--env '{envId}' is not a driving env ({string.Join(", ", DrivingEnvs.Ids)}).");
            var env = VectorEnvFactory.Create(() => envs.Make(envId), o.NumEnvs, threaded: o.NumEnvs > 1, workers: Math.Min(o.NumEnvs, Environment.ProcessorCount) - 1);
            IBenchmarkPolicy policy = o.Policy switch
            {
                "expert" => new ExpertBenchmarkPolicy(o.NumEnvs),
                "random" => new RandomBenchmarkPolicy(o.NumEnvs),
                _ => new ConstantThrottlePolicy(0.5f),
            };
            return (env, policy);
        }
        var target = RunDirectory.ResolveResume(o.Policy, "eval --benchmark", services.Err);
        CheckpointMeta meta;
        try
        {
            meta = PpoCheckpoint.ReadMeta(target.CheckpointDir);
        }
        catch (InvalidDataException e)
        {
            throw new CliUsageException(e.Message);
        }
        string trainedOn = o.EnvId ?? meta.EnvId;
        if (!DrivingEnvs.Ids.Contains(trainedOn))
            throw new CliUsageException($"--policy {o.Policy}: the checkpoint was trained on {meta.EnvId}, not on a driving env; pass --env with a driving env id to benchmark it anyway.");
        IVectorEnv venv;
        try
        {
            venv = AlgorithmEnvironment.BuildForEval(envs, meta.Config, trainedOn, o.NumEnvs);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"eval --benchmark: cannot build {trainedOn} as the checkpoint was trained: {e.Message}");
        }
        try
        {
            var ac = PpoCheckpoint.LoadPolicy(target.CheckpointDir, meta, venv.Spec);
            PpoCheckpoint.RestoreEnvState(venv, PpoCheckpoint.ReadState(target.CheckpointDir).Doubles);
            var actor = new PolicyActor(ac, venv.Buffers.ObservationSpace, 0xBE_AC_11UL, meta.Config.Device);
            return (venv, new CheckpointBenchmarkPolicy(label, actor, ac));
        }
        catch (InvalidDataException e)
        {
            venv.Dispose();
            throw new CliUsageException(e.Message);
        }
    }
}
