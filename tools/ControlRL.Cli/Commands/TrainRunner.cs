using ControlRL.Cli.Config;
using ControlRL.Cli.Hosting;
using ControlRL.Cli.Logging;
using ControlRL.Cli.Plotting;
using ControlRL.Cli.Runs;
using ControlRL.Learning.Algorithms;

namespace ControlRL.Cli.Commands;

/// <summary>The parsed <c>train</c> command line.</summary>
public sealed record TrainArgs
{
    /// <summary>--algo; null leaves it to the configs (default ppo).</summary>
    public string? Algo { get; init; }
    public string? EnvId { get; init; }
    public long? TotalTimesteps { get; init; }
    public ulong? Seed { get; init; }
    public int? NumEnvs { get; init; }
    public string? ConfigFile { get; init; }
    public IReadOnlyList<string> Sets { get; init; } = [];
    public string? Resume { get; init; }
    public string RunParent { get; init; } = "runs";
    public string? Device { get; init; }
    public bool NoProgress { get; init; }
    public string? Curriculum { get; init; }

    /// <summary>The explicit flags as config keys (only those given).</summary>
    public Dictionary<string, object?> Flags()
    {
        var f = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Algo is not null) f["algo"] = Algo;
        if (EnvId is not null) f["env_id"] = EnvId;
        if (TotalTimesteps is { } t) f["total_timesteps"] = t;
        if (Seed is { } s) f["seed"] = s;
        if (NumEnvs is { } n) f["num_envs"] = n;
        if (Device is not null) f["device"] = Device;
        if (Curriculum is not null) f["curriculum"] = Curriculum;
        return f;
    }
}

/// <summary>
/// Config resolution, run folder, lock, sinks and progress around <see cref="ITrainerHost.Train"/>. Everything the
/// user gave is checked before anything is written: the run folder, config.yaml and the logs come into being only
/// when the host calls <see cref="TrainRequest.Begin"/>, after it built the env and restored any checkpoint.
/// </summary>
public static class TrainRunner
{
    public static int Run(CliServices services, TrainArgs args, CancellationToken ct)
    {
        // A resumed run's settings come from the checkpoint itself (config.yaml is a readable copy that may be
        // missing or edited); flags, --set and --config still override them.
        VerifiedCheckpoint? checkpoint = null;
        string? resumeRun = null;
        if (args.Resume is not null) (checkpoint, resumeRun) = CheckpointCatalog.Resolve(args.Resume, services.Err, "--resume");
        var resolved = ConfigLoader.Resolve(new ConfigRequest
        {
            ConfigFile = args.ConfigFile,
            Sets = args.Sets,
            Flags = args.Flags(),
            BaseConfig = checkpoint?.Meta.Config,
            BaseConfigSource = checkpoint is null ? "" : $"checkpoint {Path.GetFileName(checkpoint.Dir)}",
            ConfigRoot = services.ConfigRoot,
        });
        var config = resolved.Config;
        if (checkpoint is not null) RequireResumable(checkpoint, config);
        var envs = services.Envs();
        CommandRunner.RequireEnv(envs, config.EnvId);

        RunLock? held = null;
        var run = resumeRun is not null
            ? RunDirectory.Open(resumeRun)
            : RunDirectory.Plan(args.RunParent, config.EnvId, config.Seed, services.Now(), config.Algo);
        if (resumeRun is not null) held = RunLock.Acquire(run.Root, services.Err);

        var mode = !services.InteractiveConsole ? ProgressMode.Plain
            : args.NoProgress || Console.IsErrorRedirected ? ProgressMode.Plain : ProgressMode.Bar;
        var progress = new ConsoleProgress(config.TotalTimesteps, services.Err, mode);
        var metrics = new RunMetricsSink();
        bool begun = false;
        void Begin()
        {
            if (begun) throw new InvalidOperationException("TrainRequest.Begin was called twice.");
            begun = true;
            run.EnsureLayout();
            held ??= RunLock.Acquire(run.Root, services.Err);
            ConfigWriter.Write(config, run.ConfigPath, resolved.Sources);
            long? resumedAt = resumeRun is not null ? checkpoint!.Step : null;
            if (resumedAt is { } at)
            {
                int recovered = run.RecoverCheckpoints();
                if (recovered > 0) services.Err.WriteLine($"note: cleaned up {recovered} checkpoint write(s) cut short by the previous process.");
                var moved = run.SupersedeCheckpointsAfter(at);
                if (moved.Count > 0)
                    services.Err.WriteLine($"note: {string.Join(", ", moved)} came after the resumed checkpoint; moved aside to checkpoints/.superseded-* (kept, not used).");
            }
            metrics.Open(MetricsSinks.ForRun(run, resumedAt, services.Out));
            services.Out.WriteLine($"run: {run.Root}");
            services.Out.WriteLine($"algo: {config.Algo}");
            services.Out.WriteLine($"config: {string.Join(" < ", resolved.Sources)}");
            if (checkpoint is not null)
            {
                services.Out.WriteLine($"resume from: {checkpoint.Dir} (step {checkpoint.Meta.GlobalStep:N0})");
                foreach (string change in Changes(checkpoint.Meta.Config, config)) services.Out.WriteLine($"changed on resume: {change}");
            }
        }

        int code;
        try
        {
            code = services.Trainer.Train(new TrainRequest(config, run, checkpoint?.Dir, envs, metrics, progress, services.Out)
            {
                Begin = Begin,
                LoggingFailure = () => metrics.Failure,
            }, ct);
        }
        finally
        {
            progress.Finish();
            metrics.Flush();
            metrics.Dispose();
            held?.Dispose();
        }
        if (begun) DrawLearningCurve(services, run);
        return code;
    }

    // Env and algorithm belong to the checkpoint; another one is a new run, not a resume.
    private static void RequireResumable(VerifiedCheckpoint checkpoint, AlgorithmConfig config)
    {
        var meta = checkpoint.Meta;
        if (meta.EnvId != config.EnvId)
            throw new CliUsageException($"--resume: {Path.GetFileName(checkpoint.Dir)} was trained on {meta.EnvId}; it cannot continue on {config.EnvId} (start a new run, or drop --env).");
        if (meta.Algorithm != config.Algo)
            throw new CliUsageException($"--resume: {Path.GetFileName(checkpoint.Dir)} was trained with {meta.Algorithm}; it cannot continue with {config.Algo}.");
    }

    // "key: old -> new" for each setting that differs from the checkpoint's.
    private static IEnumerable<string> Changes(AlgorithmConfig before, AlgorithmConfig after)
    {
        var keys = ConfigKeys.For(after);
        foreach (string key in keys.All)
        {
            string a = ConfigWriter.Format(keys.Get(before, key)), b = ConfigWriter.Format(keys.Get(after, key));
            if (a != b) yield return $"{key}: {a} -> {b}";
        }
    }

    private static void DrawLearningCurve(CliServices services, RunDirectory run)
    {
        if (!File.Exists(run.ProgressCsvPath)) return;
        try
        {
            LearningCurvePlot.RenderRun(run.ProgressCsvPath, run.LearningCurvePath, Path.GetFileName(run.Root));
            services.Out.WriteLine($"learning curve: {run.LearningCurvePath}");
        }
        catch (CliUsageException ex)
        {
            services.Err.WriteLine($"note: no learning curve drawn: {ex.Message}");
        }
    }
}
