using ControlRL.Core.Random;

namespace ControlRL.Core.Spaces;

/// <summary>Integers 0..N-1. As an action: one float holding the index; as an observation: one int32.</summary>
public sealed class Discrete : Space
{
    public Discrete(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Discrete space needs n >= 1.");
        N = n;
    }

    public int N { get; }
    public override int FlatSize => 1;
    public override DType DType => DType.Int32;

    public override bool Contains(ReadOnlySpan<float> x) =>
        x.Length == 1 && x[0] >= 0 && x[0] < N && x[0] == MathF.Floor(x[0]);

    internal override bool ContainsLeaf(ObsRow row, int leaf)
    {
        var v = row.Int32(leaf);
        return v.Length == 1 && v[0] >= 0 && v[0] < N;
    }

    public override void Sample(Rng rng, Span<float> x) => x[0] = rng.NextInt(N);

    internal override void SampleLeaf(Rng rng, ObsRow row, int leaf) => row.Int32(leaf)[0] = rng.NextInt(N);

    public override string Describe() => $"Discrete({N})";
}
