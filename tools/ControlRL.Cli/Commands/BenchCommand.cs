using System.CommandLine;
using System.Globalization;
using System.Text;
using ControlRL.Cli.Bench;
using ControlRL.Cli.Config;
using ControlRL.Learning.Ppo;
using ControlRL.Cli.Hosting;
using ControlRL.Cli.Logging;

namespace ControlRL.Cli.Commands;

/// <summary><c>controlrl bench env|ppo|cnn|ppo-update|...</c>: throughput measurements, printed as a table.</summary>
public static class BenchCommand
{
    public static Command Create(CliServices services) =>
        new("bench", "Measure env stepping and PPO training throughput (steps per second).") { EnvBench(services), PpoBench(services), CnnBench(services), PpoUpdateBench.Create(services), RenderBench.Create(services), DrivingBench.Create(services) };

    private static Command EnvBench(CliServices services)
    {
        var id = new Argument<string>("id") { Description = "Env id to step with random actions." };
        var steps = new Option<long>("--steps") { Description = "Env steps to time per case, after an untimed warm-up (a tenth, at most 5000; on a MuJoCo task also a full-length untimed pass that records the trajectory the native loop replays).", DefaultValueFactory = _ => 100_000 }
            .WholeNumber(1);
        var threads = new Option<string>("--threads") { HelpName = "N,N,...", Description = $"Comma-separated worker thread counts to compare, e.g. 1,2,4 (each from 1 to {MaxThreads}).", DefaultValueFactory = _ => "1,2" };
        var numEnvs = new Option<int>("--num-envs", "-n") { Description = "Sub-envs in the vector env.", DefaultValueFactory = _ => 8 }
            .WholeNumber(1, TrainCommand.MaxEnvs);
        var seed = new Option<ulong>("--seed", "-s") { Description = "Seed of the random actions and of the env resets.", DefaultValueFactory = _ => 1 }
            .WholeNumber(0);
        var cmd = new Command("env", """
            Env steps per second with random actions: one env through IEnv.Step (on a MuJoCo task after a raw native
            mj_step loop replaying the same trajectory), then the vector env for each thread count. Each case reports
            wall-clock and, for single-thread cases, CPU time of the stepping thread; ratios are to the first row.
            """) { id, steps, threads, numEnvs, seed };
        cmd.SetAction(parse => CommandRunner.Run(services, ct =>
        {
            string envId = parse.GetValue(id)!;
            var counts = ParseThreads(parse.GetValue(threads)!);
            var envs = services.Envs();
            CommandRunner.RequireEnv(envs, envId);
            var progress = CommandRunner.Progress(services, parse.GetValue(steps), "steps");
            var rows = Interruptible(ct, "bench env", progress, () => services.Benchmarks.BenchEnv(
                new EnvBenchRequest(envId, parse.GetValue(steps), parse.GetValue(numEnvs), counts, parse.GetValue(seed), envs) { Progress = progress }, ct));
            services.Out.Write(FormatRows(rows));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command PpoBench(CliServices services)
    {
        var id = new Argument<string>("id") { Description = "Env id to train on." };
        var updates = new Option<int>("--updates") { Description = "PPO updates (rollout + optimisation) to time, after one untimed warm-up update.", DefaultValueFactory = _ => 3 }
            .WholeNumber(1, 100_000);
        var numEnvs = new Option<int?>("--num-envs", "-n") { Description = "Sub-envs (overrides the configs)." }
            .WholeNumber(1, TrainCommand.MaxEnvs);
        var config = new Option<string?>("--config", "-c") { HelpName = "file.yaml", Description = "YAML file of config keys, as for train." };
        var set = SharedOptions.Set();
        var device = SharedOptions.Device();
        var cmd = new Command("ppo", "PPO training steps per second with the config train would use (configs/ppo/<env>.yaml, --config, --set).")
        {
            id, updates, numEnvs, config, set, device,
        };
        cmd.SetAction(parse => CommandRunner.Run(services, ct =>
        {
            int u = parse.GetValue(updates);
            var flags = new Dictionary<string, object?> { ["algo"] = "ppo", ["env_id"] = parse.GetValue(id)! };
            if (parse.GetValue(numEnvs) is { } ne) flags["num_envs"] = ne;
            if (parse.GetValue(device) is { } dev) flags["device"] = dev;
            var resolved = ConfigLoader.Resolve(new ConfigRequest
            {
                ConfigFile = parse.GetValue(config),
                Sets = parse.GetValue(set) ?? [],
                Flags = flags,
                ConfigRoot = services.ConfigRoot,
            });
            var envs = services.Envs();
            CommandRunner.RequireEnv(envs, resolved.Config.EnvId);
            var ppo = (PpoConfig)resolved.Config;
            var progress = CommandRunner.Progress(services, (long)ppo.BatchSize * (u + 1), "steps");
            var rows = Interruptible(ct, "bench ppo", progress, () => services.Benchmarks.BenchPpo(new PpoBenchRequest(ppo, u, envs) { Progress = progress }, ct));
            services.Out.Write(FormatRows(rows));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command CnnBench(CliServices services)
    {
        var batch = new Option<int>("--batch") { Description = "Minibatch rows per update step.", DefaultValueFactory = _ => 256 }.WholeNumber(1, 65_536);
        var threads = new Option<int>("--threads") { Description = "Intra-op threads for both frameworks.", DefaultValueFactory = _ => 2 }.WholeNumber(1, MaxThreads);
        var steps = new Option<int>("--steps") { Description = "Timed update steps per round.", DefaultValueFactory = _ => 10 }.WholeNumber(1, 1_000_000);
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps before each round.", DefaultValueFactory = _ => 3 }.WholeNumber(0, 1_000_000);
        var rounds = new Option<int>("--rounds") { Description = "Rounds, alternating frameworks; the best round of each is reported.", DefaultValueFactory = _ => 2 }.WholeNumber(1, 1000);
        var head = new Option<string>("--head") { Description = "Action head: gaussian or beta (3 actions in [-1, 1]).", DefaultValueFactory = _ => "gaussian" };
        head.OneOf("gaussian", "beta");
        var size = new Option<int>("--size") { Description = "Frame height and width (the Nature CNN needs 36 or more).", DefaultValueFactory = _ => 64 }.WholeNumber(36, 1024);
        var channels = new Option<int>("--channels") { Description = "Stacked grayscale frames.", DefaultValueFactory = _ => 4 }.WholeNumber(1, 64);
        var python = new Option<string?>("--torch-python") { HelpName = "python", Description = "Python with PyTorch (e.g. /usr/bin/python3) to run tools/bench/cnn_update.py for comparison." };
        var script = new Option<string?>("--script") { HelpName = "cnn_update.py", Description = "Path of cnn_update.py (default: found above the working folder)." };
        var cmd = new Command("cnn", "PPO minibatch update of a Nature-CNN policy (uint8 frames, FlatAdam), samples per second; with --torch-python also PyTorch's and the ratio.")
        {
            batch, threads, steps, warmup, rounds, head, size, channels, python, script,
        };
        cmd.SetAction(parse => CommandRunner.Run(services, ct =>
        {
            var request = new CnnBenchRequest(parse.GetValue(batch), parse.GetValue(threads), parse.GetValue(steps), parse.GetValue(warmup),
                parse.GetValue(head)!, parse.GetValue(size), parse.GetValue(channels), parse.GetValue(rounds), parse.GetValue(python), parse.GetValue(script));
            if (request.Script is { } path && !File.Exists(path)) throw new CliUsageException($"--script: '{path}' does not exist.");
            if (request.TorchPython is { } py && !IsExecutable(py))
                throw new CliUsageException($"--torch-python: '{py}' is neither a file nor a program on PATH.");
            var progress = CommandRunner.Progress(services, request.Warmup + request.Steps, "update steps");
            using var log = new ProgressLogWriter(progress, services.Err);
            var results = Interruptible(ct, "bench cnn", progress, () => CnnUpdateBench.Run(request, log, ct, progress));
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"Nature CNN PPO update, {request.Batch} x {request.Size}x{request.Size}x{request.Channels} uint8, {request.Head} head, {request.Steps} steps x {request.Rounds} rounds\n");
            sb.Append(CultureInfo.InvariantCulture, $"{"framework",-11} {"version",-28} {"threads",7} {"samples/s",10}\n");
            foreach (var r in results)
                sb.Append(CultureInfo.InvariantCulture, $"{r.Framework,-11} {r.Version,-28} {r.Threads,7} {r.SamplesPerSecond,10:0.0}\n");
            if (results.Count > 1)
                sb.Append(CultureInfo.InvariantCulture, $"ratio torchsharp/pytorch: {results[0].SamplesPerSecond / results[1].SamplesPerSecond:0.00}\n");
            services.Out.Write(sb.ToString());
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    /// <summary>A path to an existing file, or a bare program name found on PATH.</summary>
    private static bool IsExecutable(string program) =>
        program.Contains(Path.DirectorySeparatorChar) || program.Contains('/')
            ? File.Exists(program)
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(dir => File.Exists(Path.Combine(dir, program)));

    /// <summary>Upper bound of a worker or intra-op thread count.</summary>
    internal const int MaxThreads = 1024;

    /// <summary>
    /// Runs a measurement; when Ctrl+C stops it (the host throws, or returns early), nothing partial is returned:
    /// the command reports the interruption and exits with <see cref="ExitCodes.Interrupted"/>.
    /// </summary>
    private static T Interruptible<T>(CancellationToken ct, string what, ConsoleProgress progress, Func<T> measure)
    {
        string message = $"{what} stopped before the end; no result.";
        T result;
        try
        {
            result = measure();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new CommandInterruptedException(message, ct);
        }
        finally
        {
            progress.Finish();
        }
        CommandRunner.ThrowIfInterrupted(ct, message);
        return result;
    }

    /// <summary>"1,2,4" -> [1, 2, 4]; anything else is a usage error.</summary>
    public static int[] ParseThreads(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new CliUsageException("--threads: give at least one thread count, e.g. 1,2.");
        return parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v is >= 1 and <= MaxThreads
            ? v
            : throw new CliUsageException($"--threads: '{p}' is not a thread count from 1 to {MaxThreads} (expected e.g. 1,2,4).")).ToArray();
    }

    /// <summary>
    /// The table: case, threads, steps, wall seconds and steps/s, and where known CPU seconds of the stepping thread
    /// and steps per CPU second; then each row's ratio to the first, by wall-clock and by CPU time, and the rows' notes.
    /// </summary>
    public static string FormatRows(IReadOnlyList<BenchmarkRow> rows)
    {
        int width = Math.Max(4, rows.Count == 0 ? 0 : rows.Max(r => r.Case.Length));
        bool cpu = rows.Any(r => r.CpuSeconds is not null);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{"case".PadRight(width)} {"threads",7} {"steps",12} {"seconds",9} {"steps/s",12}");
        sb.Append(cpu ? $" {"cpu s",9} {"steps/cpu s",12}\n" : "\n");
        foreach (var r in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{r.Case.PadRight(width)} {r.Threads,7} {r.Steps,12:N0} {r.Seconds,9:0.00} {r.StepsPerSecond,12:N0}");
            if (cpu)
            {
                sb.Append(r.CpuSeconds is { } c
                    ? string.Create(CultureInfo.InvariantCulture, $" {c,9:0.00} {r.StepsPerCpuSecond,12:N0}")
                    : $" {"-",9} {"-",12}");
            }
            sb.Append('\n');
        }
        if (rows.Count > 1 && rows[0].StepsPerSecond > 0)
        {
            sb.Append("ratios to the first row, wall-clock:");
            foreach (var r in rows.Skip(1)) sb.Append(CultureInfo.InvariantCulture, $" {r.StepsPerSecond / rows[0].StepsPerSecond:0.00}");
            sb.Append('\n');
            if (rows[0].StepsPerCpuSecond is { } first)
            {
                sb.Append("ratios to the first row, thread CPU time:");
                foreach (var r in rows.Skip(1))
                    sb.Append(r.StepsPerCpuSecond is { } x ? string.Create(CultureInfo.InvariantCulture, $" {x / first:0.00}") : " -");
                sb.Append('\n');
            }
        }
        foreach (var r in rows)
        {
            if (r.Note is not null) sb.Append(r.Note).Append('\n');
        }
        return sb.ToString();
    }
}
