using ControlRL.Core.Checkpoints;
using ControlRL.Core.Envs;
using ControlRL.Core.Vector;
using ControlRL.Learning.Algorithms;
using ControlRL.Models.Policies;

namespace ControlRL.Learning.Evaluation;

/// <summary>
/// Evaluation during training (Stable-Baselines3's EvalCallback): every eval_every env steps the current policy
/// runs eval_episodes deterministic episodes on its own one-sub-env copy of the training pipeline, with the
/// training env's observation-normalization statistics copied in and frozen, rewards raw, and fixed seeds
/// (seed + <see cref="SeedOffset"/> + i) so successive evaluations compare the same episodes. The training env,
/// its generators and the trainer's random state are never touched, so a run with evaluation learns exactly as
/// one without.
/// </summary>
public sealed class TrainingEvaluation : IDisposable
{
    /// <summary>Added to the run's seed for evaluation episodes, far from the training sub-envs' seed + i.</summary>
    public const ulong SeedOffset = 1_000_000;

    private readonly EnvRegistry _registry;
    private readonly AlgorithmConfig _config;
    private IVectorEnv? _env;

    public TrainingEvaluation(EnvRegistry registry, AlgorithmConfig config)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _config = config ?? throw new ArgumentNullException(nameof(config));
    }

    public bool Enabled => _config.EvalEvery > 0;

    /// <summary>Best mean return so far and the step it was reached at (null before the first evaluation).</summary>
    public double? BestReturn { get; private set; }
    public long BestStep { get; private set; }

    /// <summary>The last evaluation and its step.</summary>
    public EvaluationResult? Last { get; private set; }
    public long LastStep { get; private set; } = -1;

    /// <summary>True when the stretch of steps (previous, current] crossed a multiple of <paramref name="every"/>.</summary>
    public static bool Crossed(long previousStep, long step, long every) =>
        every > 0 && step / every > previousStep / every;

    /// <summary>The evaluation env (built on first use; tests and video recorders reach its sub-env through it).</summary>
    public IVectorEnv Env => _env ??= AlgorithmEnvironment.BuildForEval(_registry, _config);

    /// <summary>
    /// Evaluates <paramref name="policy"/> as trained in <paramref name="trainingEnv"/> at <paramref name="step"/>.
    /// Returns the result and whether it is a new best.
    /// </summary>
    public (EvaluationResult Result, bool NewBest) Evaluate(IVectorEnv trainingEnv, ActorCritic policy, long step,
        CancellationToken cancel, IEpisodeObserver? observer = null)
    {
        var result = Run(trainingEnv, policy, _config.EvalEpisodes, cancel, observer);
        Last = result;
        LastStep = step;
        bool newBest = result.Returns.Count == _config.EvalEpisodes && (BestReturn is null || result.MeanReturn > BestReturn);
        if (newBest)
        {
            BestReturn = result.MeanReturn;
            BestStep = step;
        }
        return (result, newBest);
    }

    /// <summary>
    /// Plays <paramref name="episodes"/> evaluation episodes for an observer only (a video between evaluations);
    /// the result is not recorded as an evaluation.
    /// </summary>
    public EvaluationResult Play(IVectorEnv trainingEnv, ActorCritic policy, int episodes, CancellationToken cancel, IEpisodeObserver observer) =>
        Run(trainingEnv, policy, episodes, cancel, observer);

    private EvaluationResult Run(IVectorEnv trainingEnv, ActorCritic policy, int episodes, CancellationToken cancel, IEpisodeObserver? observer)
    {
        var env = Env;
        // Normalizer statistics as they are now in training (frozen in the eval env); other stateful parts of the
        // training env (a curriculum teacher) do not exist here and are skipped.
        StatefulComponents.Load(env.FindAll<IStatefulComponent>(),
            StatefulComponents.Save(trainingEnv.FindAll<IStatefulComponent>()));
        using var actor = new PolicyActor(policy, env.Buffers.ObservationSpace, _config.Seed ^ 0xE7A1UL, _config.Device);
        return EpisodeEvaluator.Run(env, (obs, actions) => actor.Act(obs, actions, 1, deterministic: true),
            episodes, _config.Seed + SeedOffset, cancel, observer);
    }

    /// <summary>Restores the best-so-far from a resumed run's record.</summary>
    public void RestoreBest(double bestReturn, long bestStep)
    {
        BestReturn = bestReturn;
        BestStep = bestStep;
    }

    /// <summary>True when the last evaluation reached eval_stop_reward.</summary>
    public bool ReachedStopReward => _config.EvalStopReward is { } target && Last is { } r && r.Returns.Count > 0 && r.MeanReturn >= target;

    public void Dispose() => _env?.Dispose();
}
