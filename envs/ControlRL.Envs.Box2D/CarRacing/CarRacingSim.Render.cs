using OpenCvSharp;
using OpenCvSharp.Internal;
using static ControlRL.Envs.Box2D.CarRacing.CarRacingConstants;

namespace ControlRL.Envs.Box2D.CarRacing;

// Drawing (Gymnasium gymnasium/envs/box2d/car_racing.py, CarRacing._render, and car_dynamics.py, Car.draw). The
// reference draws a 1000x800 window (y up, then flipped) and smooth-scales it; here the same window transform is
// composed with the scale to the target size and drawn straight into a small canvas, supersampled and area-
// downscaled (or anti-aliased at 1x), in RGB channel order.
public sealed unsafe partial class CarRacingSim
{
    /// <summary>Smallest and largest frame side <see cref="RenderFrame"/> draws.</summary>
    public const int MinFrameSize = 8, MaxFrameSize = 4096;

    private const int Shift = 4; // fractional bits of OpenCV vertex coordinates
    private const double OneShift = 1 << Shift;
    private const double CarSize = 0.02;

    private static readonly double[] HullPolys =
    [
        -60, 130, 60, 130, 60, 110, -60, 110,
        -15, 120, 15, 120, 20, 20, -20, 20,
        25, 20, 50, -10, 50, -40, 20, -90, -20, -90, -50, -40, -50, -10, -25, 20,
        -50, -120, 50, -120, 50, -90, -50, -90,
    ];
    private static readonly int[] HullPolyCounts = [4, 4, 8, 4];

    private readonly Point[][] _pts = [new Point[4], new Point[8]];
    private Canvas? _obsCanvas;
    private Canvas? _videoCanvas;
    private double[] _tileBounds = new double[4 * 512]; // world AABB per tile: minX, minY, maxX, maxY

    /// <summary>
    /// Supersampling factor of the observation: the scene is drawn at this multiple of 96x96 and area-averaged
    /// down (as the reference's smoothscale averages its 1000x800 window); 1 draws anti-aliased at 96x96.
    /// </summary>
    public int ObservationSupersample
    {
        get => _obsSupersample;
        set
        {
            if (value is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(value), value, "Supersample must be 1..8.");
            _obsSupersample = value;
        }
    }

    private int _obsSupersample = 2;

    /// <summary>Zoom of the current frame: from 0.1·SCALE at t=0 to ZOOM·SCALE at t=1 s (the reference's animation).</summary>
    public double CurrentZoom => 0.1 * Scale * Math.Max(1 - _t, 0) + Zoom * Scale * Math.Min(_t, 1);

    /// <summary>The 96x96x3 observation (HWC RGB) of the current state, as Gymnasium's "state_pixels".</summary>
    public void RenderObservation(Span<byte> rgb96x96x3)
    {
        if (rgb96x96x3.Length != ObservationBytes)
            throw new ArgumentException($"The observation buffer must hold {ObservationBytes} bytes (96x96x3), got {rgb96x96x3.Length}.", nameof(rgb96x96x3));
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureEpisode();
        int k = _obsSupersample;
        if (_obsCanvas is null || _obsCanvas.Supersample != k)
        {
            _obsCanvas?.Dispose();
            _obsCanvas = new Canvas(StateW, StateH, k);
        }
        Draw(_obsCanvas, rgb96x96x3, skidMarks: false);
    }

    /// <summary>A frame of any size (HWC RGB, width·height·3 bytes), e.g. 600x400 as Gymnasium's "rgb_array".</summary>
    public void RenderFrame(Span<byte> rgb, int width = VideoW, int height = VideoH)
    {
        if (width is < MinFrameSize or > MaxFrameSize || height is < MinFrameSize or > MaxFrameSize)
            throw new ArgumentOutOfRangeException(nameof(width), $"Frame size {width}x{height} must be within {MinFrameSize}..{MaxFrameSize}.");
        if (rgb.Length != width * height * 3)
            throw new ArgumentException($"The frame buffer must hold {width * height * 3} bytes ({width}x{height}x3), got {rgb.Length}.", nameof(rgb));
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureEpisode();
        if (_videoCanvas is null || _videoCanvas.Width != width || _videoCanvas.Height != height)
        {
            _videoCanvas?.Dispose();
            _videoCanvas = new Canvas(width, height, 1);
        }
        Draw(_videoCanvas, rgb, skidMarks: true);
    }

