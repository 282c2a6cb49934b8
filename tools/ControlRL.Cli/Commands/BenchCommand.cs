using System.CommandLine;
using System.Globalization;
using System.Text;
using ControlRL.Cli.Bench;
using ControlRL.Cli.Config;
using ControlRL.Learning.Ppo;
using ControlRL.Cli.Hosting;

namespace ControlRL.Cli.Commands;

/// <summary><c>controlrl bench env|ppo|cnn</c>: throughput measurements, printed as a table.</summary>
public static class BenchCommand
{
    public static Command Create(CliServices services) =>
        new("bench", "Measure env stepping and PPO training throughput (steps per second).") { EnvBench(services), PpoBench(services), CnnBench(services), RenderBench.Create(services) };

    private static Command EnvBench(CliServices services)
    {
        var id = new Argument<string>("id") { Description = "Env id to step with random actions." };
        var steps = new Option<long>("--steps") { Description = "Env steps to time per case.", DefaultValueFactory = _ => 100_000 };
        var threads = new Option<string>("--threads") { Description = "Comma-separated worker thread counts to compare, e.g. 1,2,4.", DefaultValueFactory = _ => "1,2" };
        var numEnvs = new Option<int>("--num-envs", "-n") { Description = "Sub-envs in the vector env.", DefaultValueFactory = _ => 8 };
        var seed = new Option<ulong>("--seed", "-s") { Description = "Seed.", DefaultValueFactory = _ => 1 };
        var cmd = new Command("env", "Env steps per second with random actions, for each thread count.") { id, steps, threads, numEnvs, seed };
        cmd.SetAction(parse => CommandRunner.Run(services, ct =>
        {
            string envId = parse.GetValue(id)!;
            long n = parse.GetValue(steps);
            int envCount = parse.GetValue(numEnvs);
            if (n < 1) throw new CliUsageException($"--steps must be >= 1 (got {n}).");
            if (envCount < 1) throw new CliUsageException($"--num-envs must be >= 1 (got {envCount}).");
            var counts = ParseThreads(parse.GetValue(threads)!);
            var envs = services.Envs();
            CommandRunner.RequireEnv(envs, envId);
            var rows = services.Benchmarks.BenchEnv(new EnvBenchRequest(envId, n, envCount, counts, parse.GetValue(seed), envs), ct);
            services.Out.Write(FormatRows(rows));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command PpoBench(CliServices services)
    {
        var id = new Argument<string>("id") { Description = "Env id to train on." };
        var updates = new Option<int>("--updates") { Description = "PPO updates (rollout + optimisation) to time.", DefaultValueFactory = _ => 3 };
        var numEnvs = new Option<int?>("--num-envs", "-n") { Description = "Sub-envs (overrides the configs)." };
        var config = new Option<string?>("--config", "-c") { Description = "YAML hyperparameter file, as for train." };
        var set = SharedOptions.Set();
        var device = SharedOptions.Device();
        var cmd = new Command("ppo", "PPO training steps per second with the config train would use (configs/ppo/<env>.yaml, --config, --set).")
        {
            id, updates, numEnvs, config, set, device,
        };
        cmd.SetAction(parse => CommandRunner.Run(services, ct =>
        {
            int u = parse.GetValue(updates);
            if (u < 1) throw new CliUsageException($"--updates must be >= 1 (got {u}).");
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
            var rows = services.Benchmarks.BenchPpo(new PpoBenchRequest((PpoConfig)resolved.Config, u, envs), ct);
            services.Out.Write(FormatRows(rows));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command CnnBench(CliServices services)
    {
        var batch = new Option<int>("--batch") { Description = "Minibatch rows per update step.", DefaultValueFactory = _ => 256 };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads for both frameworks.", DefaultValueFactory = _ => 2 };
        var steps = new Option<int>("--steps") { Description = "Timed update steps per round.", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps before each round.", DefaultValueFactory = _ => 3 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds, alternating frameworks; the best round of each is reported.", DefaultValueFactory = _ => 2 };
        var head = new Option<string>("--head") { Description = "Action head: gaussian or beta (3 actions in [-1, 1]).", DefaultValueFactory = _ => "gaussian" };
        var size = new Option<int>("--size") { Description = "Frame height and width.", DefaultValueFactory = _ => 64 };
        var channels = new Option<int>("--channels") { Description = "Stacked grayscale frames.", DefaultValueFactory = _ => 4 };
        var python = new Option<string?>("--torch-python") { Description = "Python with PyTorch (e.g. /usr/bin/python3) to run tools/bench/cnn_update.py for comparison." };
        var script = new Option<string?>("--script") { Description = "Path of cnn_update.py (default: found above the working folder)." };
        var cmd = new Command("cnn", "PPO minibatch update of a Nature-CNN policy (uint8 frames, FlatAdam), samples per second; with --torch-python also PyTorch's and the ratio.")
        {
            batch, threads, steps, warmup, rounds, head, size, channels, python, script,
        };
        cmd.SetAction(parse => CommandRunner.Run(services, ct =>
        {
            var request = new CnnBenchRequest(parse.GetValue(batch), parse.GetValue(threads), parse.GetValue(steps), parse.GetValue(warmup),
                parse.GetValue(head)!, parse.GetValue(size), parse.GetValue(channels), parse.GetValue(rounds), parse.GetValue(python), parse.GetValue(script));
            if (request.Batch < 1 || request.Threads < 1 || request.Steps < 1 || request.Warmup < 0 || request.Rounds < 1 || request.Channels < 1)
                throw new CliUsageException("--batch, --threads, --steps, --rounds and --channels must be >= 1 and --warmup >= 0.");
            if (request.Size < 36) throw new CliUsageException($"--size must be >= 36 for the Nature CNN (got {request.Size}).");
            if (request.Head is not ("gaussian" or "beta")) throw new CliUsageException($"--head must be gaussian or beta (got '{request.Head}').");
            var results = CnnUpdateBench.Run(request, services.Err, ct);
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

    /// <summary>"1,2,4" -> [1, 2, 4]; anything else is a usage error.</summary>
    public static int[] ParseThreads(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new CliUsageException("--threads: give at least one thread count, e.g. 1,2.");
        return parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1
            ? v
            : throw new CliUsageException($"--threads: '{p}' is not a positive integer (expected e.g. 1,2,4).")).ToArray();
    }

    public static string FormatRows(IReadOnlyList<BenchmarkRow> rows)
    {
        int width = Math.Max(4, rows.Count == 0 ? 0 : rows.Max(r => r.Case.Length));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{"case".PadRight(width)} {"threads",7} {"steps",12} {"seconds",9} {"steps/s",12}\n");
        foreach (var r in rows)
            sb.Append(CultureInfo.InvariantCulture, $"{r.Case.PadRight(width)} {r.Threads,7} {r.Steps,12:N0} {r.Seconds,9:0.00} {r.StepsPerSecond,12:N0}\n");
        if (rows.Count > 1 && rows[0].StepsPerSecond > 0)
        {
            sb.Append("ratios to the first row:");
            foreach (var r in rows.Skip(1)) sb.Append(CultureInfo.InvariantCulture, $" {r.StepsPerSecond / rows[0].StepsPerSecond:0.00}");
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
