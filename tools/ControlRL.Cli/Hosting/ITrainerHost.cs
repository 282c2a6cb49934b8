using ControlRL.Cli.Logging;
using ControlRL.Cli.Runs;
using ControlRL.Core.Envs;
using ControlRL.Learning.Algorithms;

namespace ControlRL.Cli.Hosting;

/// <summary>
/// Everything <c>controlrl train</c> prepared for the trainer. The CLI owns the lifetime of
/// <see cref="Metrics"/> (it flushes and closes them and draws plots/learning_curve.png from progress.csv
/// after <see cref="ITrainerHost.Train"/> returns).
/// </summary>
/// <param name="Config">Validated, effective config of the run's algorithm (<c>Config.Algo</c>). A host casts it to
/// its own config type.</param>
/// <param name="Run">The run folder; checkpoints go to <c>Run.CheckpointPath(globalStep)</c> (temp + rename). It
/// may not exist yet: <see cref="TrainRequest.Begin"/> creates it.</param>
/// <param name="ResumeCheckpoint">Checkpoint folder (verified) to restore before training, or null for a fresh run.</param>
/// <param name="Envs">Registered env ids; build envs with <c>Envs.Make(Config.EnvId)</c>.</param>
/// <param name="Metrics">Scalars go here (progress.csv + TensorBoard), once <see cref="TrainRequest.Begin"/> ran.
/// Episode returns must use the tag <c>charts/episodic_return</c> (CleanRL's) so the learning-curve plot finds them.
/// Write failures (a full disk) do not throw: <see cref="TrainRequest.LoggingFailure"/> reports them.</param>
/// <param name="Progress">Call <c>Progress.Update(globalStep, recentMeanReturn)</c> once per update;
/// <c>Progress.Message(...)</c> for log lines. The CLI calls <c>Finish()</c>.</param>
/// <param name="Log">Human-readable log lines (stdout).</param>
public sealed record TrainRequest(
    AlgorithmConfig Config,
    RunDirectory Run,
    string? ResumeCheckpoint,
    EnvRegistry Envs,
    IMetricsSink Metrics,
    ConsoleProgress Progress,
    TextWriter Log)
{
    /// <summary>
    /// Call once the env and trainer are built and any checkpoint restored, before the first step. Only then does
    /// the CLI create the run folder, take its lock, write config.yaml and open the logs, so input the host refuses
    /// while building (a checkpoint of another env, a device this build lacks) leaves nothing on disk.
    /// </summary>
    public Action Begin { get; init; } = () => { };

    /// <summary>The first failure to write the logs (e.g. a full disk), or null. The host stops and checkpoints.</summary>
    public Func<Exception?> LoggingFailure { get; init; } = () => null;
}

/// <summary>
/// The trainer of one algorithm behind <c>controlrl train</c>, registered in <see cref="TrainerHosts"/> under the
/// algorithm's name; <see cref="AlgorithmTrainerHost"/> picks it by <c>Config.Algo</c>.
/// </summary>
public interface ITrainerHost
{
    /// <summary>
    /// Trains until <c>Config.TotalTimesteps</c> or until <paramref name="cancellationToken"/> fires (Ctrl+C, SIGTERM:
    /// write a final checkpoint, then return). Returns the exit code (<see cref="ExitCodes"/>). Throw
    /// <see cref="CliUsageException"/> for bad user input (e.g. a checkpoint from another env), before calling
    /// <see cref="TrainRequest.Begin"/>.
    /// </summary>
    int Train(TrainRequest request, CancellationToken cancellationToken);
}
