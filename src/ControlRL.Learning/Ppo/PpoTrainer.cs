using System.Diagnostics;
using ControlRL.Core.Random;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;
using ControlRL.Learning.Rollouts;
using ControlRL.Learning.Training;
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
/// <summary>
/// Proximal Policy Optimization (Schulman et al. 2017) as in CleanRL's ppo_continuous_action.py, read top to
/// bottom: collect a rollout, let rollout processors (reward sources) relabel it, compute GAE targets, run
/// clipped-objective epochs over shuffled minibatches.
/// Differences from CleanRL, all deliberate: truncated episodes bootstrap V(final observation) into their last
/// reward (<see cref="TruncationBootstrap"/>, as Stable-Baselines3 does; CleanRL treats truncation as termination);
/// small MLP policies act through a managed copy of the actor (no TorchSharp call per env step), and their
/// log-probabilities and values are computed afterwards in one batched call with the same weights, which gives
/// the same numbers. Other policies (CNNs, dict observations) act in one batched TorchSharp call per step with a
/// seeded generator. Observations keep their dtype in the rollout: images stay uint8 until the network.
/// </summary>
public sealed class PpoTrainer : IDisposable
{
    // Rows per batched TorchSharp call when values/log-probs are computed over a whole rollout (bounds memory for images).
    private const int EvalChunk = 4096;

    private readonly PpoConfig _cfg;
    private readonly IVectorEnv _env;
    private readonly ActorCritic _policy;
    private readonly ManagedPolicy? _actor;
    private readonly FlatAdam _optimizer;
    private readonly Rollout _rollout;
    private readonly Device _device;
    private readonly Generator _generator;
    private readonly RecordEpisodeStatistics? _episodes;
    private readonly Curricula.CurriculumWrapper? _curriculum;
    private readonly Queue<double> _recentReturns = new();
    private readonly long[] _permutation;
    private readonly string[] _termTags;
    private readonly string[] _infoTags;
    private readonly string[] _eventTags;
    private readonly int[] _truncFinalIndex;
    private readonly int[] _truncRows;
    private readonly float[] _finalValues;
    private readonly PinnedObservations _envObs;     // the vector env's buffers, viewed for batched acting
    private readonly PinnedObservations _rolloutObs; // the rollout's observations, viewed for targets and minibatches
    private readonly TensorLeafAllocator _rolloutMemory; // large leaves (image rollouts) in libtorch storage
    private CancellationToken _cancel;

    /// <param name="externalLeafBytes">Rollout observation leaves of at least this many bytes live in libtorch storage
    /// (<see cref="TensorLeafAllocator"/>) rather than managed arrays; 64 MiB by default.</param>
    public PpoTrainer(PpoConfig config, IVectorEnv env, ActorCritic policy, long externalLeafBytes = DefaultExternalLeafBytes)
    {
        config.Validate();
        if (env.NumEnvs != config.NumEnvs)
            throw new ArgumentException($"The vector env has {env.NumEnvs} sub-envs but num_envs is {config.NumEnvs}.");
        if (env.AutoresetMode != AutoresetMode.SameStep)
            throw new ArgumentException($"PPO needs same-step autoreset (final observations in the step's buffers); {env.Spec.Id} declares {env.AutoresetMode}.");
        if (policy.ActionSize != env.Buffers.ActionSize)
            throw new ArgumentException($"Policy ({policy.ActionSize} action floats) does not fit env {env.Spec.Id} ({env.Buffers.ActionSize}).");
        bool flat = env.Buffers.IsFlatFloat;
        if (flat && policy.HasManagedActor && policy.ObservationSize != env.Buffers.ObservationSize)
            throw new ArgumentException($"Policy ({policy.ObservationSize} obs) does not fit env {env.Spec.Id} ({env.Buffers.ObservationSize} obs).");
        _cfg = config;
        _env = env;
        _policy = policy;
        _device = torch.device(config.Device);
        _policy.to(_device);
        _actor = flat && policy.HasManagedActor ? policy.SnapshotActor() : null;
        _optimizer = new FlatAdam(policy.parameters(), config.LearningRate, eps: config.AdamEps);
        // Leaves over 64 MiB (image rollouts) live in libtorch storage: a rollout of 65,536 64x64x10 rasters (2.7 GB)
        // outgrows the largest .NET array, and minibatches view that storage directly, so images are held once.
        _rolloutMemory = new TensorLeafAllocator(externalLeafBytes);
        _rollout = new Rollout(config.NumSteps, config.NumEnvs, env.Buffers.ObservationSpace, env.Buffers.ActionSize, env.Spec.RewardTerms,
            _rolloutMemory.Allocate);
        _episodes = env.Find<RecordEpisodeStatistics>();
        _curriculum = env.Find<Curricula.CurriculumWrapper>();
        _permutation = new long[config.BatchSize];
        _termTags = env.Spec.RewardTerms.Select(t => "reward_terms/" + t).ToArray();
        _infoTags = env.Spec.Info.Select(t => "info/" + t.Name).ToArray();
        _eventTags = env.Spec.Events.Select(t => "events/" + t).ToArray();
        _truncFinalIndex = new int[config.BatchSize];
        _truncRows = new int[config.BatchSize];
        _finalValues = new float[config.BatchSize];
        Rng = new Rng(config.Seed ^ 0x5050_0000_0000_0001UL);
        _generator = new Generator(config.Seed ^ 0x5050UL, _device);
        _envObs = new PinnedObservations(env.Buffers.Obs);
        _rolloutObs = new PinnedObservations(_rollout.Observations);
    }

