namespace ControlRL.Core.Spaces;

/// <summary>
/// A space of values. Every element travels as a flat float32 vector of <see cref="FlatSize"/> numbers, so the
/// batched buffers of a vector env are plain <c>float[]</c> (a discrete action is its index as a float).
/// </summary>
public abstract class Space
{
    /// <summary>Number of float32 values one element occupies in a flat buffer.</summary>
    public abstract int FlatSize { get; }

    /// <summary>True when <paramref name="x"/> (one flat element) lies in the space.</summary>
    public abstract bool Contains(ReadOnlySpan<float> x);

    /// <summary>Short human-readable form, e.g. <c>Box(-1.0, 1.0, (6,), float32)</c>.</summary>
    public abstract string Describe();

    public override string ToString() => Describe();
}
