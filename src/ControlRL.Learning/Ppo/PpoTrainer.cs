using System.Diagnostics;
using ControlRL.Core.Random;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;
using ControlRL.Models.Optim;
using ControlRL.Models.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace ControlRL.Learning.Ppo;

/// <summary>Where a run stands; passed to progress observers after every update.</summary>
public readonly record struct PpoProgress(long GlobalStep, long TotalTimesteps, int Update, int NumUpdates, double StepsPerSecond, double? RecentReturn);

/// <summary>
/// Proximal Policy Optimization (Schulman et al. 2017) as in CleanRL's ppo_continuous_action.py, read top to
/// bottom: collect a rollout, compute GAE targets, run clipped-objective epochs over shuffled minibatches.
/// Differences from CleanRL, all deliberate: truncated episodes bootstrap V(final observation) into their last
/// reward (as Stable-Baselines3 does; CleanRL treats truncation as termination); rollouts act through a managed
/// copy of the actor (no TorchSharp call per env step), and log-probabilities and values are computed afterwards
/// in one batched call with the same weights, which gives the same numbers.
/// </summary>
public sealed class PpoTrainer : IDisposable
{
    private readonly PpoConfig _cfg;
    private readonly IVectorEnv _env;
    private readonly ActorCritic _policy;
    private readonly ManagedPolicy _actor;
    private readonly FlatAdam _optimizer;
    private readonly RolloutBuffer _buffer;
    private readonly Device _device;
    private readonly RecordEpisodeStatistics? _episodes;
    private readonly Curricula.CurriculumWrapper? _curriculum;
    private readonly Queue<double> _recentReturns = new();
    private readonly long[] _permutation;
    private readonly string[] _termTags;

    public PpoTrainer(PpoConfig config, IVectorEnv env, ActorCritic policy)
    {
        config.Validate();
        if (env.NumEnvs != config.NumEnvs)
            throw new ArgumentException($"The vector env has {env.NumEnvs} sub-envs but num_envs is {config.NumEnvs}.");
        if (policy.ObservationSize != env.Buffers.ObservationSize || policy.ActionSize != env.Buffers.ActionSize)
            throw new ArgumentException($"Policy ({policy.ObservationSize} obs, {policy.ActionSize} act) does not fit env {env.Spec.Id} ({env.Buffers.ObservationSize} obs, {env.Buffers.ActionSize} act).");
        _cfg = config;
        _env = env;
        _policy = policy;
        _device = torch.device(config.Device);
        _policy.to(_device);
        _actor = policy.SnapshotActor();
        _optimizer = new FlatAdam(policy.parameters(), config.LearningRate, eps: config.AdamEps);
        _buffer = new RolloutBuffer(config.NumSteps, config.NumEnvs, env.Buffers.ObservationSize, env.Buffers.ActionSize);
        _episodes = env.Find<RecordEpisodeStatistics>();
        _curriculum = env.Find<Curricula.CurriculumWrapper>();
        _permutation = new long[config.BatchSize];
        _termTags = env.Spec.RewardTerms.Select(t => "reward_terms/" + t).ToArray();
        Rng = new Rng(config.Seed ^ 0x5050_0000_0000_0001UL);
    }

    public PpoConfig Config => _cfg;
    public IVectorEnv Env => _env;
    public ActorCritic Policy => _policy;
    public FlatAdam Optimizer => _optimizer;

    /// <summary>Drives action sampling and minibatch shuffling; saved in checkpoints.</summary>
    public Rng Rng { get; }

    public long GlobalStep { get; internal set; }
    public int Update { get; internal set; }

    /// <summary>Whether the env has been reset since this trainer was built or resumed.</summary>
    public bool EnvStarted { get; internal set; }

    /// <summary>Receives every logged scalar (tag, value, global step).</summary>
    public event Action<string, double, long>? Scalar;

    /// <summary>Called after each update.</summary>
    public event Action<PpoProgress>? Progress;

    /// <summary>Called after an update when a checkpoint is due (every checkpoint_every updates and at the end).</summary>
    public event Action<PpoTrainer>? CheckpointDue;

