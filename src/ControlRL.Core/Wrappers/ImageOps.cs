namespace ControlRL.Core.Wrappers;

/// <summary>
/// The small uint8 image kernels of the observation wrappers, written to agree with OpenCV (what Gymnasium's and
/// SB3's pixel wrappers call) without depending on it.
/// </summary>
internal static class ImageOps
{
    // OpenCV's 14-bit fixed-point BT.601 luma (imgproc color.hpp: R2Y = 4899, G2Y = 9617, B2Y = 1868, yuv_shift = 14;
    // the weights 0.299, 0.587, 0.114 times 16384, rounded so they sum to 16384). Its uint8 RGB2GRAY computes
    // (R*R2Y + G*G2Y + B*B2Y + 2^13) >> 14 in every code path, so this is bit-exact with cv2.cvtColor.
    private const int R2Y = 4899, G2Y = 9617, B2Y = 1868, Shift = 14;

    /// <summary>Luma of each RGB pixel of <paramref name="rgb"/> (interleaved) into <paramref name="gray"/>.</summary>
    public static void RgbToGray(ReadOnlySpan<byte> rgb, Span<byte> gray)
    {
        for (int p = 0, i = 0; p < gray.Length; p++, i += 3)
            gray[p] = (byte)((rgb[i] * R2Y + rgb[i + 1] * G2Y + rgb[i + 2] * B2Y + (1 << (Shift - 1))) >> Shift);
    }

    /// <summary>Element-wise max of <paramref name="a"/> into <paramref name="dst"/> (frame max-pooling).</summary>
    public static void MaxInto(ReadOnlySpan<byte> a, Span<byte> dst)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            if (a[i] > dst[i]) dst[i] = a[i];
        }
    }
}

/// <summary>
/// OpenCV's INTER_AREA downscale of an interleaved uint8 image (imgproc resize.cpp), with the weights computed once.
/// Integer factors in both axes average whole blocks (resizeAreaFast: a 2x2 block rounds (sum + 2) >> 2, others
/// round sum * (1f / area) half to even as cvRound does); other factors (e.g. 96 -> 64) weight each source pixel by
/// its overlap with the destination cell (computeResizeAreaTab), accumulate rows in float as ResizeArea_Invoker
/// does and round half to even. Upscaling (where OpenCV switches to bilinear) is not supported.
/// </summary>
internal sealed class AreaResizer
{
    private readonly int _sh, _sw, _dh, _dw, _c;
    private readonly int _kx, _ky;              // integer factors, 0 when the general path is used
    private readonly Axis? _xs, _ys;
    private readonly float[] _rowBuf = [];      // one source row, resampled horizontally
    private readonly float[] _acc = [];         // one destination row being accumulated

    public AreaResizer(int srcHeight, int srcWidth, int dstHeight, int dstWidth, int channels)
    {
        if (dstHeight > srcHeight || dstWidth > srcWidth)
            throw new ArgumentException($"Area resize only downscales: {srcHeight}x{srcWidth} -> {dstHeight}x{dstWidth}.");
        if (dstHeight < 1 || dstWidth < 1) throw new ArgumentException($"Resize target {dstHeight}x{dstWidth} must be at least 1x1.");
        (_sh, _sw, _dh, _dw, _c) = (srcHeight, srcWidth, dstHeight, dstWidth, channels);
        if (srcHeight % dstHeight == 0 && srcWidth % dstWidth == 0)
        {
            _ky = srcHeight / dstHeight;
            _kx = srcWidth / dstWidth;
            return;
        }
        _xs = new Axis(srcWidth, dstWidth);
        _ys = new Axis(srcHeight, dstHeight);
        _rowBuf = new float[dstWidth * channels];
        _acc = new float[dstWidth * channels];
    }

    public void Resize(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        if (_xs is null) ResizeInteger(src, dst);
        else ResizeGeneral(src, dst);
    }

    private void ResizeInteger(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int c = _c, srow = _sw * c;
        if (_kx == 1 && _ky == 1)
        {
            src.CopyTo(dst);
            return;
        }
        float scale = 1f / (_kx * _ky);
        bool twoByTwo = _kx == 2 && _ky == 2;
        for (int dy = 0; dy < _dh; dy++)
        {
            for (int dx = 0; dx < _dw; dx++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    int sum = 0;
                    for (int y = dy * _ky; y < (dy + 1) * _ky; y++)
                    {
                        int o = y * srow + dx * _kx * c + ch;
                        for (int x = 0; x < _kx; x++, o += c) sum += src[o];
                    }
                    dst[(dy * _dw + dx) * c + ch] = twoByTwo ? (byte)((sum + 2) >> 2) : Saturate(sum * scale);
                }
            }
        }
    }

    private void ResizeGeneral(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        var xs = _xs!;
        var ys = _ys!;
        int c = _c, srow = _sw * c;
        for (int dy = 0; dy < _dh; dy++)
        {
            Array.Clear(_acc);
            for (int j = ys.Start[dy]; j < ys.Start[dy + 1]; j++)
            {
                ReadOnlySpan<byte> s = src.Slice(ys.Src[j] * srow, srow);
                Array.Clear(_rowBuf);
                for (int dx = 0; dx < _dw; dx++)
                {
                    for (int i = xs.Start[dx]; i < xs.Start[dx + 1]; i++)
                    {
                        int so = xs.Src[i] * c;
                        float alpha = xs.Weight[i];
                        for (int ch = 0; ch < c; ch++) _rowBuf[dx * c + ch] += s[so + ch] * alpha;
                    }
                }
                float beta = ys.Weight[j];
                for (int i = 0; i < _acc.Length; i++) _acc[i] += beta * _rowBuf[i];
            }
            Span<byte> d = dst.Slice(dy * _dw * c, _dw * c);
            for (int i = 0; i < d.Length; i++) d[i] = Saturate(_acc[i]);
        }
    }

    // cvRound (half to even) then clamp to 0..255, as saturate_cast<uchar>(float).
    private static byte Saturate(float v) => (byte)Math.Clamp((int)MathF.Round(v, MidpointRounding.ToEven), 0, 255);

    /// <summary>Per destination index, the source indices and weights along one axis (OpenCV's computeResizeAreaTab).</summary>
    private sealed class Axis
    {
        public readonly int[] Start;
        public readonly int[] Src;
        public readonly float[] Weight;

        public Axis(int ssize, int dsize)
        {
            double scale = (double)ssize / dsize;
            var src = new List<int>();
            var w = new List<float>();
            Start = new int[dsize + 1];
            for (int dx = 0; dx < dsize; dx++)
            {
                Start[dx] = src.Count;
                double f1 = dx * scale, f2 = f1 + scale;
                double cell = Math.Min(scale, ssize - f1);
                int s1 = (int)Math.Ceiling(f1), s2 = (int)Math.Floor(f2);
                s2 = Math.Min(s2, ssize - 1);
                s1 = Math.Min(s1, s2);
                if (s1 - f1 > 1e-3)
                {
                    src.Add(s1 - 1);
                    w.Add((float)((s1 - f1) / cell));
                }
                for (int s = s1; s < s2; s++)
                {
                    src.Add(s);
                    w.Add((float)(1.0 / cell));
                }
                if (f2 - s2 > 1e-3)
                {
                    src.Add(s2);
                    w.Add((float)(Math.Min(Math.Min(f2 - s2, 1.0), cell) / cell));
                }
            }
            Start[dsize] = src.Count;
            Src = src.ToArray();
            Weight = w.ToArray();
        }
    }
}
