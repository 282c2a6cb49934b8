using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ControlRL.Cli.Hosting;
using ControlRL.Cli.Logging;
using ControlRL.Cli.Runs;

namespace ControlRL.Cli.Commands;

/// <summary><c>controlrl eval &lt;checkpoint&gt;</c>: runs episodes with a trained policy and prints the returns.</summary>
public static class EvalCommand
{
    public static Command Create(CliServices services)
    {
        var checkpoint = new Argument<string?>("checkpoint") { Description = "A checkpoint directory, or a run directory (its latest checkpoint). Not with --benchmark (use --policy).", Arity = ArgumentArity.ZeroOrOne };
        var episodes = new Option<int>("--episodes", "-n") { Description = "Episodes to run.", DefaultValueFactory = _ => 10 }
            .WholeNumber(1, MaxEpisodes);
        var seed = new Option<ulong>("--seed", "-s") { Description = "Seed of the first episode; episode i uses seed + i.", DefaultValueFactory = _ => 0 }
            .WholeNumber(0);
        var deterministic = new Option<bool>("--deterministic") { HelpName = "true|false", Description = "Act with the policy's mean action; --deterministic false samples actions. [default: true]", DefaultValueFactory = _ => true };
        var env = new Option<string?>("--env", "-e") { HelpName = "id", Description = "Evaluate on this env id instead of the checkpoint's." };
        var video = new Option<string?>("--video") { HelpName = "file.mp4", Description = "Record the first --video-episodes episodes to this .mp4 file (the env must render video frames; docs/cli.md)." };
        var videoEpisodes = new Option<int>("--video-episodes") { Description = "With --video: how many episodes, from the first, the video shows (at most --episodes).", DefaultValueFactory = _ => 1 }
            .WholeNumber(1, MaxEpisodes);
        var videoSize = new Option<string?>("--video-size") { HelpName = "WxH", Description = "With --video: frame size WxH (even sides, e.g. 600x400); default: the env's render size." };
        var json = new Option<bool>("--json") { Description = "Print the results as one JSON document on stdout (per-episode lines and notes go to stderr)." };
        var testTasks = new Option<int>("--test-tasks") { Description = "Parameterized envs: one episode on each of N tasks drawn uniformly from the task space (a fixed test set; teachDeepRL uses 50). Replaces --episodes; 0: off.", DefaultValueFactory = _ => 0 }
            .WholeNumber(0, MaxEpisodes);
        var testSeed = new Option<ulong>("--test-seed") { Description = "Seed of the test set's tasks.", DefaultValueFactory = _ => 42 }
            .WholeNumber(0);
        var allCheckpoints = new Option<bool>("--all-checkpoints") { Description = "Evaluate every checkpoint of the run, in step order; writes <run>/eval_over_steps.csv and plots/eval_over_steps.png (with --test-tasks: % mastered over steps)." };
        var mastered = new Option<double>("--mastered") { Description = "With --test-tasks: a task is mastered when its return exceeds this.", DefaultValueFactory = _ => 230 }
            .FiniteNumber();

        var benchmark = new Option<string?>("--benchmark") { HelpName = "suite", Description = "Drive a driving benchmark suite instead of episodes: a shipped suite (quick, heldout36, training) or a suite .json file. Writes CARLA Leaderboard 2.0 results (docs/driving.md)." };
        var policy = new Option<string?>("--policy") { HelpName = "run|checkpoint|expert|random|constant", Description = "With --benchmark: who drives — a run or checkpoint directory, the rule-based expert, uniform random actions, or constant throttle straight ahead." };
        var outDir = new Option<string?>("--out") { HelpName = "dir", Description = "With --benchmark: the results folder (default benchmarks/<suite>__<policy>)." };
        var resume = new Option<bool>("--resume") { Description = "With --benchmark: continue the interrupted results in --out at the first unfinished route (the leaderboard's --resume)." };
        var numEnvs = new Option<int>("--num-envs") { Description = "With --benchmark: routes driven at once (sub-envs on threads).", DefaultValueFactory = _ => 2 }
            .WholeNumber(1, 256);
        var videoRoutes = new Option<string?>("--video-routes") { HelpName = "ids|all", Description = "With --benchmark: record these routes (comma-separated route ids, or all) to <out>/videos/<route>.mp4 (BEV colour view; size from --video-size WxW, default 512)." };

        var cmd = new Command("eval", """
            Evaluate a trained policy: run N episodes and report the mean ± std episodic return and length.
            Progress (episodes, and checkpoints with --all-checkpoints) goes to stderr.
            Example: controlrl eval runs/Hopper-v5__ppo__1__20260101-120000 --episodes 20
            Driving benchmarks: controlrl eval --benchmark quick --policy expert   (then: controlrl score benchmarks/quick__expert/results.json)
            """)
        {
            checkpoint, episodes, seed, deterministic, env, video, videoEpisodes, videoSize, json, testTasks, testSeed, mastered, allCheckpoints,
            benchmark, policy, outDir, resume, numEnvs, videoRoutes,
        };
        cmd.SetAction(parse => CommandRunner.Run(services, ct =>
        {
            if (parse.GetValue(benchmark) is { } suite)
            {
                if (parse.GetValue(checkpoint) is not null)
                    throw new CliUsageException("--benchmark takes the policy from --policy, not from the checkpoint argument.");
                string who = parse.GetValue(policy) ?? throw new CliUsageException("--benchmark needs --policy <run|checkpoint|expert|random|constant>.");
                int side = VideoSize(parse.GetValue(videoSize), parse.GetValue(videoRoutes) ?? "") is var (w, h) && w > 0 ? (w == h ? w : throw new CliUsageException("--video-size: benchmark videos are square (e.g. 512x512).")) : 512;
                return Benchmarks.BenchmarkEval.Run(services, new Benchmarks.BenchmarkEvalOptions(suite, who, parse.GetValue(outDir), parse.GetValue(resume),
                    parse.GetValue(numEnvs), parse.GetValue(videoRoutes), side, parse.GetValue(json), parse.GetValue(env)), ct);
            }
            if (parse.GetValue(policy) is not null || parse.GetValue(outDir) is not null || parse.GetValue(resume) || parse.GetValue(videoRoutes) is not null)
                throw new CliUsageException("--policy, --out, --resume and --video-routes belong to --benchmark.");
            if (parse.GetValue(checkpoint) is null)
                throw new CliUsageException("eval needs a checkpoint or run directory (or --benchmark <suite> --policy <...>).");
            string? videoPath = parse.GetValue(video);
            var (videoWidth, videoHeight) = VideoSize(parse.GetValue(videoSize), videoPath);
            if (videoPath is not null && parse.GetValue(allCheckpoints))
                throw new CliUsageException("--video records one checkpoint's episodes; it cannot be combined with --all-checkpoints.");
            var target = RunDirectory.ResolveResume(parse.GetValue(checkpoint)!, "eval", services.Err);
            string? envId = parse.GetValue(env);
            var envs = services.Envs();
            if (envId is not null) CommandRunner.RequireEnv(envs, envId);
            bool asJson = parse.GetValue(json);
            int tasks = parse.GetValue(testTasks);
            int perCheckpoint = tasks > 0 ? tasks : parse.GetValue(episodes);
            // With --json, stdout is the JSON document alone: everything else goes to stderr.
            TextWriter notes = asJson ? services.Err : services.Out;
            var progress = CommandRunner.Progress(services, perCheckpoint, "episodes");
            using var log = new ProgressLogWriter(progress, notes);
            EvalResult Run(string checkpointDir)
            {
                var r = services.Evaluator.Evaluate(new EvalRequest(
                    checkpointDir, target.RunDir, parse.GetValue(episodes), parse.GetValue(seed),
                    parse.GetValue(deterministic), envId, envs, log,
                    tasks, parse.GetValue(testSeed), parse.GetValue(mastered),
                    videoPath, parse.GetValue(videoEpisodes), videoWidth, videoHeight) { Progress = progress }, ct);
                log.Flush();
                return r;
            }
            try
            {
                if (parse.GetValue(allCheckpoints))
                {
                    string run = target.RunDir ?? throw new CliUsageException("--all-checkpoints needs a run directory (or a checkpoint inside one).");
                    var all = RunDirectory.Checkpoints(run);
                    if (all.Count == 0) throw new CliUsageException($"run directory '{run}' has no checkpoint yet.");
                    // Damaged checkpoints are skipped with a note; the others are still evaluated.
                    var checkpoints = all.Where(c =>
                    {
                        if (CheckpointCatalog.TryVerify(c.Dir, c.Step, out string? why) is not null) return true;
                        services.Err.WriteLine($"eval: skipping damaged checkpoint {Path.GetFileName(c.Dir)}: {why}");
                        return false;
                    }).ToArray();
                    if (checkpoints.Length == 0) throw new CliUsageException($"none of the {all.Count} checkpoints of '{run}' is valid.");
                    progress.Phase($"checkpoint 1/{checkpoints.Length}", (long)checkpoints.Length * perCheckpoint);
                    var rows = new List<(long Step, EvalResult Result)>();
                    foreach (var (step, dir) in checkpoints)
                    {
                        progress.Label = string.Create(CultureInfo.InvariantCulture, $"checkpoint {rows.Count + 1}/{checkpoints.Length} (step {step:N0})");
                        progress.Offset = (long)rows.Count * perCheckpoint;
                        var r = Run(dir);
                        CommandRunner.ThrowIfInterrupted(ct,
                            $"eval --all-checkpoints stopped in checkpoint {rows.Count + 1} of {checkpoints.Length}; nothing written.");
                        rows.Add((step, r));
                        if (!asJson) progress.Message($"step {step}: {Summary(r).Replace("\n", "; ", StringComparison.Ordinal)}", services.Out);
                    }
                    progress.Finish();
                    var (csv, png) = Plotting.EvalOverSteps.Write(run, rows);
                    notes.WriteLine($"wrote {csv} and {png}");
                    var map = WriteTestTaskMap(notes, run, rows[^1].Step, rows[^1].Result);
                    if (asJson) services.Out.WriteLine(AllCheckpointsJson(run, rows, checkpoints.Select(c => c.Dir).ToArray(), csv, png, map));
                    return ExitCodes.Ok;
                }
                var result = Run(target.CheckpointDir);
                CommandRunner.ThrowIfInterrupted(ct,
                    $"eval stopped after {result.EpisodeReturns.Count} of {perCheckpoint} episodes; no result.");
                progress.Finish();
                services.Out.WriteLine(asJson ? ToJson(result, target.CheckpointDir) : Summary(result));
                if (target.RunDir is { } runDir)
                    WriteTestTaskMap(notes, runDir, RunDirectory.StepOf(target.CheckpointDir), result);
                return ExitCodes.Ok;
            }
            finally
            {
                log.Flush();
                progress.Finish();
            }
        }));
        return cmd;
    }

