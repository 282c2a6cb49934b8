using ControlRL.Core.Random;

namespace ControlRL.Core.Spaces;

/// <summary>One leaf of a (possibly nested) space: its key path (<c>""</c> for a non-Dict space) and the leaf space.</summary>
public sealed record SpaceLeaf(string Key, Space Space);

/// <summary>
/// A space of values, as in gymnasium.spaces. Leaf spaces (<see cref="Box"/>, <see cref="Discrete"/>,
/// <see cref="MultiDiscrete"/>) hold <see cref="FlatSize"/> values of one <see cref="DType"/>; a <see cref="Dict"/>
/// is an ordered list of named leaves. Buffers keep one typed array per leaf (<see cref="ObservationBatch"/>), so a
/// uint8 image stays uint8 from the env to the network. Actions are always carried as float32 (a discrete index
/// as a float; exact up to 2^24).
/// </summary>
public abstract class Space
{
    /// <summary>Number of values one element occupies (a Dict: the sum over its leaves).</summary>
    public abstract int FlatSize { get; }

    /// <summary>Element type of a leaf space in observation buffers; a Dict has none and throws.</summary>
    public abstract DType DType { get; }

    /// <summary>The leaves in buffer order; a leaf space is its own single leaf with key <c>""</c>.</summary>
    public virtual IReadOnlyList<SpaceLeaf> Leaves => _self ??= [new SpaceLeaf("", this)];
    private SpaceLeaf[]? _self;

    /// <summary>True for a single float32 leaf: the zero-overhead flat path (MuJoCo, walkers, classic control).</summary>
    public bool IsFlatFloat => this is not Dict && DType == DType.Float32;

    /// <summary>True when <paramref name="x"/> (one element as floats, e.g. an action) lies in the space.</summary>
    public abstract bool Contains(ReadOnlySpan<float> x);

    /// <summary>True when leaf <paramref name="leaf"/> of <paramref name="row"/> lies in this (leaf) space.</summary>
    internal abstract bool ContainsLeaf(ObsRow row, int leaf);

    /// <summary>True when every leaf of <paramref name="row"/> lies in its space.</summary>
    public bool Contains(ObsRow row) => Why(row) is null;

    /// <summary>Null when <paramref name="row"/> lies in the space, else the first offending key and what is wrong.</summary>
    public string? Why(ObsRow row)
    {
        var leaves = Leaves;
        for (int i = 0; i < leaves.Count; i++)
        {
            if (!leaves[i].Space.ContainsLeaf(row, i))
                return $"{(leaves[i].Key.Length > 0 ? $"key '{leaves[i].Key}'" : "value")} is outside {leaves[i].Space.Describe()}";
        }
        return null;
    }

    /// <summary>Draws one element as floats (an action): uniform in a bounded box, normal where unbounded.</summary>
    public abstract void Sample(Rng rng, Span<float> x);

    /// <summary>Draws one element into <paramref name="row"/> (every leaf, in its own dtype).</summary>
    public void Sample(Rng rng, ObsRow row)
    {
        var leaves = Leaves;
        for (int i = 0; i < leaves.Count; i++) leaves[i].Space.SampleLeaf(rng, row, i);
    }

    internal abstract void SampleLeaf(Rng rng, ObsRow row, int leaf);

    /// <summary>Short human-readable form, e.g. <c>Box(-1.0, 1.0, (6,), float32)</c>.</summary>
    public abstract string Describe();

    public override string ToString() => Describe();

    /// <summary>Shape as Gymnasium prints it: <c>(6,)</c>, <c>(96, 96, 3)</c>.</summary>
    internal static string ShapeText(int[] shape) =>
        "(" + string.Join(", ", shape) + (shape.Length == 1 ? ",)" : ")");
}
