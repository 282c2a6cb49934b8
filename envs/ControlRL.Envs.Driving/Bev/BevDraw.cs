namespace ControlRL.Envs.Driving.Bev;

/// <summary>
/// Tight, allocation-free rasterizers for the per-frame shapes, writing one channel of an interleaved image. Shapes
/// are in continuous pixel coordinates (pixel (r, c) spans [c, c+1) x [r, r+1)); a pixel is drawn when its centre
/// lies inside the shape (edges included), so results are exact and independent of drawing order (values combine by
/// maximum). A native OpenCV call costs about a microsecond; these draw an actor box in a fraction of that.
/// </summary>
internal readonly ref struct BevDraw
{
    private readonly Span<byte> _image;
    private readonly int _width, _height, _stride;

    public BevDraw(Span<byte> image, int width, int height, int stride)
    {
        _image = image;
        _width = width;
        _height = height;
        _stride = stride;
    }

    /// <summary>Fills the convex polygon <paramref name="xs"/>, <paramref name="ys"/> (either winding) in <paramref name="channel"/>.</summary>
    public void FillConvex(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, int channel, byte value)
    {
        Rows(ys, _height, out int r0, out int r1);
        for (int r = r0; r <= r1; r++)
        {
            if (!Columns(xs, ys, r, _width, out int c0, out int c1)) continue;
            Span<byte> row = _image.Slice(r * _width * _stride);
            for (int c = c0; c <= c1; c++)
            {
                ref byte px = ref row[c * _stride + channel];
                if (px < value) px = value;
            }
        }
    }

    /// <summary>Fills the convex polygon with a colour, overwriting the first three channels (RGB images).</summary>
    public void FillConvexRgb(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, byte red, byte green, byte blue)
    {
        Rows(ys, _height, out int r0, out int r1);
        for (int r = r0; r <= r1; r++)
        {
            if (!Columns(xs, ys, r, _width, out int c0, out int c1)) continue;
            Span<byte> row = _image.Slice(r * _width * _stride);
            for (int c = c0; c <= c1; c++)
            {
                row[c * _stride] = red;
                row[c * _stride + 1] = green;
                row[c * _stride + 2] = blue;
            }
        }
    }

    private static void Rows(ReadOnlySpan<double> ys, int height, out int r0, out int r1)
    {
        double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        foreach (double y in ys)
        {
            minY = Math.Min(minY, y);
            maxY = Math.Max(maxY, y);
        }
        r0 = Lo(minY, height);
        r1 = Hi(maxY, height);
    }

    // The columns whose centres lie inside the polygon on row r (the polygon is convex: one interval).
    private static bool Columns(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, int r, int width, out int c0, out int c1)
    {
        double y = r + 0.5, xl = double.PositiveInfinity, xr = double.NegativeInfinity;
        int n = xs.Length;
        for (int k = 0, prev = n - 1; k < n; prev = k++)
        {
            double ya = ys[prev], yb = ys[k];
            if ((ya <= y && yb >= y) || (yb <= y && ya >= y))
            {
                if (ya == yb)
                {
                    xl = Math.Min(xl, Math.Min(xs[prev], xs[k]));
                    xr = Math.Max(xr, Math.Max(xs[prev], xs[k]));
                }
                else
                {
                    double x = xs[prev] + (y - ya) * (xs[k] - xs[prev]) / (yb - ya);
                    xl = Math.Min(xl, x);
                    xr = Math.Max(xr, x);
                }
            }
        }
        c0 = Lo(xl, width);
        c1 = Hi(xr, width);
        return xl <= xr && c0 <= c1;
    }

    /// <summary>Fills the pixels whose centres lie within <paramref name="radius"/> of the segment a-b (a stroke with round caps).</summary>
    public void Capsule(double ax, double ay, double bx, double by, double radius, int channel, byte value)
    {
        int r0 = Lo(Math.Min(ay, by) - radius, _height), r1 = Hi(Math.Max(ay, by) + radius, _height);
        int c0 = Lo(Math.Min(ax, bx) - radius, _width), c1 = Hi(Math.Max(ax, bx) + radius, _width);
        double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy, rr = radius * radius;
        for (int r = r0; r <= r1; r++)
        {
            double py = r + 0.5 - ay;
            Span<byte> row = _image.Slice(r * _width * _stride);
            for (int c = c0; c <= c1; c++)
            {
                double px = c + 0.5 - ax;
                double t = len2 > 0 ? Math.Clamp((px * dx + py * dy) / len2, 0, 1) : 0;
                double ex = px - t * dx, ey = py - t * dy;
                if (ex * ex + ey * ey <= rr)
                {
                    ref byte p = ref row[c * _stride + channel];
                    if (p < value) p = value;
                }
            }
        }
    }

    // First and last pixel index whose centre is at or after lo / at or before hi, clamped to [0, n) (in doubles, so
    // far-away or infinite coordinates cannot overflow the conversion).
    private static int Lo(double lo, int n) => (int)Math.Clamp(Math.Ceiling(lo - 0.5), 0, n);

    private static int Hi(double hi, int n) => (int)Math.Clamp(Math.Floor(hi - 0.5), -1, n - 1);

    /// <summary>A one-pixel 8-connected line between the pixels containing a and b (Bresenham), clipped to the image.</summary>
    public void Line(double ax, double ay, double bx, double by, int channel, byte value)
    {
        // Endpoints far outside are pulled in first so the loop stays short; both lie within a few thousand pixels
        // of the image once actors out of view are culled.
        const double Far = 1 << 20;
        if (!(Math.Abs(ax) < Far && Math.Abs(ay) < Far && Math.Abs(bx) < Far && Math.Abs(by) < Far)) return;
        int x0 = (int)Math.Floor(ax), y0 = (int)Math.Floor(ay), x1 = (int)Math.Floor(bx), y1 = (int)Math.Floor(by);
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
        while (true)
        {
            if ((uint)x0 < (uint)_width && (uint)y0 < (uint)_height)
            {
                ref byte p = ref _image[(y0 * _width + x0) * _stride + channel];
                if (p < value) p = value;
            }
            if (x0 == x1 && y0 == y1) break;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; x0 += sx; }
            if (e2 <= dx) { err += dx; y0 += sy; }
        }
    }
}
