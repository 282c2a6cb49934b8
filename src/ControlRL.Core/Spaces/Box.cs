using System.Globalization;

namespace ControlRL.Core.Spaces;

/// <summary>A float32 box [low, high] per dimension (infinite bounds allowed), like gymnasium.spaces.Box.</summary>
public sealed class Box : Space
{
    public Box(float[] low, float[] high, int[]? shape = null)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        if (low.Length != high.Length)
            throw new ArgumentException($"Box bounds differ in length: low has {low.Length}, high has {high.Length}.");
        for (int i = 0; i < low.Length; i++)
        {
            if (float.IsNaN(low[i]) || float.IsNaN(high[i]) || low[i] > high[i])
                throw new ArgumentException($"Box bound {i} is invalid: low={low[i]}, high={high[i]}.");
        }
        Shape = shape ?? [low.Length];
        int prod = 1;
        foreach (int d in Shape) prod *= d;
        if (prod != low.Length)
            throw new ArgumentException($"Box shape ({string.Join(",", Shape)}) holds {prod} values but bounds have {low.Length}.");
        Low = low;
        High = high;
    }

    /// <summary>A box with the same bounds on every dimension.</summary>
    public static Box Uniform(int size, float low, float high)
    {
        var l = new float[size];
        var h = new float[size];
        Array.Fill(l, low);
        Array.Fill(h, high);
        return new Box(l, h);
    }

    public float[] Low { get; }
    public float[] High { get; }
    public int[] Shape { get; }
    public override int FlatSize => Low.Length;

    /// <summary>True when every dimension has finite bounds (an action space a policy can be squashed/clipped to).</summary>
    public bool IsBounded
    {
        get
        {
            for (int i = 0; i < Low.Length; i++)
                if (float.IsInfinity(Low[i]) || float.IsInfinity(High[i])) return false;
            return true;
        }
    }

    public override bool Contains(ReadOnlySpan<float> x)
    {
        if (x.Length != Low.Length) return false;
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(x[i]) || x[i] < Low[i] || x[i] > High[i]) return false;
        }
        return true;
    }

    public override string Describe()
    {
        string Fmt(float[] a)
        {
            bool same = true;
            for (int i = 1; i < a.Length; i++) same &= a[i].Equals(a[0]);
            return same && a.Length > 0 ? FmtOne(a[0]) : "[" + string.Join(", ", a.Select(FmtOne)) + "]";
        }
        static string FmtOne(float v) => float.IsPositiveInfinity(v) ? "inf" : float.IsNegativeInfinity(v) ? "-inf" : v.ToString("0.0###", CultureInfo.InvariantCulture);
        return $"Box({Fmt(Low)}, {Fmt(High)}, ({string.Join(",", Shape)}{(Shape.Length == 1 ? "," : "")}), float32)";
    }
}
