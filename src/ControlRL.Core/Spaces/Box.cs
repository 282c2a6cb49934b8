using System.Globalization;
using ControlRL.Core.Random;

namespace ControlRL.Core.Spaces;

/// <summary>
/// A box [low, high] per value (infinite bounds allowed for float32) of any shape and a dtype, like
/// gymnasium.spaces.Box. Bounds are kept as floats, exact for every uint8 and for int32 up to 2^24.
/// </summary>
public sealed class Box : Space
{
    public Box(float[] low, float[] high, int[]? shape = null, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        if (low.Length != high.Length)
            throw new ArgumentException($"Box bounds differ in length: low has {low.Length}, high has {high.Length}.");
        for (int i = 0; i < low.Length; i++)
        {
            if (float.IsNaN(low[i]) || float.IsNaN(high[i]) || low[i] > high[i])
                throw new ArgumentException($"Box bound {i} is invalid: low={low[i]}, high={high[i]}.");
            if (dtype != DType.Float32 && (!float.IsFinite(low[i]) || !float.IsFinite(high[i]) || low[i] != MathF.Floor(low[i]) || high[i] != MathF.Floor(high[i])))
                throw new ArgumentException($"Box bound {i} ({low[i]}, {high[i]}) must be finite integers for dtype {dtype.Name()}.");
            if (dtype == DType.UInt8 && (low[i] < 0 || high[i] > 255))
                throw new ArgumentException($"Box bound {i} ({low[i]}, {high[i]}) is outside uint8's 0..255.");
        }
        Shape = shape is null ? [low.Length] : (int[])shape.Clone();
        long prod = 1;
        foreach (int d in Shape)
        {
            if (d <= 0) throw new ArgumentException($"Box shape {ShapeText(Shape)} has a non-positive dimension.");
            prod *= d;
        }
        if (prod != low.Length)
            throw new ArgumentException($"Box shape {ShapeText(Shape)} holds {prod} values but bounds have {low.Length}.");
        Low = low;
        High = high;
        DType = dtype;
    }

    /// <summary>A float32 box with the same bounds on every dimension.</summary>
    public static Box Uniform(int size, float low, float high) => Uniform([size], low, high, DType.Float32);

    /// <summary>A box of <paramref name="shape"/> with the same bounds everywhere.</summary>
    public static Box Uniform(int[] shape, float low, float high, DType dtype)
    {
        int size = 1;
        foreach (int d in shape) size = checked(size * d);
        var l = new float[size];
        var h = new float[size];
        Array.Fill(l, low);
        Array.Fill(h, high);
        return new Box(l, h, shape, dtype);
    }

    /// <summary>A uint8 image [height x width x channels] with values 0..255 (HWC, as Gymnasium's pixel envs).</summary>
    public static Box Image(int height, int width, int channels) =>
        Uniform([height, width, channels], 0, 255, DType.UInt8);

    public float[] Low { get; }
    public float[] High { get; }
    public int[] Shape { get; }
    public override DType DType { get; }
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

    /// <summary>A uint8 box of rank 3: an image, HWC.</summary>
    public bool IsImage => DType == DType.UInt8 && Shape.Length == 3;

    public override bool Contains(ReadOnlySpan<float> x)
    {
        if (x.Length != Low.Length) return false;
        bool integral = DType != DType.Float32;
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(x[i]) || x[i] < Low[i] || x[i] > High[i]) return false;
            if (integral && x[i] != MathF.Floor(x[i])) return false;
        }
        return true;
    }

    internal override bool ContainsLeaf(ObsRow row, int leaf)
    {
        switch (DType)
        {
            case DType.Float32:
                return Contains(row.Float(leaf));
            case DType.UInt8:
            {
                var v = row.UInt8(leaf);
                if (v.Length != Low.Length) return false;
                for (int i = 0; i < v.Length; i++)
                {
                    if (v[i] < Low[i] || v[i] > High[i]) return false;
                }
                return true;
            }
            default:
            {
                var v = row.Int32(leaf);
                if (v.Length != Low.Length) return false;
                for (int i = 0; i < v.Length; i++)
                {
                    if (v[i] < Low[i] || v[i] > High[i]) return false;
                }
                return true;
            }
        }
    }

    public override void Sample(Rng rng, Span<float> x)
    {
        for (int i = 0; i < Low.Length; i++) x[i] = SampleOne(rng, i);
    }

    internal override void SampleLeaf(Rng rng, ObsRow row, int leaf)
    {
        switch (DType)
        {
            case DType.Float32:
                Sample(rng, row.Float(leaf));
                break;
            case DType.UInt8:
            {
                var v = row.UInt8(leaf);
                for (int i = 0; i < v.Length; i++) v[i] = (byte)SampleOne(rng, i);
                break;
            }
            default:
            {
                var v = row.Int32(leaf);
                for (int i = 0; i < v.Length; i++) v[i] = (int)SampleOne(rng, i);
                break;
            }
        }
    }

    // Gymnasium's Box.sample: uniform where bounded, exponential beyond a single bound, normal where unbounded;
    // integer dtypes draw uniformly from low..high inclusive.
    private float SampleOne(Rng rng, int i)
    {
        float lo = Low[i], hi = High[i];
        if (DType != DType.Float32) return lo + rng.NextInt((int)(hi - lo) + 1);
        bool bl = float.IsFinite(lo), bh = float.IsFinite(hi);
        if (bl && bh) return (float)rng.Uniform(lo, hi);
        if (bl) return lo - (float)Math.Log(1 - rng.NextDouble());
        if (bh) return hi + (float)Math.Log(1 - rng.NextDouble());
        return (float)rng.Normal();
    }

    public override string Describe()
    {
        string Fmt(float[] a)
        {
            bool same = true;
            for (int i = 1; i < a.Length; i++) same &= a[i].Equals(a[0]);
            return same && a.Length > 0 ? FmtOne(a[0]) : "[" + string.Join(", ", a.Select(FmtOne)) + "]";
        }
        string FmtOne(float v) => float.IsPositiveInfinity(v) ? "inf" : float.IsNegativeInfinity(v) ? "-inf"
            : DType == DType.Float32 ? v.ToString("0.0###", CultureInfo.InvariantCulture) : v.ToString("0", CultureInfo.InvariantCulture);
        return $"Box({Fmt(Low)}, {Fmt(High)}, {ShapeText(Shape)}, {DType.Name()})";
    }
}