    public const long DefaultExternalLeafBytes = 64L << 20;

    public PpoConfig Config => _cfg;
    public IVectorEnv Env => _env;
    public ActorCritic Policy => _policy;
    public FlatAdam Optimizer => _optimizer;

    /// <summary>The last collected rollout (for tests and diagnostics).</summary>
    public Rollout Rollout => _rollout;

    /// <summary>Drives managed action sampling and minibatch shuffling; saved in checkpoints.</summary>
    public Rng Rng { get; }

    /// <summary>Drives batched (TorchSharp) action sampling; saved in checkpoints.</summary>
    public Generator Generator => _generator;

    /// <summary>True when the policy acts through its managed snapshot (flat observations, small MLP).</summary>
    public bool ActsManaged => _actor is not null;

    public long GlobalStep { get; internal set; }
    public int Update { get; internal set; }

    /// <summary>Whether the env has been reset since this trainer was built or resumed.</summary>
    public bool EnvStarted { get; internal set; }

    /// <summary>Stages run on each rollout before its targets (reward sources), in order.</summary>
    public List<IRolloutProcessor> Processors { get; } = [];

    /// <summary>Hooks called on every step, rollout and update.</summary>
    public List<TrainerCallback> Callbacks { get; } = [];

    /// <summary>Receives every logged scalar (tag, value, global step).</summary>
    public event Action<string, double, long>? Scalar;

    /// <summary>Called after each update.</summary>
    public event Action<PpoProgress>? Progress;

    /// <summary>Called after an update when a checkpoint is due (every checkpoint_every updates and at the end).</summary>
    public event Action<PpoTrainer>? CheckpointDue;

