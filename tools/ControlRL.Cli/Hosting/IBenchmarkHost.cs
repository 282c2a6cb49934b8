using ControlRL.Cli.Logging;
using ControlRL.Core.Envs;
using ControlRL.Learning.Ppo;

namespace ControlRL.Cli.Hosting;

/// <param name="EnvId">A registered env id.</param>
/// <param name="Steps">Env steps to time per case (after a short warm-up of the host's choosing).</param>
/// <param name="NumEnvs">Sub-envs in the vector env.</param>
/// <param name="Threads">Worker thread counts to compare (one result row each).</param>
public sealed record EnvBenchRequest(string EnvId, long Steps, int NumEnvs, IReadOnlyList<int> Threads, ulong Seed, EnvRegistry Envs)
{
    /// <summary>Where the host reports each case (a <see cref="ConsoleProgress.Phase"/>) and its steps; null: nowhere.</summary>
    public ConsoleProgress? Progress { get; init; }
}

/// <param name="Config">Resolved like <c>train</c> (per-task file, --set, flags).</param>
/// <param name="Updates">PPO updates (rollout + optimisation) to time.</param>
public sealed record PpoBenchRequest(PpoConfig Config, int Updates, EnvRegistry Envs)
{
    /// <summary>Where the host reports the env steps done; null: nowhere.</summary>
    public ConsoleProgress? Progress { get; init; }
}

/// <summary>One line of a benchmark table, e.g. ("sync", 1 thread, 100000 steps, 2.1 s).</summary>
/// <param name="Seconds">Wall-clock seconds.</param>
/// <param name="CpuSeconds">CPU seconds of the one thread that did all the work, when that is what happened (no
/// worker threads): unlike wall-clock time it does not grow when other processes take the CPU.</param>
public sealed record BenchmarkRow(string Case, int Threads, long Steps, double Seconds, double? CpuSeconds = null)
{
    public double StepsPerSecond => Seconds > 0 ? Steps / Seconds : 0;

    /// <summary>A line printed under the table about this row (e.g. a paired comparison), or null.</summary>
    public string? Note { get; init; }

    /// <summary>Steps per CPU second of the stepping thread, or null.</summary>
    public double? StepsPerCpuSecond => CpuSeconds is double c && c > 0 ? Steps / c : null;
}

/// <summary>Throughput measurements behind <c>controlrl bench</c>; the CLI prints the rows as a table.</summary>
public interface IBenchmarkHost
{
    IReadOnlyList<BenchmarkRow> BenchEnv(EnvBenchRequest request, CancellationToken cancellationToken);
    IReadOnlyList<BenchmarkRow> BenchPpo(PpoBenchRequest request, CancellationToken cancellationToken);
}
