namespace ControlRL.Core.Spaces;

/// <summary>Integers 0..N-1, carried in flat buffers as one float (the index).</summary>
public sealed class Discrete : Space
{
    public Discrete(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Discrete space needs n >= 1.");
        N = n;
    }

    public int N { get; }
    public override int FlatSize => 1;

    public override bool Contains(ReadOnlySpan<float> x) =>
        x.Length == 1 && x[0] >= 0 && x[0] < N && x[0] == MathF.Floor(x[0]);

    public override string Describe() => $"Discrete({N})";
}