    /// <summary>True when a callback asked to stop.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>
    /// Runs whole updates while another one fits in total_timesteps, until <paramref name="cancel"/> fires (checked
    /// every env step: a cancelled rollout is dropped and the trainer is left at the last update) or a callback stops.
    /// </summary>
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
        _cancel = cancel;
        // The run is counted in steps, so a resumed run with another batch shape (num_envs, num_steps) ends on
        // budget: only whole updates that fit in total_timesteps run. The learning rate anneals to zero at the
        // planned end; for a run that never changes shape this is CleanRL's 1 - (update - 1) / num_updates exactly.
        PlannedSteps = GlobalStep + (_cfg.TotalTimesteps - GlobalStep) / _cfg.BatchSize * _cfg.BatchSize;
        while (GlobalStep + _cfg.BatchSize <= _cfg.TotalTimesteps && !cancel.IsCancellationRequested && !StopRequested)
        {
            double lrBefore = _optimizer.LearningRate;
            Update++;
            if (_cfg.AnnealLr)
                _optimizer.LearningRate = (1.0 - (double)GlobalStep / PlannedSteps) * _cfg.LearningRate;

            if (!CollectRollout(GlobalStep))
            {
                // Interrupted mid-rollout: back to the last update's state, which a checkpoint can then capture.
                Update--;
                _optimizer.LearningRate = lrBefore;
                break;
            }
            ProcessRollout();
            ComputeTargets();
            RunUpdate();

            double sps = (GlobalStep - startStep) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            Emit("charts/SPS", sps);
            if (_curriculum is not null)
                foreach (var (tag, value) in _curriculum.Teacher.Diagnostics.Scalars()) Emit(tag, value);
            Emit("charts/learning_rate", _optimizer.LearningRate);
            Progress?.Invoke(new PpoProgress(GlobalStep, _cfg.TotalTimesteps, Update, PlannedUpdates, sps, RecentReturn));
            var state = State;
            foreach (var cb in Callbacks) StopRequested |= !cb.OnUpdate(state);
            bool last = GlobalStep + _cfg.BatchSize > _cfg.TotalTimesteps;
            if (last || (_cfg.CheckpointEvery > 0 && Update % _cfg.CheckpointEvery == 0))
                CheckpointDue?.Invoke(this);
        }
    }

    /// <summary>The step the current <see cref="Train"/> call ends at: the last whole update within total_timesteps.</summary>
    public long PlannedSteps { get; private set; }

    /// <summary>Updates done plus those left in the current <see cref="Train"/> call.</summary>
    public int PlannedUpdates => Update + (int)((PlannedSteps - GlobalStep) / _cfg.BatchSize);

    /// <summary>Whether another whole update fits in total_timesteps.</summary>
    public bool Finished => GlobalStep + _cfg.BatchSize > _cfg.TotalTimesteps;

    private TrainerState State => new(GlobalStep, _cfg.TotalTimesteps, Update, PlannedUpdates);

    /// <summary>Mean return of the last 20 finished episodes, or null before the first one.</summary>
    public double? RecentReturn => _recentReturns.Count == 0 ? null : _recentReturns.Average();

    // 1. Rollout: act (managed snapshot or one batched TorchSharp call); store what the update needs. Returns false
    // when cancelled midway (a signal must not wait for a long rollout), with GlobalStep back at startStep.
    private bool CollectRollout(long startStep)
    {
        var b = _env.Buffers;
        var r = _rollout;
        int n = _cfg.NumEnvs, terms = r.RewardTermNames.Count;
        r.Clear();
        for (int t = 0; t < _cfg.NumSteps; t++)
        {
            if (_cancel.IsCancellationRequested)
            {
                GlobalStep = startStep;
                return false;
            }
            b.Obs.CopyRows(0, r.Observations, t * n, n);
            Span<float> actions = r.ActionRow(t);
            if (_actor is not null) _actor.Act(b.Observations, actions, n, Rng, deterministic: false);
            else ActBatched(b, actions, t * n);
            _env.Step(actions);
            GlobalStep += n;
            for (int i = 0; i < n; i++)
            {
                int row = t * n + i;
                r.Rewards[row] = b.Rewards[i];
                r.Terminated[row] = b.Terminated[i];
                r.Truncated[row] = b.Truncated[i];
                if (terms > 0) b.RewardTermRow(i).CopyTo(r.RewardTerms.AsSpan(row * terms, terms));
                if (b.Terminated[i] || b.Truncated[i]) r.AddFinal(row, b.FinalObs, i);
            }
            if (_episodes is not null) LogEpisodes(_episodes.CompletedThisStep);
            if (Callbacks.Count > 0)
            {
                var state = State;
                foreach (var cb in Callbacks) StopRequested |= !cb.OnStep(state);
            }
        }
        b.Obs.CopyRows(0, r.NextObservations, 0, n);
        foreach (var cb in Callbacks) cb.OnRolloutEnd(r, State);
        return true;
    }

    private void ActBatched(VectorBuffers b, Span<float> actions, int firstRow)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var sample = _policy.Sample(_envObs.All(_device), _generator);
        int n = b.NumEnvs;
        sample.Action.cpu().contiguous().data<float>().CopyTo(actions);
        sample.LogProb.cpu().data<float>().CopyTo(_rollout.LogProbs.AsSpan(firstRow, n));
        sample.Value.cpu().data<float>().CopyTo(_rollout.Values.AsSpan(firstRow, n));
    }

    private void LogEpisodes(IReadOnlyList<EpisodeRecord> completed)
    {
        for (int e = 0; e < completed.Count; e++) // indexed: foreach over the interface would allocate
        {
            var ep = completed[e];
            Emit("charts/episodic_return", ep.Return);
            Emit("charts/episodic_length", ep.Length);
            var sums = ep.TermSums.Span;
            for (int k = 0; k < sums.Length && k < _termTags.Length; k++) Emit(_termTags[k], sums[k]);
            var info = ep.Info.Span;
            for (int k = 0; k < info.Length && k < _infoTags.Length; k++) Emit(_infoTags[k], info[k]);
            var events = ep.EventCounts.Span;
            for (int k = 0; k < events.Length && k < _eventTags.Length; k++) Emit(_eventTags[k], events[k]);
            _recentReturns.Enqueue(ep.Return);
            if (_recentReturns.Count > 20) _recentReturns.Dequeue();
        }
    }

    // 2. Reward sources and other processors relabel the rollout; each added term is logged by name.
    private void ProcessRollout()
    {
        foreach (var p in Processors)
        {
            p.Process(_rollout);
        }
        for (int k = 0; k < _rollout.ExtraTermNames.Count; k++)
            Emit("reward_sources/" + _rollout.ExtraTermNames[k], _rollout.ExtraTerms[k].Average());
    }

    // 3. Targets: values and log-probs (managed acting computes them here, batched), truncation bootstrap, GAE.
    private void ComputeTargets()
    {
        var r = _rollout;
        using var _ = no_grad();
        if (_actor is not null)
        {
            for (int start = 0; start < r.Size; start += EvalChunk)
            {
                using var scope = NewDisposeScope();
                int count = Math.Min(EvalChunk, r.Size - start);
                var obs = _rolloutObs.Rows(start, count, _device);
                var act = tensor(r.Actions.AsMemory(start * r.ActionSize, count * r.ActionSize), [count, r.ActionSize]).to(_device);
                var eval = _policy.Evaluate(obs, act);
                eval.Value.cpu().data<float>().CopyTo(r.Values.AsSpan(start, count));
                eval.LogProb.cpu().data<float>().CopyTo(r.LogProbs.AsSpan(start, count));
            }
        }
        int k = TruncationBootstrap.SelectTruncated(r, _truncFinalIndex, _truncRows);
        for (int start = 0; start < k; start += EvalChunk)
        {
            using var scope = NewDisposeScope();
            int count = Math.Min(EvalChunk, k - start);
            var finals = GatherFinals(start, count);
            _policy.GetValue(finals).cpu().data<float>().CopyTo(_finalValues.AsSpan(start, count));
        }
        TruncationBootstrap.Apply(r.Rewards, _truncRows.AsSpan(0, k), _finalValues.AsSpan(0, k), _cfg.Gamma);
        using (var scope = NewDisposeScope())
        {
            _policy.GetValue(ObservationTensors.All(r.NextObservations, _device)).cpu().data<float>().CopyTo(r.NextValues);
        }
        Gae.Compute(r.Rewards, r.Values, EndedRows(), r.NextValues, _cfg.NumSteps, _cfg.NumEnvs,
            _cfg.Gamma, _cfg.GaeLambda, r.Advantages, r.Returns);
    }

    private bool[]? _ended;

    private bool[] EndedRows()
    {
        var r = _rollout;
        _ended ??= new bool[r.Size];
        for (int i = 0; i < r.Size; i++) _ended[i] = r.Terminated[i] || r.Truncated[i];
        return _ended;
    }

    // Final observations of truncated rows [start, start+count) of the selection, as leaf tensors.
    private Tensor[] GatherFinals(int start, int count)
    {
        var all = ObservationTensors.Rows(_rollout.Finals, 0, _rollout.FinalCount, _device);
        var index = tensor(_truncFinalIndex.AsSpan(start, count).ToArray().Select(x => (long)x).ToArray()).to(_device);
        return ObservationTensors.Select(all, index);
    }

    // 4. Update: clipped surrogate, clipped value loss, entropy bonus; shuffled minibatches for several epochs.
    private void RunUpdate()
    {
        using var scope = NewDisposeScope();
        var r = _rollout;
        int size = r.Size, mb = _cfg.MinibatchSize;
        // Float leaves are copied into libtorch's own (aligned) storage, as before typed rollouts: the minibatch
        // gathers read them hundreds of times per update. uint8 images stay shared, so a large image rollout is
        // never held twice.
        var bObs = _rolloutObs.All(_device);
        for (int i = 0; i < bObs.Length; i++)
        {
            if (bObs[i].dtype == ScalarType.Float32 && _device.type == DeviceType.CPU) bObs[i] = bObs[i].clone();
        }
        var bAct = tensor(r.Actions, [size, r.ActionSize]).to(_device);
        var bLogProb = tensor(r.LogProbs).to(_device);
        var bAdv = tensor(r.Advantages).to(_device);
        var bRet = tensor(r.Returns).to(_device);
        var bVal = tensor(r.Values).to(_device);

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
                var eval = _policy.Evaluate(ObservationTensors.Select(bObs, idx), bAct.index_select(0, idx));
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
        if (_actor is not null) _policy.RefreshSnapshot(_actor);

        Emit("losses/value_loss", vLoss);
        Emit("losses/policy_loss", pgLoss);
        Emit("losses/entropy", entropy);
        Emit("losses/old_approx_kl", oldKl);
        Emit("losses/approx_kl", kl);
        Emit("losses/clipfrac", clipFracSum / Math.Max(minibatches, 1));
        Emit("losses/grad_norm", gradNorm);
        Emit("losses/explained_variance", ExplainedVariance(r.Values, r.Returns));
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
    public void RefreshActor()
    {
        if (_actor is not null) _policy.RefreshSnapshot(_actor);
    }

    private void Emit(string tag, double value) => Scalar?.Invoke(tag, value, GlobalStep);

    public void Dispose()
    {
        _optimizer.Dispose();
        _generator.Dispose();
        _envObs.Dispose();
        _rolloutObs.Dispose();
        _rolloutMemory.Dispose();
    }
}
