using ControlRL.Cli.Hosting;
using ControlRL.Core.Random;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;
using ControlRL.Learning.Checkpoints;
using ControlRL.Learning.Ppo;

namespace ControlRL.Cli.Evaluation;

/// <summary>
/// Evaluates a checkpoint: one env, episode i seeded Seed + i, observation normalization frozen at the
/// checkpoint's statistics, rewards raw (no reward normalization), actions from the managed actor.
/// </summary>
public sealed class PolicyEvaluatorHost : IEvaluatorHost
{
    public EvalResult Evaluate(EvalRequest request, CancellationToken cancellationToken)
    {
        CheckpointMeta meta;
        try
        {
            meta = PpoCheckpoint.ReadMeta(request.CheckpointDir);
        }
        catch (InvalidDataException e)
        {
            throw new CliUsageException(e.Message);
        }
        var cfg = meta.Config;
        string envId = request.EnvId ?? meta.EnvId;
        var evalCfg = new PpoConfig
        {
            EnvId = envId,
            NumEnvs = 1,
            NumSteps = 1,
            NumMinibatches = 1,
            TotalTimesteps = 1,
            NormalizeObservation = cfg.NormalizeObservation,
            NormalizeReward = false,
            ObsClip = cfg.ObsClip,
            Gamma = cfg.Gamma,
        };
        using var env = PpoEnvironment.Build(request.Envs, evalCfg, training: false);
        using var policy = PpoCheckpoint.LoadPolicy(request.CheckpointDir, meta);
        if (policy.ObservationSize != env.Buffers.ObservationSize)
            throw new CliUsageException($"checkpoint policy expects {policy.ObservationSize} observations but {envId} gives {env.Buffers.ObservationSize}.");
        PpoCheckpoint.RestoreEnvState(env, PpoCheckpoint.ReadState(request.CheckpointDir).Doubles);
        var actor = policy.SnapshotActor();
        var stats = env.Find<RecordEpisodeStatistics>()!;
        var rng = new Rng(request.Seed ^ 0xE7A1UL);
        var actions = new float[env.Buffers.ActionSize];
        var returns = new List<double>();
        var lengths = new List<int>();
        for (int episode = 0; episode < request.Episodes && !cancellationToken.IsCancellationRequested; episode++)
        {
            env.Reset(request.Seed + (ulong)episode);
            while (true)
            {
                actor.Act(env.Buffers.Observations, actions, 1, rng, request.Deterministic);
                env.Step(actions);
                if (stats.CompletedThisStep.Count > 0)
                {
                    returns.Add(stats.CompletedThisStep[0].Return);
                    lengths.Add(stats.CompletedThisStep[0].Length);
                    request.Log.WriteLine($"episode {episode}: return {returns[^1]:F2}, length {lengths[^1]}");
                    break;
                }
            }
        }
        return new EvalResult(envId, returns, lengths);
    }
}
