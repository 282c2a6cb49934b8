using ControlRL.Core.Envs;
using ControlRL.Learning.Ppo;

namespace ControlRL.Cli.Hosting;

/// <param name="EnvId">A registered env id.</param>
/// <param name="Steps">Env steps to time per case (after a short warm-up of the host's choosing).</param>
/// <param name="NumEnvs">Sub-envs in the vector env.</param>
/// <param name="Threads">Worker thread counts to compare (one result row each).</param>
public sealed record EnvBenchRequest(string EnvId, long Steps, int NumEnvs, IReadOnlyList<int> Threads, ulong Seed, EnvRegistry Envs);

/// <param name="Config">Resolved like <c>train</c> (per-task file, --set, flags).</param>
/// <param name="Updates">PPO updates (rollout + optimisation) to time.</param>
public sealed record PpoBenchRequest(PpoConfig Config, int Updates, EnvRegistry Envs);

/// <summary>One line of a benchmark table, e.g. ("sync", 1 thread, 100000 steps, 2.1 s).</summary>
public sealed record BenchmarkRow(string Case, int Threads, long Steps, double Seconds)
{
    public double StepsPerSecond => Seconds > 0 ? Steps / Seconds : 0;
}

/// <summary>Throughput measurements behind <c>controlrl bench</c>; the CLI prints the rows as a table.</summary>
public interface IBenchmarkHost
{
    IReadOnlyList<BenchmarkRow> BenchEnv(EnvBenchRequest request, CancellationToken cancellationToken);
    IReadOnlyList<BenchmarkRow> BenchPpo(PpoBenchRequest request, CancellationToken cancellationToken);
}
