using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;

namespace ControlRL.Core.Wrappers;

/// <summary>What fills a frame stack at reset, before there are enough frames.</summary>
public enum FrameStackPadding
{
    /// <summary>Copies of the reset observation (Gymnasium 1.x's default, <c>padding_type="reset"</c>).</summary>
    Reset,

    /// <summary>Zeros (<c>padding_type="zero"</c>).</summary>
    Zero,
}

/// <summary>
/// The last <c>n</c> observations, oldest first, concatenated along the last (channel) axis: a uint8 image
/// (H, W, C) becomes (H, W, C*n), a grayscale (H, W) becomes (H, W, n), a flat vector (d) becomes (d*n). As
/// Gymnasium 1.x's FrameStackObservation (gymnasium/wrappers/stateful_observation.py), reset fills the stack with
/// the reset observation by default. Deviation: Gymnasium stacks along a new leading axis, (n, H, W, C); the
/// channel-last layout here is SB3's VecFrameStack's, which image encoders expect. For a Dict observation,
/// <c>key</c> names the leaf (default: the only image leaf); the other leaves pass through unstacked.
/// Every inner step is a frame, so an action-repeat wrapper outside sees no skippable env through this one.
/// </summary>
public sealed class FrameStack : ObservationLeafWrapper
{
    private readonly int _n;
    private readonly int _frame;    // values per frame
    private readonly int _c;        // values per pixel (last axis) of one frame
    private readonly Array _ring;   // n frames; _head is the oldest
    private int _head;

    public FrameStack(IEnv env, int n, FrameStackPadding padding = FrameStackPadding.Reset, string? key = null)
        : base(env ?? throw new ArgumentNullException(nameof(env)), PlanFor(env.Spec.ObservationSpace, n, key))
    {
        var box = (Box)env.Spec.ObservationSpace.Leaves[Leaf].Space;
        _n = n;
        _frame = box.FlatSize;
        _c = IsGray(box) ? 1 : box.Shape[^1];
        _ring = box.DType switch
        {
            DType.Float32 => new float[n * _frame],
            DType.UInt8 => new byte[n * _frame],
            _ => new int[n * _frame],
        };
        Padding = padding;
    }

    public int Count => _n;
    public FrameStackPadding Padding { get; }

    /// <summary>The observation space the wrapper produces from <paramref name="inner"/>, without building it.</summary>
    public static Space WrapSpace(Space inner, int n, string? key = null) => PlanFor(inner, n, key).OutputSpace;

    private static bool IsGray(Box b) => b.DType == DType.UInt8 && b.Shape.Length == 2;

    private static LeafPlan PlanFor(Space space, int n, string? key)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, $"{nameof(FrameStack)}: the stack size must be at least 1.");
        return Plan(space, key, nameof(FrameStack), (box, _) =>
        {
            int[] shape = IsGray(box) ? [box.Shape[0], box.Shape[1], 1] : box.Shape;
            int c = shape[^1], pixels = box.FlatSize / c;
            var low = new float[box.FlatSize * n];
            var high = new float[box.FlatSize * n];
            for (int p = 0; p < pixels; p++)
            {
                for (int t = 0; t < n; t++)
                {
                    Array.Copy(box.Low, p * c, low, (p * n + t) * c, c);
                    Array.Copy(box.High, p * c, high, (p * n + t) * c, c);
                }
            }
            int[] outShape = (int[])shape.Clone();
            outShape[^1] = c * n;
            return new Box(low, high, outShape, box.DType);
        });
    }

    private protected override void Transform(ObsRow src, ObsRow dst, bool reset)
    {
        switch (_ring)
        {
            case float[] f: Stack(f, LeafSpan<float>(src, Leaf), LeafSpan<float>(dst, Leaf), reset); break;
            case byte[] b: Stack(b, LeafSpan<byte>(src, Leaf), LeafSpan<byte>(dst, Leaf), reset); break;
            case int[] i: Stack(i, LeafSpan<int>(src, Leaf), LeafSpan<int>(dst, Leaf), reset); break;
        }
    }

    private void Stack<T>(T[] ring, ReadOnlySpan<T> frame, Span<T> dst, bool reset) where T : unmanaged
    {
        if (reset)
        {
            // The newest slot gets the reset frame; the n - 1 older ones the padding.
            _head = 0;
            for (int t = 0; t < _n - 1; t++)
            {
                var slot = ring.AsSpan(t * _frame, _frame);
                if (Padding == FrameStackPadding.Reset) frame.CopyTo(slot);
                else slot.Clear();
            }
            frame.CopyTo(ring.AsSpan((_n - 1) * _frame, _frame));
        }
        else
        {
            frame.CopyTo(ring.AsSpan(_head * _frame, _frame));
            _head = (_head + 1) % _n;
        }
        int c = _c, pixels = _frame / c, stride = c * _n;
        for (int t = 0; t < _n; t++)
        {
            ReadOnlySpan<T> f = ring.AsSpan(((_head + t) % _n) * _frame, _frame);
            if (pixels == 1)
            {
                f.CopyTo(dst.Slice(t * c, c));
                continue;
            }
            if (c == 1)
            {
                for (int p = 0; p < pixels; p++) dst[p * stride + t] = f[p];   // grayscale: one value per pixel
                continue;
            }
            for (int p = 0; p < pixels; p++) f.Slice(p * c, c).CopyTo(dst.Slice(p * stride + t * c, c));
        }
    }
}