    // World bounding boxes of the tiles, for culling.
    private void PrepareRender()
    {
        int n = _track.Count;
        if (_tileBounds.Length < 4 * n) _tileBounds = new double[4 * n];
        ReadOnlySpan<double> v = _track.TileVertices;
        for (int i = 0; i < n; i++)
        {
            double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
            for (int k = 0; k < 4; k++)
            {
                double x = v[8 * i + 2 * k], y = v[8 * i + 2 * k + 1];
                minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
                minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
            }
            // Kerbs extend BORDER beyond the tile.
            _tileBounds[4 * i] = minX - Border;
            _tileBounds[4 * i + 1] = minY - Border;
            _tileBounds[4 * i + 2] = maxX + Border;
            _tileBounds[4 * i + 3] = maxY + Border;
        }
    }

    private void DisposeRender()
    {
        _obsCanvas?.Dispose();
        _videoCanvas?.Dispose();
    }

    /// <summary>Window-to-canvas transform for one frame.</summary>
    private struct View
    {
        public double Cos, Sin, Zoom, CarX, CarY; // rotation by -hull angle, about the car
        public double Sx, Sy;                     // canvas pixels per window pixel
        public double MinX, MinY, MaxX, MaxY;     // world AABB of the window, for culling

        public readonly Point ToCanvas(double wx, double wy)
        {
            double dx = wx - CarX, dy = wy - CarY;
            double x = Zoom * (dx * Cos - dy * Sin) + WindowW / 2.0;
            double y = Zoom * (dx * Sin + dy * Cos) + WindowH / 4.0;
            return Window(x, WindowH - y); // the reference flips the window vertically
        }

        /// <summary>Window pixel coordinates (y down) to fixed-point canvas coordinates (pixel centres at integers).</summary>
        public readonly Point Window(double x, double y) =>
            new((int)Math.Round((x * Sx - 0.5) * OneShift), (int)Math.Round((y * Sy - 0.5) * OneShift));

        public readonly bool Visible(double minX, double minY, double maxX, double maxY) =>
            maxX >= MinX && minX <= MaxX && maxY >= MinY && minY <= MaxY;
    }

    private View MakeView(Canvas canvas)
    {
        double zoom = CurrentZoom;
        double angle = -(double)_state.Hull.Angle;
        var view = new View
        {
            Cos = Math.Cos(angle),
            Sin = Math.Sin(angle),
            Zoom = zoom,
            CarX = _state.Hull.X,
            CarY = _state.Hull.Y,
            Sx = canvas.Supersample * (double)canvas.Width / WindowW,
            Sy = canvas.Supersample * (double)canvas.Height / WindowH,
        };
        // The window spans at most its half diagonal (plus the car's offset from its centre) around the car.
        double reach = Math.Sqrt(WindowW * WindowW / 4.0 + WindowH * WindowH * 9.0 / 16.0) / zoom;
        view.MinX = view.CarX - reach;
        view.MaxX = view.CarX + reach;
        view.MinY = view.CarY - reach;
        view.MaxY = view.CarY + reach;
        return view;
    }