    // --video-size WxH (e.g. 600x400); (0, 0) keeps the env's render size.
    private static (int Width, int Height) VideoSize(string? text, string? videoPath)
    {
        if (text is null) return (0, 0);
        if (videoPath is null) throw new CliUsageException("--video-size needs --video <file.mp4>.");
        string[] parts = text.Trim().Split('x', 'X');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            && w > 0 && h > 0)
            return (w, h);
        throw new CliUsageException($"--video-size '{text}' is not WIDTHxHEIGHT in pixels (e.g. 600x400).");
    }

    /// <summary>Upper bound of --episodes and --test-tasks.</summary>
    internal const int MaxEpisodes = 1_000_000;

    // With a test set, the per-task results of the (last) evaluated checkpoint go next to the run's other outputs;
    // the note says where (on stderr with --json, whose stdout is the JSON document alone).
    private static (string Csv, string Png)? WriteTestTaskMap(TextWriter notes, string runDir, long step, EvalResult r)
    {
        if (r.Tasks is null) return null;
        var (csv, png) = Plotting.TestTaskMap.Write(runDir, step, r);
        notes.WriteLine($"wrote {csv} and {png}");
        return (csv, png);
    }

    internal static string Summary(EvalResult r)
    {
        var (mean, std) = MeanStd(r.EpisodeReturns);
        var (lmean, _) = MeanStd(r.EpisodeLengths.Select(x => (double)x).ToArray());
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{r.EnvId}: {r.EpisodeReturns.Count} episodes, return {mean:0.00} ± {std:0.00} (min {r.EpisodeReturns.DefaultIfEmpty().Min():0.00}, max {r.EpisodeReturns.DefaultIfEmpty().Max():0.00}), mean length {lmean:0.0}");
        foreach (var (name, values) in r.Info)
        {
            if (values.Count > 0)
                line += string.Create(CultureInfo.InvariantCulture, $"\n{name}: mean {values.Average():0.###} over {values.Count} episodes");
        }
        foreach (var g in r.Events.GroupBy(e => e.Kind))
            line += string.Create(CultureInfo.InvariantCulture, $"\n{g.Key}: {g.Count()} events in {r.EpisodeReturns.Count} episodes");
        if (r.MasteredFraction is double f)
            line += string.Create(CultureInfo.InvariantCulture, $"\nmastered: {100 * f:0.0}% of {r.EpisodeReturns.Count} test tasks (return > {r.MasteredReturn:0.##})");
        return line;
    }

    internal static string ToJson(EvalResult r, string checkpoint) =>
        JsonSerializer.Serialize(JsonFields(r, checkpoint), JsonOptions);

    /// <summary>eval --all-checkpoints --json: the run, each checkpoint's step and results, and the files written.</summary>
    internal static string AllCheckpointsJson(string run, IReadOnlyList<(long Step, EvalResult Result)> rows, IReadOnlyList<string> dirs,
        string csv, string png, (string Csv, string Png)? testTaskMap) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["run"] = run,
            ["checkpoints"] = rows.Select((row, i) =>
            {
                var fields = new Dictionary<string, object?> { ["step"] = row.Step };
                foreach (var (k, v) in JsonFields(row.Result, dirs[i])) fields[k] = v;
                return fields;
            }).ToArray(),
            ["eval_over_steps_csv"] = csv,
            ["eval_over_steps_png"] = png,
            ["test_tasks_csv"] = testTaskMap?.Csv,
            ["test_tasks_png"] = testTaskMap?.Png,
        }, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private static Dictionary<string, object?> JsonFields(EvalResult r, string checkpoint)
    {
        var (mean, std) = MeanStd(r.EpisodeReturns);
        return new Dictionary<string, object?>
        {
            ["env_id"] = r.EnvId,
            ["checkpoint"] = checkpoint,
            ["episodes"] = r.EpisodeReturns.Count,
            ["mean_return"] = mean,
            ["std_return"] = std,
            ["returns"] = r.EpisodeReturns,
            ["lengths"] = r.EpisodeLengths,
            ["tasks"] = r.Tasks,
            ["mastered_fraction"] = r.MasteredFraction,
            ["info"] = r.Info,
            ["events"] = r.Events.Select(e => new Dictionary<string, object> { ["episode"] = e.Episode, ["kind"] = e.Kind, ["x"] = e.X, ["y"] = e.Y, ["value"] = e.Value }).ToArray(),
        };
    }

    private static (double Mean, double Std) MeanStd(IReadOnlyList<double> xs)
    {
        if (xs.Count == 0) return (double.NaN, double.NaN);
        double m = xs.Average();
        return (m, Math.Sqrt(xs.Select(x => (x - m) * (x - m)).Average()));
    }
}
