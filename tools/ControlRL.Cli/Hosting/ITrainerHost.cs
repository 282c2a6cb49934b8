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
/// <param name="Config">Validated, effective config of the run's algorithm (<c>Config.Algo</c>; already written to
/// <c>Run.ConfigPath</c>). A host casts it to its own config type.</param>
/// <param name="Run">The run folder; checkpoints go to <c>Run.CheckpointPath(globalStep)</c> (temp + rename).</param>
/// <param name="ResumeCheckpoint">Checkpoint folder to restore before training, or null for a fresh run.</param>
/// <param name="Envs">Registered env ids; build envs with <c>Envs.Make(Config.EnvId)</c>.</param>
/// <param name="Metrics">Scalars go here (progress.csv + TensorBoard). Episode returns must use the tag
/// <c>charts/episodic_return</c> (CleanRL's) so the learning-curve plot finds them.</param>
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
    TextWriter Log);

/// <summary>
/// The trainer of one algorithm behind <c>controlrl train</c>, registered in <see cref="TrainerHosts"/> under the
/// algorithm's name; <see cref="AlgorithmTrainerHost"/> picks it by <c>Config.Algo</c>.
/// </summary>
public interface ITrainerHost
{
    /// <summary>
    /// Trains until <c>Config.TotalTimesteps</c> or until <paramref name="cancellationToken"/> fires (Ctrl+C:
    /// write a final checkpoint, then return). Returns the exit code (<see cref="ExitCodes"/>). Throw
    /// <see cref="CliUsageException"/> for bad user input (e.g. a checkpoint from another env).
    /// </summary>
    int Train(TrainRequest request, CancellationToken cancellationToken);
}
