using ControlRL.Core.Envs;
using ControlRL.Envs.Box2D.Native;
using OpenCvSharp;
using OpenCvSharp.Internal;

namespace ControlRL.Envs.Box2D;

// Video frames: Gymnasium's BipedalWalker.render with render_mode="rgb_array" (gymnasium/envs/box2d/bipedal_walker.py),
// and for the parameterized walkers the two things teachDeepRL's render does differently
// (teachDRL/gym_flowers/envs/bipedal_walker_continuous.py): every lidar ray in every frame, tinted hexagons.
// The reference draws with pygame on a surface int(VIEWPORT_W + max(0, scroll) * SCALE) pixels wide, y up, flips
// it and keeps its last VIEWPORT_W columns; here the same view is drawn straight into a frame-sized OpenCV canvas
// (RGB channel order, anti-aliased, vertices with 4 fractional bits).
public abstract unsafe partial class WalkerEnv
{
    /// <summary>Gymnasium's VIEWPORT_W: the default frame width.</summary>
    public const int DefaultRenderWidth = 600;

    /// <summary>Gymnasium's VIEWPORT_H: the default frame height.</summary>
    public const int DefaultRenderHeight = 400;

    /// <summary>Largest frame side <see cref="SetRenderSize"/> accepts.</summary>
    public const int MaxRenderSize = 4096;

    /// <summary>Smallest frame side <see cref="SetRenderSize"/> accepts.</summary>
    public const int MinRenderSize = 8;

    private const int Shift = 4; // fractional bits of OpenCV vertex coordinates
    private const double OneShift = 1 << Shift;

    // The reference's colours (pygame's port, RGB).
    private static readonly Scalar SkyColor = new(215, 215, 255);
    private static readonly Scalar GroundColor = new(102, 153, 76);
    private static readonly Scalar GrassEven = new(76, 255, 76);
    private static readonly Scalar GrassOdd = new(76, 204, 76);
    private static readonly Scalar ObstacleOutline = new(153, 153, 153);
    private static readonly Scalar LidarColor = new(255, 0, 0);
    private static readonly Scalar HullFill = new(127, 51, 229);
    private static readonly Scalar HullOutline = new(76, 76, 127);
    private static readonly Scalar FlagColor = new(230, 51, 0);
    private static readonly Scalar Black = new(0, 0, 0);

    // Legs of side i = -1, +1: color1 = (153, 76, 127) - 25 i, color2 = (102, 51, 76) - 25 i.
    private static readonly Scalar[] LegFill = [new(178, 101, 152), new(128, 51, 102)];
    private static readonly Scalar[] LegOutline = [new(127, 76, 101), new(77, 26, 51)];

    private int _renderWidth = DefaultRenderWidth;
    private int _renderHeight = DefaultRenderHeight;
    private Mat? _frame;
    private InputOutputArray? _frameIo; // imgproc_line takes an array wrapper; kept with the Mat
    private float[]? _bodies;
    private readonly Point[] _poly = new Point[WalkerDef.MaxHullVertices];
    private Point[] _groundPoly = new Point[2 * WalkerConstants.TerrainLength + 2];
    private readonly IntPtr[] _contours = new IntPtr[1];
    private readonly int[] _contourCounts = new int[1];

    public int RenderWidth => _renderWidth;

    public int RenderHeight => _renderHeight;

