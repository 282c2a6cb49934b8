using ControlRL.Core.Random;

namespace ControlRL.Core.Spaces;

/// <summary>
/// Named sub-spaces in a fixed key order (gymnasium.spaces.Dict built from an ordered mapping). Nested Dicts are
/// flattened into leaves keyed <c>outer.inner</c>; buffers hold one typed array per leaf, in this order.
/// </summary>
public sealed class Dict : Space
{
    private readonly SpaceLeaf[] _leaves;

    public Dict(IEnumerable<KeyValuePair<string, Space>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries.ToArray();
        if (Entries.Count == 0) throw new ArgumentException("A Dict space needs at least one key.", nameof(entries));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var leaves = new List<SpaceLeaf>();
        foreach (var (key, space) in Entries)
        {
            if (string.IsNullOrEmpty(key) || key.Contains('.'))
                throw new ArgumentException($"Dict key '{key}' is invalid: keys must be non-empty and contain no '.'.", nameof(entries));
            if (!seen.Add(key)) throw new ArgumentException($"Dict key '{key}' appears twice.", nameof(entries));
            ArgumentNullException.ThrowIfNull(space, key);
            foreach (var leaf in space.Leaves)
                leaves.Add(new SpaceLeaf(leaf.Key.Length == 0 ? key : key + "." + leaf.Key, leaf.Space));
        }
        _leaves = leaves.ToArray();
    }

    public Dict(params (string Key, Space Space)[] entries)
        : this(entries.Select(e => new KeyValuePair<string, Space>(e.Key, e.Space))) { }

    public IReadOnlyList<KeyValuePair<string, Space>> Entries { get; }

    public Space this[string key] =>
        Entries.FirstOrDefault(e => e.Key == key).Value ?? throw new KeyNotFoundException($"Dict has no key '{key}' (keys: {string.Join(", ", Entries.Select(e => e.Key))}).");

    public override IReadOnlyList<SpaceLeaf> Leaves => _leaves;

    /// <summary>Index of a leaf by its key path, or -1.</summary>
    public int LeafIndex(string key) => Array.FindIndex(_leaves, l => l.Key == key);

    public override int FlatSize => _leaves.Sum(l => l.Space.FlatSize);

    public override DType DType => throw new InvalidOperationException("A Dict space has no single dtype; use its Leaves.");

    public override bool Contains(ReadOnlySpan<float> x) =>
        throw new NotSupportedException("A Dict element is not a flat float vector; use Contains(ObsRow).");

    internal override bool ContainsLeaf(ObsRow row, int leaf) =>
        throw new InvalidOperationException("Dict is not a leaf.");

    public override void Sample(Rng rng, Span<float> x) =>
        throw new NotSupportedException("A Dict element is not a flat float vector; use Sample(rng, ObsRow).");

    internal override void SampleLeaf(Rng rng, ObsRow row, int leaf) =>
        throw new InvalidOperationException("Dict is not a leaf.");

    public override string Describe() =>
        "Dict(" + string.Join(", ", Entries.Select(e => $"'{e.Key}': {e.Value.Describe()}")) + ")";
}
