using ControlRL.Core.Envs;

namespace ControlRL.Cli.Hosting;

/// <param name="CheckpointDir">A checkpoint folder (resolved from a run folder to its latest checkpoint by the CLI).</param>
/// <param name="RunDir">The run folder the checkpoint belongs to, or null for a stand-alone checkpoint.</param>
/// <param name="Episodes">Number of episodes to run.</param>
/// <param name="Seed">Seed of the first episode (episode i uses Seed + i).</param>
/// <param name="Deterministic">Use the policy's mean action instead of sampling.</param>
/// <param name="EnvId">Env to evaluate on; null means the env recorded in the checkpoint.</param>
public sealed record EvalRequest(
    string CheckpointDir,
    string? RunDir,
    int Episodes,
    ulong Seed,
    bool Deterministic,
    string? EnvId,
    EnvRegistry Envs,
    TextWriter Log);

/// <summary>Per-episode results; the CLI prints the summary (mean ± std) and the JSON form.</summary>
public sealed record EvalResult(string EnvId, IReadOnlyList<double> EpisodeReturns, IReadOnlyList<int> EpisodeLengths);

/// <summary>The policy evaluator behind <c>controlrl eval</c>.</summary>
public interface IEvaluatorHost
{
    EvalResult Evaluate(EvalRequest request, CancellationToken cancellationToken);
}
