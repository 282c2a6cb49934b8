using ControlRL.Cli.Config;
using ControlRL.Cli.Hosting;
using ControlRL.Cli.Logging;
using ControlRL.Cli.Plotting;
using ControlRL.Cli.Runs;

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

/// <summary>Config resolution, run folder, sinks and progress around <see cref="ITrainerHost.Train"/>.</summary>
public static class TrainRunner
{
    public static int Run(CliServices services, TrainArgs args, CancellationToken ct)
    {
        ResumeTarget? resume = args.Resume is null ? null : RunDirectory.ResolveResume(args.Resume);
        string? baseConfig = resume?.RunDir is { } rd && File.Exists(Path.Combine(rd, RunDirectory.ConfigFileName))
            ? Path.Combine(rd, RunDirectory.ConfigFileName)
            : null;
        var resolved = ConfigLoader.Resolve(new ConfigRequest
        {
            ConfigFile = args.ConfigFile,
            Sets = args.Sets,
            Flags = args.Flags(),
            BaseConfigFile = baseConfig,
            ConfigRoot = services.ConfigRoot,
        });
        var config = resolved.Config;
        var envs = services.Envs();
        CommandRunner.RequireEnv(envs, config.EnvId);

        var run = resume?.RunDir is { } existing
            ? RunDirectory.Open(existing)
            : RunDirectory.Create(args.RunParent, config.EnvId, config.Seed, services.Now(), config.Algo);
        ConfigWriter.Write(config, run.ConfigPath, resolved.Sources);
        services.Out.WriteLine($"run: {run.Root}");
        services.Out.WriteLine($"algo: {config.Algo}");
        services.Out.WriteLine($"config: {string.Join(" < ", resolved.Sources)}");
        if (resume is not null) services.Out.WriteLine($"resume from: {resume.CheckpointDir}");

        var mode = !services.InteractiveConsole ? ProgressMode.Plain
            : args.NoProgress || Console.IsErrorRedirected ? ProgressMode.Plain : ProgressMode.Bar;
        var progress = new ConsoleProgress(config.TotalTimesteps, services.Err, mode);
        int code;
        using (var metrics = MetricsSinks.ForRun(run))
        {
            try
            {
                code = services.Trainer.Train(
                    new TrainRequest(config, run, resume?.CheckpointDir, envs, metrics, progress, services.Out), ct);
            }
            finally
            {
                progress.Finish();
                metrics.Flush();
            }
        }
        DrawLearningCurve(services, run);
        return code;
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
