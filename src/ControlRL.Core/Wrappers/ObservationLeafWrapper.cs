using System.Runtime.InteropServices;
using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;

namespace ControlRL.Core.Wrappers;

/// <summary>
/// Base of the single-env observation wrappers that transform one leaf of the observation (the whole observation,
/// or one key of a Dict) and pass the other leaves through. The inner env writes into a preallocated one-row
/// <see cref="ObservationBatch"/> of its own space, so a step allocates nothing.
/// </summary>
public abstract class ObservationLeafWrapper : IEnvWrapper
{
    private readonly IEnv _env;
    private readonly ObservationBatch _inner;
    private readonly IObservationSkipping? _innerSkipper;
    private bool _skip;

    private protected ObservationLeafWrapper(IEnv env, LeafPlan plan)
    {
        _env = env;
        _inner = new ObservationBatch(env.Spec.ObservationSpace, 1);
        _innerSkipper = WrapperChain.FindSkipper(env);
        Leaf = plan.Leaf;
        Spec = env.Spec with { ObservationSpace = plan.OutputSpace };
    }

    public EnvSpec Spec { get; }
    public IEnv Inner => _env;

    /// <summary>Index of the transformed leaf (the same in the inner and the outer space).</summary>
    public int Leaf { get; }

    /// <summary>
    /// Skips this wrapper's transform, and asks the env inside to skip drawing (when it can), for the steps an
    /// action-repeat wrapper will not show. A step that ends the episode is still transformed: a skipping env
    /// draws its final frame (see <see cref="FrameSkip"/>).
    /// </summary>
    private protected bool Skipping
    {
        get => _skip;
        set
        {
            _skip = value;
            if (_innerSkipper is not null) _innerSkipper.SkipObservation = value;
        }
    }

    public void Reset(ObsRow observation, ulong? seed = null)
    {
        _env.Reset(_inner.Row(0), seed);
        Emit(observation, reset: true);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default)
    {
        var r = _env.Step(action, _inner.Row(0), rewardTerms, info);
        if (!_skip || r.Terminated || r.Truncated) Emit(observation, reset: false);
        return r;
    }

    private void Emit(ObsRow dst, bool reset)
    {
        ObsRow src = _inner.Row(0);
        for (int j = 0; j < _inner.LeafCount; j++)
        {
            if (j == Leaf) continue;
            switch (_inner.LeafDType(j))
            {
                case DType.Float32: src.Float(j).CopyTo(dst.Float(j)); break;
                case DType.UInt8: src.UInt8(j).CopyTo(dst.UInt8(j)); break;
                default: src.Int32(j).CopyTo(dst.Int32(j)); break;
            }
        }
        Transform(src, dst, reset);
    }

    /// <summary>Writes leaf <see cref="Leaf"/> of <paramref name="dst"/> from the inner observation <paramref name="src"/>.</summary>
    private protected abstract void Transform(ObsRow src, ObsRow dst, bool reset);

    public void Dispose() => _env.Dispose();

    /// <summary>Leaf <paramref name="leaf"/> of a row as a span of <typeparamref name="T"/> (float, byte or int).</summary>
    private protected static Span<T> LeafSpan<T>(ObsRow row, int leaf) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return MemoryMarshal.Cast<float, T>(row.Float(leaf));
        if (typeof(T) == typeof(byte)) return MemoryMarshal.Cast<byte, T>(row.UInt8(leaf));
        return MemoryMarshal.Cast<int, T>(row.Int32(leaf));
    }

    /// <summary>Which leaf a wrapper transforms and the observation space it produces.</summary>
    private protected readonly record struct LeafPlan(int Leaf, Box InnerLeaf, Space OutputSpace);

    /// <summary>
    /// Picks the leaf (<paramref name="key"/>, or the only uint8 image leaf of a Dict when null) and builds the
    /// output space with <paramref name="transform"/> (given the leaf and a label for messages; it throws when
    /// the leaf does not fit).
    /// </summary>
    private protected static LeafPlan Plan(Space space, string? key, string wrapper, Func<Box, string, Space> transform)
    {
        ArgumentNullException.ThrowIfNull(space);
        int leaf;
        if (space is not Dict dict)
        {
            if (!string.IsNullOrEmpty(key))
                throw new ArgumentException($"{wrapper}: key '{key}' given but the observation space {space.Describe()} is not a Dict.");
            leaf = 0;
        }
        else if (!string.IsNullOrEmpty(key))
        {
            leaf = dict.LeafIndex(key);
            if (leaf < 0)
                throw new ArgumentException($"{wrapper}: the observation has no key '{key}' (keys: {string.Join(", ", dict.Leaves.Select(l => l.Key))}).");
        }
        else
        {
            var images = Enumerable.Range(0, dict.Leaves.Count).Where(i => dict.Leaves[i].Space is Box { IsImage: true }).ToArray();
            if (images.Length != 1)
                throw new ArgumentException($"{wrapper}: the Dict observation has {images.Length} image leaves; name one with a key (keys: {string.Join(", ", dict.Leaves.Select(l => l.Key))}).");
            leaf = images[0];
        }
        var sl = space.Leaves[leaf];
        string label = sl.Key.Length == 0 ? "the observation" : $"key '{sl.Key}'";
        if (sl.Space is not Box box)
            throw new ArgumentException($"{wrapper}: {label} is {sl.Space.Describe()}, not a Box.");
        Space outLeaf = transform(box, label);
        return new LeafPlan(leaf, box, ReplaceLeaf(space, sl.Key, outLeaf));
    }

    private static Space ReplaceLeaf(Space space, string path, Space leaf)
    {
        if (space is not Dict d) return leaf;
        int dot = path.IndexOf('.');
        string head = dot < 0 ? path : path[..dot];
        string rest = dot < 0 ? "" : path[(dot + 1)..];
        return new Dict(d.Entries.Select(e => e.Key == head ? new KeyValuePair<string, Space>(e.Key, ReplaceLeaf(e.Value, rest, leaf)) : e));
    }
}

/// <summary>Walks wrapper chains for the capabilities action-repeat needs.</summary>
internal static class WrapperChain
{
    /// <summary>
    /// The env that skips drawing for <paramref name="env"/>: itself when it can, else through wrappers that do not
    /// touch observations (<see cref="TimeLimit"/>, <see cref="Rewards.InfoRewardWrapper"/>). Null when nothing can
    /// skip (a frame stack must see every frame).
    /// </summary>
    public static IObservationSkipping? FindSkipper(IEnv env)
    {
        for (IEnv? e = env; e is not null; e = e is TimeLimit or Rewards.InfoRewardWrapper ? ((IEnvWrapper)e).Inner : null)
        {
            if (e is IObservationSkipping s) return s;
        }
        return null;
    }

    /// <summary>
    /// The time limit counting the same steps as <paramref name="env"/> (through wrappers that step their inner env
    /// once per step), so an action-repeat wrapper can ask for the frame of the step the limit cuts.
    /// </summary>
    public static TimeLimit? FindStepLimit(IEnv env)
    {
        for (IEnv? e = env; e is not null; e = e is ObservationLeafWrapper or Rewards.InfoRewardWrapper ? ((IEnvWrapper)e).Inner : null)
        {
            if (e is TimeLimit t) return t;
        }
        return null;
    }
}
