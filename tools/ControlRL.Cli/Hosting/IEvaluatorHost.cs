using ControlRL.Cli.Logging;
using ControlRL.Core.Envs;

namespace ControlRL.Cli.Hosting;

/// <param name="CheckpointDir">A checkpoint folder (resolved from a run folder to its latest checkpoint by the CLI).</param>
/// <param name="RunDir">The run folder the checkpoint belongs to, or null for a stand-alone checkpoint.</param>
/// <param name="Episodes">Number of episodes to run.</param>
/// <param name="Seed">Seed of the first episode (episode i uses Seed + i).</param>
/// <param name="Deterministic">Use the policy's mean action instead of sampling.</param>
/// <param name="EnvId">Env to evaluate on; null means the env recorded in the checkpoint.</param>
/// <param name="TestTasks">For parameterized envs: evaluate one episode on each of this many tasks drawn uniformly
/// from the task space with <paramref name="TestSetSeed"/> (a fixed test set, as teachDeepRL's 50); 0 = off.</param>
/// <param name="MasteredReturn">A test task counts as mastered when its return exceeds this.</param>
/// <param name="VideoPath">Record the first <paramref name="VideoEpisodes"/> episodes to this .mp4 file; null = no video.</param>
/// <param name="VideoEpisodes">Episodes recorded (from the first; at most the episodes run).</param>
/// <param name="VideoWidth">Frame width, or 0 for the env's default render size (with <paramref name="VideoHeight"/>).</param>
/// <param name="VideoHeight">Frame height, or 0 for the env's default render size.</param>
public sealed record EvalRequest(
    string CheckpointDir,
    string? RunDir,
    int Episodes,
    ulong Seed,
    bool Deterministic,
    string? EnvId,
    EnvRegistry Envs,
    TextWriter Log,
    int TestTasks = 0,
    ulong TestSetSeed = 42,
    double MasteredReturn = 230,
    string? VideoPath = null,
    int VideoEpisodes = 1,
    int VideoWidth = 0,
    int VideoHeight = 0)
{
    /// <summary>Where the host reports episodes done (and the mean return so far); null: nowhere.</summary>
    public ConsoleProgress? Progress { get; init; }
}

/// <summary>Per-episode results; the CLI prints the summary (mean ± std) and the JSON form.</summary>
/// <param name="Tasks">With a test set: the task of each episode, in order.</param>
public sealed record EvalResult(string EnvId, IReadOnlyList<double> EpisodeReturns, IReadOnlyList<int> EpisodeLengths,
    IReadOnlyList<float[]>? Tasks = null, double? MasteredReturn = null, IReadOnlyList<string>? TaskNames = null)
{
    /// <summary>Per-episode values of the env's info metrics (<c>EnvSpec.Info</c>), aggregated as the spec declares.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Info { get; init; } = new Dictionary<string, IReadOnlyList<double>>();

    /// <summary>Every event the env reported, with its episode and position.</summary>
    public IReadOnlyList<EvalEvent> Events { get; init; } = [];

    /// <summary>Share of test tasks whose return exceeds <see cref="MasteredReturn"/> (null without a test set).</summary>
    public double? MasteredFraction => Tasks is null || MasteredReturn is not double m || EpisodeReturns.Count == 0
        ? null : EpisodeReturns.Count(r => r > m) / (double)EpisodeReturns.Count;
}

/// <summary>An env event seen during evaluation: the episode, its kind (<c>EnvSpec.Events</c>), where and how much.</summary>
public sealed record EvalEvent(int Episode, string Kind, float X, float Y, float Value);

/// <summary>The policy evaluator behind <c>controlrl eval</c>.</summary>
public interface IEvaluatorHost
{
    EvalResult Evaluate(EvalRequest request, CancellationToken cancellationToken);
}