    private void Draw(Canvas canvas, Span<byte> output, bool skidMarks)
    {
        Mat img = canvas.Draw;
        View view = MakeView(canvas);
        LineTypes line = canvas.Supersample == 1 ? LineTypes.AntiAlias : LineTypes.Link8;
        Check(NativeMethods.core_Mat_setTo_Scalar(img.CvPtr, Scalar.Black, IntPtr.Zero));

        // Background field and grass patches.
        Point[] quad = _pts[0];
        quad[0] = view.ToCanvas(Playfield, Playfield);
        quad[1] = view.ToCanvas(Playfield, -Playfield);
        quad[2] = view.ToCanvas(-Playfield, -Playfield);
        quad[3] = view.ToCanvas(-Playfield, Playfield);
        Fill(img, quad, 4, ColorOf(_bgColor), line);
        Scalar grass = ColorOf(_grassColor);
        for (int gx = -20; gx < 20; gx += 2)
        {
            for (int gy = -20; gy < 20; gy += 2)
            {
                double x0 = GrassDim * gx, y0 = GrassDim * gy;
                if (!view.Visible(x0, y0, x0 + GrassDim, y0 + GrassDim)) continue;
                quad[0] = view.ToCanvas(x0 + GrassDim, y0);
                quad[1] = view.ToCanvas(x0, y0);
                quad[2] = view.ToCanvas(x0, y0 + GrassDim);
                quad[3] = view.ToCanvas(x0 + GrassDim, y0 + GrassDim);
                Fill(img, quad, 4, grass, line);
            }
        }

        // Road tiles, each followed by its kerb. A tile any car part has touched takes the plain road colour
        // (the reference's listener overwrites the tile's shaded colour in place).
        ReadOnlySpan<double> tiles = _track.TileVertices;
        ReadOnlySpan<double> kerbs = _track.KerbVertices;
        ReadOnlySpan<bool> border = _track.Border;
        ReadOnlySpan<byte> flags = TileFlags;
        int kerb = 0;
        for (int i = 0; i < _track.Count; i++)
        {
            bool hasKerb = border[i];
            if (view.Visible(_tileBounds[4 * i], _tileBounds[4 * i + 1], _tileBounds[4 * i + 2], _tileBounds[4 * i + 3]))
            {
                double shade = (flags[i] & Native.CarRacingNative.TileTouched) != 0 ? 0 : 0.01 * (i % 3) * 255;
                FillWorld(img, view, tiles.Slice(8 * i, 8), RoadColor(shade), line);
                if (hasKerb)
                    FillWorld(img, view, kerbs.Slice(8 * kerb, 8), i % 2 == 0 ? new Scalar(255, 255, 255) : new Scalar(255, 0, 0), line);
            }
            if (hasKerb) kerb++;
        }

        if (skidMarks) DrawSkidMarks(canvas.DrawIo, view, line);
        DrawCar(img, view, line);
        DrawIndicators(img, canvas.DrawIo, view, line);
        canvas.CopyOut(output);
    }

    // OpenCvSharp's native entry points directly: the Cv2 wrappers allocate (InputArray wrappers, point copies)
    // on every call.
    // Polygons wholly outside the canvas are skipped (a native call costs about a microsecond).
    private static void Fill(Mat img, Point[] p, int n, Scalar color, LineTypes line)
    {
        int minX = int.MaxValue, minY = int.MaxValue, maxX = int.MinValue, maxY = int.MinValue;
        for (int k = 0; k < n; k++)
        {
            minX = Math.Min(minX, p[k].X); maxX = Math.Max(maxX, p[k].X);
            minY = Math.Min(minY, p[k].Y); maxY = Math.Max(maxY, p[k].Y);
        }
        const int margin = 2 << Shift; // anti-aliased edges reach a pixel beyond the vertices
        if (maxX < -margin || maxY < -margin || minX > (img.Cols << Shift) + margin || minY > (img.Rows << Shift) + margin) return;
        Check(NativeMethods.imgproc_fillConvexPoly_Mat(img.CvPtr, p, n, color, (int)line, Shift));
    }

    private static void Check(ExceptionStatus status)
    {
        if (status != ExceptionStatus.NotOccurred) throw new OpenCvSharpException("An OpenCV drawing call failed while rendering CarRacing.");
    }

    private Scalar RoadColor(double shade) =>
        new((int)(_roadColor[0] + shade), (int)(_roadColor[1] + shade), (int)(_roadColor[2] + shade));

    private static Scalar ColorOf(double[] c) => new((int)c[0], (int)c[1], (int)c[2]);

    private void FillWorld(Mat img, in View view, ReadOnlySpan<double> xy, Scalar color, LineTypes line)
    {
        Point[] p = _pts[0];
        for (int k = 0; k < 4; k++) p[k] = view.ToCanvas(xy[2 * k], xy[2 * k + 1]);
        Fill(img, p, 4, color, line);
    }