    /// <summary>Runs updates until total_timesteps (or until <paramref name="cancel"/> fires, after a whole update).</summary>
    public void Train(CancellationToken cancel = default)
    {
        if (_cfg.TorchThreads > 0) torch.set_num_threads(_cfg.TorchThreads);
        if (!EnvStarted)
        {
            // A resumed run cannot restore episodes in flight: it starts fresh ones, seeded by the update index.
            // Their first observations replace ones the saved statistics already counted, so they are not added.
            var obsNorm = Update > 0 ? _env.Find<NormalizeObservation>() : null;
            bool wasTraining = obsNorm?.Training ?? false;
            if (obsNorm is not null) obsNorm.Training = false;
            _env.Reset(_cfg.Seed + (ulong)Update * 1_000_003UL);
            if (obsNorm is not null) obsNorm.Training = wasTraining;
            EnvStarted = true;
        }
        var clock = Stopwatch.StartNew();
        long startStep = GlobalStep;
        while (Update < _cfg.NumUpdates && !cancel.IsCancellationRequested)
        {
            Update++;
            if (_cfg.AnnealLr)
                _optimizer.LearningRate = (1.0 - (Update - 1.0) / _cfg.NumUpdates) * _cfg.LearningRate;

            CollectRollout();
            ComputeTargets();
            RunUpdate();

            double sps = (GlobalStep - startStep) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            Emit("charts/SPS", sps);
            if (_curriculum is not null)
                foreach (var (tag, value) in _curriculum.Teacher.Diagnostics.Scalars()) Emit(tag, value);
            Emit("charts/learning_rate", _optimizer.LearningRate);
            Progress?.Invoke(new PpoProgress(GlobalStep, _cfg.TotalTimesteps, Update, _cfg.NumUpdates, sps, RecentReturn));
            bool last = Update == _cfg.NumUpdates;
            if (last || (_cfg.CheckpointEvery > 0 && Update % _cfg.CheckpointEvery == 0))
                CheckpointDue?.Invoke(this);
        }
    }

    /// <summary>Mean return of the last 20 finished episodes, or null before the first one.</summary>
    public double? RecentReturn => _recentReturns.Count == 0 ? null : _recentReturns.Average();

    // 1. Rollout: act with the managed actor snapshot; store what the update needs.
    private void CollectRollout()
    {
        var b = _env.Buffers;
        int n = _cfg.NumEnvs, obsSize = b.ObservationSize;
        _buffer.TruncatedCount = 0;
        for (int t = 0; t < _cfg.NumSteps; t++)
        {
            b.Observations.AsSpan().CopyTo(_buffer.ObservationRow(t));
            Span<float> actions = _buffer.ActionRow(t);
            _actor.Act(b.Observations, actions, n, Rng, deterministic: false);
            _env.Step(actions);
            GlobalStep += n;
            for (int i = 0; i < n; i++)
            {
                int row = t * n + i;
                _buffer.Rewards[row] = b.Rewards[i];
                _buffer.EpisodeEnded[row] = b.Terminated[i] || b.Truncated[i];
                if (b.Truncated[i] && !b.Terminated[i])
                    _buffer.AddTruncation(row, b.FinalObservations.AsSpan(i * obsSize, obsSize));
            }
            if (_episodes is not null)
            {
                var completed = _episodes.CompletedThisStep;
                for (int e = 0; e < completed.Count; e++) // indexed: foreach over the interface would allocate
                {
                    var ep = completed[e];
                    Emit("charts/episodic_return", ep.Return);
                    Emit("charts/episodic_length", ep.Length);
                    var sums = ep.TermSums.Span;
                    for (int k = 0; k < sums.Length && k < _termTags.Length; k++) Emit(_termTags[k], sums[k]);
                    _recentReturns.Enqueue(ep.Return);
                    if (_recentReturns.Count > 20) _recentReturns.Dequeue();
                }
            }
        }
        b.Observations.AsSpan().CopyTo(_buffer.NextObservations);
    }

