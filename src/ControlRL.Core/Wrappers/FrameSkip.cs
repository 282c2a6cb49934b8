using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;

namespace ControlRL.Core.Wrappers;

/// <summary>
/// Action repeat: each step applies the action <c>k</c> times, returns the summed reward (and summed reward
/// terms) and the last observation, and stops early when the env terminates or truncates (Gymnasium's
/// MaxAndSkipObservation in gymnasium/wrappers/stateful_observation.py, without the max by default). With
/// <c>maxPool</c> the uint8 leaves of the observation are the element-wise max of the last two frames, as
/// AtariPreprocessing (gymnasium/wrappers/atari_preprocessing.py) does against sprite flicker; other leaves are
/// the last frame's.
/// <para>
/// Observation skipping: when the env (directly or through a <see cref="TimeLimit"/>, grayscale or resize wrapper)
/// implements <see cref="IObservationSkipping"/>, every inner step but the last (the last two with max pooling)
/// runs with <see cref="IObservationSkipping.SkipObservation"/> set, so a pixel env renders only the frames the
/// agent sees. A step that an inner time limit will cut is drawn too. An env that ends the episode itself during a
/// skipped step must still write that final observation (it is what this wrapper returns).
/// </para>
/// <para>
/// Info metrics are the last inner step's values (each inner step starts from cleared info slots). Time limits:
/// put the <see cref="TimeLimit"/> inside (counting raw steps, as Gymnasium's and RL Zoo's Atari stacks do); the
/// spec then reports <c>ceil(limit / k)</c> agent steps, <c>Dt * k</c> and <c>FrameSkip * k</c>.
/// </para>
/// <para>
/// Deviations from Gymnasium: an episode that ends before the last repeat returns its final frame (Gymnasium
/// returns the max of a frame buffer that may hold a frame of the previous call), and rewards are summed in double
/// precision and rounded to float once.
/// </para>
/// </summary>
public sealed class FrameSkip : IEnvWrapper
{
    private readonly IEnv _env;
    private readonly IObservationSkipping? _skipper;
    private readonly TimeLimit? _limit;
    private readonly ObservationBatch? _prev;   // the second-to-last frame when max pooling
    private readonly int[] _poolLeaves;
    private readonly float[] _terms;
    private readonly double[] _termSums;

    public FrameSkip(IEnv env, int k, bool maxPool = false)
    {
        ArgumentNullException.ThrowIfNull(env);
        Spec = WrapSpec(env.Spec, k, maxPool);
        _env = env;
        K = k;
        MaxPool = maxPool;
        _skipper = WrapperChain.FindSkipper(env);
        _limit = WrapperChain.FindStepLimit(env);
        _terms = new float[env.Spec.RewardTerms.Count];
        _termSums = new double[_terms.Length];
        _poolLeaves = PoolLeaves(env.Spec.ObservationSpace);
        if (maxPool) _prev = new ObservationBatch(env.Spec.ObservationSpace, 1);
    }

    public EnvSpec Spec { get; }
    public IEnv Inner => _env;
    public int K { get; }
    public bool MaxPool { get; }

    /// <summary>The spec of the wrapped env, without building it; throws for invalid arguments.</summary>
    public static EnvSpec WrapSpec(EnvSpec inner, int k, bool maxPool = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, $"{nameof(FrameSkip)}: k must be at least 1.");
        if (maxPool && k < 2) throw new ArgumentOutOfRangeException(nameof(k), k, $"{nameof(FrameSkip)}: max pooling over the last two frames needs k >= 2.");
        if (maxPool && PoolLeaves(inner.ObservationSpace).Length == 0)
            throw new ArgumentException($"{nameof(FrameSkip)}: max pooling needs a uint8 (pixel) observation; {inner.Id} has {inner.ObservationSpace.Describe()}.");
        int limit = inner.MaxEpisodeSteps > 0 ? (inner.MaxEpisodeSteps + k - 1) / k : 0;
        return inner with { Dt = inner.Dt * k, FrameSkip = inner.FrameSkip * k, MaxEpisodeSteps = limit };
    }

    private static int[] PoolLeaves(Space space) =>
        Enumerable.Range(0, space.Leaves.Count).Where(i => space.Leaves[i].Space.DType == DType.UInt8).ToArray();

    public void Reset(ObsRow observation, ulong? seed = null)
    {
        if (_skipper is not null) _skipper.SkipObservation = false;
        _env.Reset(observation, seed);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default)
    {
        int shown = MaxPool ? 2 : 1;
        double total = 0;
        Array.Clear(_termSums);
        StepOutcome r = default;
        int i = 0;
        try
        {
            for (; i < K; i++)
            {
                if (_skipper is not null)
                {
                    bool cut = _limit is { } t && t.ElapsedSteps + 1 >= t.MaxSteps;
                    _skipper.SkipObservation = i < K - shown && !cut;
                }
                info.Clear();
                r = MaxPool && i == K - 2
                    ? _env.Step(action, _prev!.Row(0), _terms, info)
                    : _env.Step(action, observation, _terms, info);
                total += r.Reward;
                for (int j = 0; j < _terms.Length; j++) _termSums[j] += _terms[j];
                if (r.Terminated || r.Truncated) break;
            }
        }
        finally
        {
            if (_skipper is not null) _skipper.SkipObservation = false;
        }
        if (MaxPool)
        {
            if (i == K - 2) _prev!.Row(0).CopyTo(observation);   // ended on the second-to-last frame
            else if (i == K) Pool(observation);                    // ran all k: max of the last two
        }
        int m = Math.Min(rewardTerms.Length, _terms.Length);
        for (int j = 0; j < m; j++) rewardTerms[j] = (float)_termSums[j];
        return r with { Reward = (float)total };
    }

    private void Pool(ObsRow observation)
    {
        ObsRow prev = _prev!.Row(0);
        foreach (int leaf in _poolLeaves) ImageOps.MaxInto(prev.UInt8(leaf), observation.UInt8(leaf));
    }

    public void Dispose() => _env.Dispose();
}