    // Car.draw: wheels (black, with the grey band that shows their spin), then the hull.
    private void DrawCar(Mat img, in View view, LineTypes line)
    {
        const double ww = 14 * CarSize, wr = 27 * CarSize;
        Point[] p = _pts[0];
        for (int w = 0; w < 4; w++)
        {
            Native.CarBodyState b = _state.Wheel(w);
            BodyPoly(view, b, -ww, wr, ww, wr, ww, -wr, -ww, -wr, p);
            Fill(img, p, 4, Scalar.Black, line);

            double a1 = _state.WheelPhase[w], a2 = a1 + 1.2;
            double s1 = Math.Sin(a1), s2 = Math.Sin(a2), c1 = Math.Cos(a1), c2 = Math.Cos(a2);
            if (s1 > 0 && s2 > 0) continue;
            if (s1 > 0) c1 = Math.Sign(c1);
            if (s2 > 0) c2 = Math.Sign(c2);
            BodyPoly(view, b, -ww, wr * c1, ww, wr * c1, ww, wr * c2, -ww, wr * c2, p);
            Fill(img, p, 4, new Scalar(77, 77, 77), line);
        }

        Native.CarBodyState h = _state.Hull;
        Scalar red = new(204, 0, 0); // int(0.8 * 255)
        int offset = 0;
        foreach (int n in HullPolyCounts)
        {
            Point[] q = _pts[1];
            for (int k = 0; k < n; k++)
            {
                double lx = HullPolys[offset + 2 * k] * CarSize, ly = HullPolys[offset + 2 * k + 1] * CarSize;
                q[k] = view.ToCanvas(h.X + h.Cos * lx - h.Sin * ly, h.Y + h.Sin * lx + h.Cos * ly);
            }
            offset += 2 * n;
            Fill(img, q, n, red, line);
        }
    }

    // Polylines 2 window pixels wide: black on road, mud (102, 102, 0) on grass.
    private void DrawSkidMarks(InputOutputArray img, in View view, LineTypes line)
    {
        int thickness = Math.Max(1, (int)Math.Round(2 * view.Sx));
        for (int i = 0; i < _skids.Count; i++)
        {
            SkidMarks.Trace t = _skids[i];
            Scalar color = t.Grass ? new Scalar(102, 102, 0) : Scalar.Black;
            Point a = view.ToCanvas(t.X[0], t.Y[0]);
            for (int k = 1; k < t.Count; k++)
            {
                Point b = view.ToCanvas(t.X[k], t.Y[k]);
                Check(NativeMethods.imgproc_line(img.CvPtr, a, b, color, thickness, (int)line, Shift));
                a = b;
            }
        }
    }

    private static void BodyPoly(in View view, in Native.CarBodyState b, double x0, double y0, double x1, double y1,
        double x2, double y2, double x3, double y3, Point[] p)
    {
        p[0] = view.ToCanvas(b.X + b.Cos * x0 - b.Sin * y0, b.Y + b.Sin * x0 + b.Cos * y0);
        p[1] = view.ToCanvas(b.X + b.Cos * x1 - b.Sin * y1, b.Y + b.Sin * x1 + b.Cos * y1);
        p[2] = view.ToCanvas(b.X + b.Cos * x2 - b.Sin * y2, b.Y + b.Sin * x2 + b.Cos * y2);
        p[3] = view.ToCanvas(b.X + b.Cos * x3 - b.Sin * y3, b.Y + b.Sin * x3 + b.Cos * y3);
    }

    // The bottom bar (_render_indicators), in window pixels after the flip: true speed, four wheel spins, steering,
    // gyroscope; then the reward counter.
    private void DrawIndicators(Mat img, InputOutputArray io, in View view, LineTypes line)
    {
        const double w = WindowW, h = WindowH, s = w / 40.0, hh = h / 40.0;
        WindowRect(img, view, 0, h - 5 * hh, w, h, Scalar.Black, line);

        double speed = CarSpeed;
        if (Math.Abs(speed) > 1e-4) Vertical(img, view, 5, 0.02 * speed, new Scalar(255, 255, 255), line);
        for (int i = 0; i < 4; i++)
        {
            double omega = _state.WheelOmega[i];
            if (Math.Abs(omega) > 1e-4)
                Vertical(img, view, 7 + i, 0.01 * omega, i < 2 ? new Scalar(0, 0, 255) : new Scalar(51, 0, 255), line);
        }
        double steer = _state.JointAngle[0];
        if (Math.Abs(steer) > 1e-4) Horizontal(img, view, 20, -10.0 * steer, new Scalar(0, 255, 0), line);
        double gyro = _state.Hull.Omega;
        if (Math.Abs(gyro) > 1e-4) Horizontal(img, view, 30, -0.8 * gyro, new Scalar(255, 0, 0), line);

        DrawRewardText(io, view);

        void Vertical(Mat m, in View v, int place, double val, Scalar c, LineTypes l) =>
            WindowRect(m, v, place * s, h - (hh + hh * val), (place + 1) * s, h - hh, c, l);

        void Horizontal(Mat m, in View v, int place, double val, Scalar c, LineTypes l) =>
            WindowRect(m, v, place * s, h - 4 * hh, (place + val) * s, h - 2 * hh, c, l);
    }

