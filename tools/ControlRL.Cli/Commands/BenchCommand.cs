using System.CommandLine;
using System.Globalization;
using System.Text;
using ControlRL.Cli.Config;
using ControlRL.Cli.Hosting;

namespace ControlRL.Cli.Commands;

/// <summary><c>controlrl bench env|ppo</c>: throughput measurements, printed as a table.</summary>
public static class BenchCommand
{
    public static Command Create(CliServices services) =>
        new("bench", "Measure env stepping and PPO training throughput (steps per second).") { EnvBench(services), PpoBench(services) };

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
            var flags = new Dictionary<string, object?> { ["env_id"] = parse.GetValue(id)! };
            if (parse.GetValue(numEnvs) is { } ne) flags["num_envs"] = ne;
            if (parse.GetValue(device) is { } dev) flags["device"] = dev;
            var resolved = ConfigLoader.Resolve(new ConfigRequest
            {
                ConfigFile = parse.GetValue(config),
                Sets = parse.GetValue(set) ?? [],
                Flags = flags,
                TaskConfigDirectory = services.TaskConfigDirectory,
            });
            var envs = services.Envs();
            CommandRunner.RequireEnv(envs, resolved.Config.EnvId);
            var rows = services.Benchmarks.BenchPpo(new PpoBenchRequest(resolved.Config, u, envs), ct);
            services.Out.Write(FormatRows(rows));
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