    // 2. Targets: values and log-probs of the rollout in one batched call, truncation bootstrap, GAE.
    private void ComputeTargets()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int size = _buffer.Size, obsSize = _buffer.ObservationSize;
        var obs = tensor(_buffer.Observations, [size, obsSize]).to(_device);
        var act = tensor(_buffer.Actions, [size, _buffer.ActionSize]).to(_device);
        var eval = _policy.Evaluate(obs, act);
        eval.Value.cpu().data<float>().CopyTo(_buffer.Values);
        eval.LogProb.cpu().data<float>().CopyTo(_buffer.LogProbs);
        if (_buffer.TruncatedCount > 0)
        {
            int k = _buffer.TruncatedCount;
            var final = tensor(_buffer.TruncatedObservations.AsSpan(0, k * obsSize).ToArray(), [k, obsSize]).to(_device);
            var finalValues = _policy.GetValue(final).cpu().data<float>();
            for (int j = 0; j < k; j++)
                _buffer.Rewards[_buffer.TruncatedRows[j]] += (float)(_cfg.Gamma * finalValues[j]);
        }
        var next = tensor(_buffer.NextObservations, [_cfg.NumEnvs, obsSize]).to(_device);
        var nextValues = _policy.GetValue(next).cpu().data<float>().ToArray();
        Gae.Compute(_buffer.Rewards, _buffer.Values, _buffer.EpisodeEnded, nextValues, _cfg.NumSteps, _cfg.NumEnvs,
            _cfg.Gamma, _cfg.GaeLambda, _buffer.Advantages, _buffer.Returns);
    }

    // 3. Update: clipped surrogate, clipped value loss, entropy bonus; shuffled minibatches for several epochs.
    private void RunUpdate()
    {
        using var scope = NewDisposeScope();
        int size = _buffer.Size, mb = _cfg.MinibatchSize;
        var bObs = tensor(_buffer.Observations, [size, _buffer.ObservationSize]).to(_device);
        var bAct = tensor(_buffer.Actions, [size, _buffer.ActionSize]).to(_device);
        var bLogProb = tensor(_buffer.LogProbs).to(_device);
        var bAdv = tensor(_buffer.Advantages).to(_device);
        var bRet = tensor(_buffer.Returns).to(_device);
        var bVal = tensor(_buffer.Values).to(_device);

        double clipFracSum = 0, pgLoss = 0, vLoss = 0, entropy = 0, oldKl = 0, kl = 0, gradNorm = 0;
        int minibatches = 0;
        for (int epoch = 0; epoch < _cfg.UpdateEpochs; epoch++)
        {
            Shuffle(_permutation);
            using var perm = tensor(_permutation).to(_device);
            for (int start = 0; start < size; start += mb)
            {
                using var step = NewDisposeScope();
                var idx = perm.narrow(0, start, mb);
                var eval = _policy.Evaluate(bObs.index_select(0, idx), bAct.index_select(0, idx));
                var logRatio = eval.LogProb - bLogProb.index_select(0, idx);
                var ratio = logRatio.exp();
                using (no_grad())
                {
                    oldKl = (-logRatio).mean().item<float>();
                    kl = ((ratio - 1) - logRatio).mean().item<float>();
                    clipFracSum += ((ratio - 1.0).abs() > _cfg.ClipCoef).to_type(ScalarType.Float32).mean().item<float>();
                }
                var adv = bAdv.index_select(0, idx);
                if (_cfg.NormAdv) adv = (adv - adv.mean()) / (adv.std() + 1e-8);
                var pg = ClippedPolicyLoss(ratio, adv, _cfg.ClipCoef);
                var v = ValueLoss(eval.Value, bVal.index_select(0, idx), bRet.index_select(0, idx), _cfg.ClipVloss ? _cfg.ClipCoef : null);
                var ent = eval.Entropy.mean();
                var loss = pg - _cfg.EntCoef * ent + _cfg.VfCoef * v;

                _optimizer.ZeroGrad();
                loss.backward();
                gradNorm = _optimizer.Step(_cfg.MaxGradNorm);
                minibatches++;
                if (start + mb >= size)
                {
                    pgLoss = pg.item<float>();
                    vLoss = v.item<float>();
                    entropy = ent.item<float>();
                }
            }
            if (_cfg.TargetKl is double target && kl > target) break;
        }
        _policy.RefreshSnapshot(_actor);

        Emit("losses/value_loss", vLoss);
        Emit("losses/policy_loss", pgLoss);
        Emit("losses/entropy", entropy);
        Emit("losses/old_approx_kl", oldKl);
        Emit("losses/approx_kl", kl);
        Emit("losses/clipfrac", clipFracSum / Math.Max(minibatches, 1));
        Emit("losses/grad_norm", gradNorm);
        Emit("losses/explained_variance", ExplainedVariance(_buffer.Values, _buffer.Returns));
    }

    /// <summary>The clipped surrogate objective, negated for minimisation: mean(max(-A*r, -A*clip(r, 1-c, 1+c))).</summary>
    public static Tensor ClippedPolicyLoss(Tensor ratio, Tensor advantages, double clipCoef) =>
        max(-advantages * ratio, -advantages * ratio.clamp(1 - clipCoef, 1 + clipCoef)).mean();

    /// <summary>
    /// 0.5 * mean squared error of the value; with <paramref name="clipCoef"/> the pessimistic maximum of the
    /// unclipped error and the error of the value moved at most clipCoef from its rollout estimate (CleanRL).
    /// </summary>
    public static Tensor ValueLoss(Tensor newValues, Tensor oldValues, Tensor returns, double? clipCoef)
    {
        var unclipped = (newValues - returns).square();
        if (clipCoef is not double c) return 0.5 * unclipped.mean();
        var clipped = (oldValues + (newValues - oldValues).clamp(-c, c) - returns).square();
        return 0.5 * max(unclipped, clipped).mean();
    }

    private void Shuffle(long[] perm)
    {
        for (int i = 0; i < perm.Length; i++) perm[i] = i;
        for (int i = perm.Length - 1; i > 0; i--)
        {
            int j = Rng.NextInt(i + 1);
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
    }

    private static double ExplainedVariance(ReadOnlySpan<float> predicted, ReadOnlySpan<float> target)
    {
        double meanT = 0, meanD = 0;
        for (int i = 0; i < target.Length; i++)
        {
            meanT += target[i];
            meanD += target[i] - predicted[i];
        }
        meanT /= target.Length;
        meanD /= target.Length;
        double varT = 0, varD = 0;
        for (int i = 0; i < target.Length; i++)
        {
            varT += (target[i] - meanT) * (target[i] - meanT);
            double d = target[i] - predicted[i] - meanD;
            varD += d * d;
        }
        return varT == 0 ? double.NaN : 1 - varD / varT;
    }

    /// <summary>Copies the current actor weights into the acting snapshot (after loading weights).</summary>
    public void RefreshActor() => _policy.RefreshSnapshot(_actor);

    private void Emit(string tag, double value) => Scalar?.Invoke(tag, value, GlobalStep);

    public void Dispose()
    {
        _optimizer.Dispose();
    }
}