    private void WindowRect(Mat img, in View view, double x0, double y0, double x1, double y1, Scalar color, LineTypes line)
    {
        Point[] p = _pts[0];
        p[0] = view.Window(x0, y0);
        p[1] = view.Window(x1, y0);
        p[2] = view.Window(x1, y1);
        p[3] = view.Window(x0, y1);
        Fill(img, p, 4, color, line);
    }

    private string _rewardText = "";
    private long _rewardTextValue = long.MinValue;

    // The reference prints f"{reward:04.0f}" in a 42 px sans font centred at (60, H - 2.5·H/40); Hershey simplex
    // scaled to the digits' height stands in for it.
    private void DrawRewardText(InputOutputArray img, in View view)
    {
        double r = Math.Round(_displayReward, MidpointRounding.ToEven);
        bool negative = _displayReward < 0 || double.IsNegative(_displayReward);
        long key = negative ? -(long)Math.Abs(r) - 1 : (long)r;
        if (key != _rewardTextValue)
        {
            _rewardTextValue = key;
            long mag = (long)Math.Abs(r);
            _rewardText = negative ? "-" + mag.ToString("000") : mag.ToString("0000");
        }
        double digitHeight = 30 * view.Sy; // the sans digits are about 30 window pixels tall
        if (digitHeight < 2) return;
        double scale = digitHeight / 22.0;  // Hershey simplex digits are 22 units tall at scale 1
        int thickness = Math.Max(1, (int)Math.Round(4 * view.Sy));
        Check(NativeMethods.imgproc_getTextSize(_rewardText, (int)HersheyFonts.HersheySimplex, scale, thickness, out _, out Size size));
        double cx = 60 * view.Sx, cy = (WindowH - WindowH * 2.5 / 40.0) * view.Sy;
        var origin = new Point((int)Math.Round(cx - size.Width / 2.0), (int)Math.Round(cy + size.Height / 2.0));
        Check(NativeMethods.imgproc_putText(img.CvPtr, _rewardText, origin, (int)HersheyFonts.HersheySimplex, scale, Scalar.White,
            thickness, (int)LineTypes.AntiAlias, 0));
    }

    /// <summary>Preallocated drawing buffers for one output size.</summary>
    private sealed class Canvas : IDisposable
    {
        public readonly int Width, Height, Supersample;
        public readonly Mat Draw;   // Width·k x Height·k, RGB
        public readonly InputOutputArray DrawIo; // kept: the array-taking entry points want these wrappers
        private readonly Mat? _small;
        private readonly InputArray? _drawIn;
        private readonly OutputArray? _smallOut;

        public Canvas(int width, int height, int supersample)
        {
            Width = width;
            Height = height;
            Supersample = supersample;
            Draw = new Mat(height * supersample, width * supersample, MatType.CV_8UC3);
            DrawIo = Draw;
            if (supersample > 1)
            {
                _small = new Mat(height, width, MatType.CV_8UC3);
                _drawIn = Draw;
                _smallOut = _small;
            }
        }

        public void CopyOut(Span<byte> output)
        {
            Mat src = Draw;
            if (_small is not null)
            {
                Check(NativeMethods.imgproc_resize(_drawIn!.CvPtr, _smallOut!.CvPtr, new Size(Width, Height), 0, 0, (int)InterpolationFlags.Area));
                src = _small;
            }
            new ReadOnlySpan<byte>((void*)src.Data, Width * Height * 3).CopyTo(output);
        }

        public void Dispose()
        {
            _drawIn?.Dispose();
            _smallOut?.Dispose();
            DrawIo.Dispose();
            Draw.Dispose();
            _small?.Dispose();
        }
    }
}