    /// <summary>
    /// Frame size; 600x400 (the reference's viewport) by default. Other sizes scale the same view (the walker
    /// stays a fifth of the width from the left edge), stretched when the aspect ratio differs from 3:2.
    /// </summary>
    public void SetRenderSize(int width, int height)
    {
        if (width is < MinRenderSize or > MaxRenderSize)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"{Id}: render width must be within {MinRenderSize}..{MaxRenderSize}.");
        if (height is < MinRenderSize or > MaxRenderSize)
            throw new ArgumentOutOfRangeException(nameof(height), height, $"{Id}: render height must be within {MinRenderSize}..{MaxRenderSize}.");
        _renderWidth = width;
        _renderHeight = height;
    }

    /// <summary>teachDeepRL draws every lidar ray; Gymnasium one at a time (see <see cref="Render"/>).</summary>
    private protected virtual bool DrawAllLidarRays => false;

    /// <summary>
    /// Draws the state after the last Reset/Step as the reference's "rgb_array" frame: sky, the ground below the
    /// terrain profile, the lidar, the grass edges, the obstacles, the legs, the hull and the start flag, the view
    /// scrolled so the hull stays a fifth of the viewport from the left. Clouds are not drawn (this port does not
    /// generate them). Gymnasium shows one lidar ray per frame, sweeping out and back over the first 20 of every
    /// 100 frames; the ray is chosen from the steps since Reset (the reference counts render calls, which is the
    /// same for a video rendered after reset and every step), so a frame depends on the state alone.
    /// Reads the world without changing it.
    /// </summary>
    public void Render(Span<byte> rgb)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int width = _renderWidth, height = _renderHeight;
        if (rgb.Length != width * height * 3)
            throw new ArgumentException($"{Id}: the frame buffer must hold {width * height * 3} bytes ({width}x{height}x3), got {rgb.Length}.", nameof(rgb));
        if (_needsReset)
            throw new InvalidOperationException($"{Id}: Render called before Reset (or after the simulation diverged).");
        if (_frame is null || _frame.Cols != width || _frame.Rows != height)
        {
            DisposeRender();
            _frame = new Mat(height, width, MatType.CV_8UC3);
            _frameIo = _frame;
        }
        int bodies = 1 + 4 * Morphology.Pairs;
        _bodies ??= new float[3 * bodies];
        int read;
        fixed (float* b = _bodies)
        {
            read = Box2DNative.bw_read_bodies(_handle, b);
        }
        if (read != bodies)
            throw new SimulatorException($"{Id}: the Box2D shim returned {read} bodies to draw, expected {bodies}.");

        Mat img = _frame;
        var view = new View(_out[4] - WalkerConstants.ViewportW / WalkerConstants.Scale / 5,
            width / WalkerConstants.ViewportW, height / WalkerConstants.ViewportH);
        int thickness = Math.Max(1, (int)Math.Round(Math.Min(view.Sx, view.Sy)));
        Check(NativeMethods.core_Mat_setTo_Scalar(img.CvPtr, Black, IntPtr.Zero));
        DrawSky(img, view);
        DrawGround(img, view);
        DrawLidar(img, view, thickness);
        DrawTerrainBodies(img, view, thickness);
        DrawWalker(img, view, thickness);
        DrawFlag(img, view, thickness);
        new ReadOnlySpan<byte>((void*)img.Data, width * height * 3).CopyTo(rgb);
    }

    /// <summary>World-to-frame transform of one frame.</summary>
    private readonly struct View
    {
        public readonly double Scroll; // metres: hull x - VIEWPORT_W / SCALE / 5
        public readonly double LeftPx; // first viewport column of the reference's surface that the frame shows
        public readonly double Sx, Sy; // frame pixels per viewport pixel

        public View(double scroll, double sx, double sy)
        {
            Scroll = scroll;
            LeftPx = Math.Floor(Math.Max(0.0, scroll) * WalkerConstants.Scale);
            Sx = sx;
            Sy = sy;
        }

        /// <summary>World x range the frame shows (metres).</summary>
        public double MinX => LeftPx / WalkerConstants.Scale;

        public double MaxX => (LeftPx + WalkerConstants.ViewportW) / WalkerConstants.Scale;

        /// <summary>World metres (y up) to fixed-point frame coordinates.</summary>
        public Point World(double x, double y) =>
            Viewport(x * WalkerConstants.Scale - LeftPx, WalkerConstants.ViewportH - y * WalkerConstants.Scale);

        /// <summary>Viewport pixels (y down, 600x400) to fixed-point frame coordinates (pixel centres at integers).</summary>
        public Point Viewport(double x, double y) =>
            new((int)Math.Round((x * Sx - 0.5) * OneShift), (int)Math.Round((y * Sy - 0.5) * OneShift));
    }

    // The sky polygon spans [scroll, scroll + VIEWPORT_W / SCALE]; while scroll < 0 the surface starts at x = 0,
    // so the reference leaves the columns right of the sky black.
    private void DrawSky(Mat img, in View view)
    {
        double right = view.Scroll >= 0 ? WalkerConstants.ViewportW
            : view.Scroll * WalkerConstants.Scale + WalkerConstants.ViewportW;
        int cols = Math.Min(img.Cols, (int)Math.Round(right * view.Sx));
        if (cols <= 0) return;
        Check(NativeMethods.imgproc_rectangle_Mat_Rect(img.CvPtr, new Rect(0, 0, cols, img.Rows), SkyColor, -1, (int)LineTypes.Link8, 0));
    }

    // The reference fills one quadrilateral per terrain segment down to y = 0, skipping segments that end before
    // scroll or start after scroll + VIEWPORT_W / SCALE; the visible ones form one run, filled here as one polygon
    // (adjacent anti-aliased quadrilaterals would show seams).
    private void DrawGround(Mat img, in View view)
    {
        IReadOnlyList<double> xs = Terrain.X, ys = Terrain.Y;
        double right = view.Scroll + WalkerConstants.ViewportW / WalkerConstants.Scale;
        int first = -1, last = -1;
        for (int i = 0; i + 1 < xs.Count; i++)
        {
            if (xs[i + 1] < view.Scroll || xs[i] > right) continue;
            if (first < 0) first = i;
            last = i;
        }
        if (first < 0) return;
        int n = last - first + 2;
        if (_groundPoly.Length < n + 2) _groundPoly = new Point[2 * (n + 2)];
        Point[] p = _groundPoly;
        for (int k = 0; k < n; k++) p[k] = view.World(xs[first + k], ys[first + k]);
        p[n] = view.World(xs[last + 1], 0);
        p[n + 1] = view.World(xs[first], 0);
        fixed (Point* pts = p)
        {
            _contours[0] = (IntPtr)pts;
            _contourCounts[0] = n + 2;
            Check(NativeMethods.imgproc_fillPoly_Mat(img.CvPtr, _contours, _contourCounts, 1, GroundColor, (int)LineTypes.AntiAlias, Shift, default));
        }
    }

    // Gymnasium increments a counter per render (mod 100) and draws ray i for i < 10, ray 19 - i for 10 <= i < 20,
    // none otherwise; from the hull to the hit point (the ray's end when nothing was hit).
    private void DrawLidar(Mat img, in View view, int thickness)
    {
        if (DrawAllLidarRays)
        {
            for (int i = 0; i < WalkerConstants.LidarRays; i++) DrawRay(img, view, i, thickness);
            return;
        }
        int k = (_stepsSinceReset + 1) % 100;
        if (k < 2 * WalkerConstants.LidarRays)
            DrawRay(img, view, k < WalkerConstants.LidarRays ? k : 2 * WalkerConstants.LidarRays - 1 - k, thickness);
    }

    private void DrawRay(Mat img, in View view, int ray, int thickness)
    {
        double x = _out[4], y = _out[5];
        double fraction = _out[_out.Length - WalkerConstants.LidarRays + ray];
        double angle = 1.5 * ray / WalkerConstants.LidarRays;
        double ex = x + Math.Sin(angle) * WalkerConstants.LidarRange;
        double ey = y - Math.Cos(angle) * WalkerConstants.LidarRange;
        Point a = view.World(x, y);
        Point b = view.World(x + fraction * (ex - x), y + fraction * (ey - y));
        Line(a, b, LidarColor, thickness);
    }

    // The reference's drawlist starts with its terrain bodies reversed: the grass edges (last first, colour
    // alternating with the segment index), then the obstacle polygons (last first), white or tinted with a grey
    // outline.
    private void DrawTerrainBodies(Mat img, in View view, int thickness)
    {
        IReadOnlyList<double> xs = Terrain.X, ys = Terrain.Y;
        double margin = 1.0;
        double minX = view.MinX - margin, maxX = view.MaxX + margin;
        for (int i = xs.Count - 2; i >= 0; i--)
        {
            if (xs[i + 1] < minX || xs[i] > maxX) continue;
            Line(view.World(xs[i], ys[i]), view.World(xs[i + 1], ys[i + 1]), i % 2 == 0 ? GrassEven : GrassOdd, thickness);
        }

        ReadOnlySpan<double> xy = Terrain.PolygonVertices();
        ReadOnlySpan<int> counts = Terrain.PolygonCounts();
        ReadOnlySpan<int> colors = Terrain.PolygonColors();
        IReadOnlyList<TerrainPolygon> polygons = Terrain.Polygons;
        int offset = xy.Length / 2;
        for (int k = counts.Length - 1; k >= 0; k--)
        {
            int n = counts[k];
            offset -= n;
            if (polygons[k].MaxX < minX || polygons[k].MinX > maxX || n > _poly.Length) continue;
            for (int v = 0; v < n; v++) _poly[v] = view.World(xy[2 * (offset + v)], xy[2 * (offset + v) + 1]);
            int c = colors[k];
            FillPolygon(img, n, new Scalar((c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF), ObstacleOutline, thickness);
        }
    }

    // Then the legs in creation order (per pair: upper and lower leg of side -1, then of side +1), then the hull.
    private void DrawWalker(Mat img, in View view, int thickness)
    {
        float[] b = _bodies!;
        var m = Morphology;
        double hy = m.LegHeight / 2;
        for (int j = 0; j < 4 * m.Pairs; j++)
        {
            double hx = j % 2 == 0 ? m.LegWidth / 2 : 0.8 * m.LegWidth / 2;
            double bx = b[3 * (j + 1)], by = b[3 * (j + 1) + 1], angle = b[3 * (j + 1) + 2];
            double c = Math.Cos(angle), s = Math.Sin(angle);
            _poly[0] = view.World(bx + c * -hx - s * -hy, by + s * -hx + c * -hy);
            _poly[1] = view.World(bx + c * hx - s * -hy, by + s * hx + c * -hy);
            _poly[2] = view.World(bx + c * hx - s * hy, by + s * hx + c * hy);
            _poly[3] = view.World(bx + c * -hx - s * hy, by + s * -hx + c * hy);
            int side = (j / 2) % 2;
            FillPolygon(img, 4, LegFill[side], LegOutline[side], thickness);
        }

        double x = b[0], y = b[1], ha = b[2];
        double hc = Math.Cos(ha), hs = Math.Sin(ha);
        IReadOnlyList<double> hull = m.HullPolygonPixels;
        int count = hull.Count / 2;
        for (int v = 0; v < count; v++)
        {
            double lx = hull[2 * v] / WalkerConstants.Scale, ly = hull[2 * v + 1] / WalkerConstants.Scale;
            _poly[v] = view.World(x + hc * lx - hs * ly, y + hs * lx + hc * ly);
        }
        FillPolygon(img, count, HullFill, HullOutline, thickness);
    }

    // The start flag: a 50 px pole at x = 3 terrain steps on TERRAIN_HEIGHT, a red pennant outlined in black.
    private void DrawFlag(Mat img, in View view, int thickness)
    {
        double x = WalkerConstants.TerrainStep * 3 * WalkerConstants.Scale - view.LeftPx;
        if (x + 25 < -2 || x > WalkerConstants.ViewportW + 2) return;
        double y1 = WalkerConstants.ViewportH - WalkerConstants.TerrainHeight * WalkerConstants.Scale;
        double y2 = y1 - 50;
        Line(view.Viewport(x, y1), view.Viewport(x, y2), Black, thickness);
        _poly[0] = view.Viewport(x, y2);
        _poly[1] = view.Viewport(x, y2 + 10);
        _poly[2] = view.Viewport(x + 25, y2 + 5);
        FillPolygon(img, 3, FlagColor, Black, thickness);
    }

    // A body polygon as the reference draws it: filled with color1, outlined with color2.
    private void FillPolygon(Mat img, int n, Scalar fill, Scalar outline, int thickness)
    {
        Point[] p = _poly;
        int minX = int.MaxValue, minY = int.MaxValue, maxX = int.MinValue, maxY = int.MinValue;
        for (int k = 0; k < n; k++)
        {
            minX = Math.Min(minX, p[k].X); maxX = Math.Max(maxX, p[k].X);
            minY = Math.Min(minY, p[k].Y); maxY = Math.Max(maxY, p[k].Y);
        }
        int margin = (thickness + 2) << Shift;
        if (maxX < -margin || maxY < -margin || minX > (img.Cols << Shift) + margin || minY > (img.Rows << Shift) + margin) return;
        Check(NativeMethods.imgproc_fillConvexPoly_Mat(img.CvPtr, p, n, fill, (int)LineTypes.AntiAlias, Shift));
        fixed (Point* pts = p)
        {
            _contours[0] = (IntPtr)pts;
            _contourCounts[0] = n;
            Check(NativeMethods.imgproc_polylines_Mat(img.CvPtr, _contours, _contourCounts, 1, 1, outline, thickness, (int)LineTypes.AntiAlias, Shift));
        }
    }

    private void Check(ExceptionStatus status)
    {
        if (status != ExceptionStatus.NotOccurred) throw new OpenCvSharpException($"{Id}: an OpenCV drawing call failed while rendering.");
    }

    private void DisposeRender()
    {
        _frameIo?.Dispose();
        _frameIo = null;
        _frame?.Dispose();
        _frame = null;
    }

    // OpenCvSharp's native line entry point takes an InputOutputArray wrapper, not a Mat.
    private void Line(Point a, Point b, Scalar color, int thickness) =>
        Check(NativeMethods.imgproc_line(_frameIo!.CvPtr, a, b, color, thickness, (int)LineTypes.AntiAlias, Shift));
}
