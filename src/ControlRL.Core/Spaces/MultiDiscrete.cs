using ControlRL.Core.Random;

namespace ControlRL.Core.Spaces;

/// <summary>Several independent discrete choices, choice k in 0..Nvec[k]-1 (gymnasium.spaces.MultiDiscrete).</summary>
public sealed class MultiDiscrete : Space
{
    public MultiDiscrete(int[] nvec)
    {
        ArgumentNullException.ThrowIfNull(nvec);
        if (nvec.Length == 0) throw new ArgumentException("MultiDiscrete needs at least one choice.", nameof(nvec));
        for (int k = 0; k < nvec.Length; k++)
        {
            if (nvec[k] <= 0) throw new ArgumentException($"MultiDiscrete choice {k} has {nvec[k]} values; each needs at least 1.", nameof(nvec));
        }
        Nvec = (int[])nvec.Clone();
    }

    public int[] Nvec { get; }
    public override int FlatSize => Nvec.Length;
    public override DType DType => DType.Int32;

    public override bool Contains(ReadOnlySpan<float> x)
    {
        if (x.Length != Nvec.Length) return false;
        for (int k = 0; k < x.Length; k++)
        {
            if (!(x[k] >= 0 && x[k] < Nvec[k] && x[k] == MathF.Floor(x[k]))) return false;
        }
        return true;
    }

    internal override bool ContainsLeaf(ObsRow row, int leaf)
    {
        var v = row.Int32(leaf);
        if (v.Length != Nvec.Length) return false;
        for (int k = 0; k < v.Length; k++)
        {
            if (v[k] < 0 || v[k] >= Nvec[k]) return false;
        }
        return true;
    }

    public override void Sample(Rng rng, Span<float> x)
    {
        for (int k = 0; k < Nvec.Length; k++) x[k] = rng.NextInt(Nvec[k]);
    }

    internal override void SampleLeaf(Rng rng, ObsRow row, int leaf)
    {
        var v = row.Int32(leaf);
        for (int k = 0; k < Nvec.Length; k++) v[k] = rng.NextInt(Nvec[k]);
    }

    public override string Describe() => $"MultiDiscrete([{string.Join(", ", Nvec)}])";
}
