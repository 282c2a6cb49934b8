using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Bev;

public sealed partial class BevRenderer
{
    /// <summary>Smallest and largest side of <see cref="RenderRgb"/> images.</summary>
    public const int MinRgbSize = 32, MaxRgbSize = 2048;

    // The RGB view's own buffers (all ten channels, and their colours at raster size), made on first use.
    private byte[]? _rgbChannels, _rgbSmall;
    private int[] _rgbCols = [], _rgbRows = [];

    /// <summary>Colours of the RGB view, RGB order.</summary>
    public static class Colours
    {
        public static readonly (byte R, byte G, byte B) Background = (18, 18, 18);
        public static readonly (byte R, byte G, byte B) Shoulder = (62, 62, 62);
        public static readonly (byte R, byte G, byte B) Road = (110, 110, 110);
        public static readonly (byte R, byte G, byte B) Route = (82, 112, 190);
        public static readonly (byte R, byte G, byte B) SolidMarking = (255, 255, 255);
        public static readonly (byte R, byte G, byte B) DashedMarking = (190, 190, 190);
        public static readonly (byte R, byte G, byte B) StopSign = (170, 20, 60);
        public static readonly (byte R, byte G, byte B) GreenLight = (0, 215, 0);
        public static readonly (byte R, byte G, byte B) YellowLight = (255, 210, 0);
        public static readonly (byte R, byte G, byte B) RedLight = (255, 0, 0);
        public static readonly (byte R, byte G, byte B) SpeedSign = (0, 170, 170);
        public static readonly (byte R, byte G, byte B) StaticObject = (255, 140, 0);
        public static readonly (byte R, byte G, byte B) Ego = (80, 230, 120);

        /// <summary>Vehicles are blue and pedestrians magenta, brighter the faster (the channel value scales the colour).</summary>
        public static (byte R, byte G, byte B) Vehicle(byte value) => ((byte)(value * 40 / 255), (byte)(value * 90 / 255), value);

        public static (byte R, byte G, byte B) Pedestrian(byte value) => (value, 0, value);
    }

    /// <summary>
    /// A colour picture of the raster for people (episode videos): all ten channels composited (see
    /// <see cref="Colours"/>; later layers cover earlier ones: shoulder, road, route, markings, stop signs, lights,
    /// speed signs, static objects, vehicles, pedestrians) and the ego's box, scaled to
    /// <paramref name="width"/> x <paramref name="height"/> (nearest pixel), RGB, top row first. Does not advance the
    /// route tracker, so rendering never changes the observations.
    /// </summary>
    public void RenderRgb(in BevScene scene, Span<byte> rgb, int width, int height)
    {
        if (width < MinRgbSize || width > MaxRgbSize) throw new ArgumentOutOfRangeException(nameof(width), width, $"BEV RGB width must be {MinRgbSize}..{MaxRgbSize} px.");
        if (height < MinRgbSize || height > MaxRgbSize) throw new ArgumentOutOfRangeException(nameof(height), height, $"BEV RGB height must be {MinRgbSize}..{MaxRgbSize} px.");
        if (rgb.Length != width * height * 3)
            throw new ArgumentException($"BEV RGB buffer has {rgb.Length} bytes; {width} x {height} x 3 needs {width * height * 3}.", nameof(rgb));
        var cfg = Config;
        int w = cfg.Width, h = cfg.Height;
        var all = _allChannels;
        _rgbChannels ??= new byte[w * h * all.Count];
        _rgbSmall ??= new byte[w * h * 3];
        double progress = Prepare(scene, commit: false);
        Draw(scene, progress, _rgbChannels, all);

        ReadOnlySpan<byte> chans = _rgbChannels;
        Span<byte> small = _rgbSmall;
        for (int i = 0; i < w * h; i++)
        {
            ReadOnlySpan<byte> px = chans.Slice(i * all.Count, all.Count);
            var colour = Colours.Background;
            if (px[all.Shoulder] != 0) colour = Colours.Shoulder;
            if (px[all.Road] != 0) colour = Colours.Road;
            if (px[all.Route] != 0) colour = Colours.Route;
            if (px[all.Markings] != 0) colour = px[all.Markings] == 255 ? Colours.SolidMarking : Colours.DashedMarking;
            if (px[all.Stops] != 0) colour = Colours.StopSign;
            byte light = px[all.Lights];
            if (light != 0) colour = light <= (GreenValue + YellowValue) / 2 ? Colours.GreenLight : light <= (YellowValue + RedValue) / 2 ? Colours.YellowLight : Colours.RedLight;
            if (px[all.SpeedSigns] != 0) colour = Colours.SpeedSign;
            if (px[all.Statics] != 0) colour = Colours.StaticObject;
            if (px[all.Vehicles] != 0) colour = Colours.Vehicle(px[all.Vehicles]);
            if (px[all.Pedestrians] != 0) colour = Colours.Pedestrian(px[all.Pedestrians]);
            small[3 * i] = colour.R;
            small[3 * i + 1] = colour.G;
            small[3 * i + 2] = colour.B;
        }

        if (_rgbCols.Length != width) _rgbCols = MapIndices(width, w);
        if (_rgbRows.Length != height) _rgbRows = MapIndices(height, h);
        for (int y = 0; y < height; y++)
        {
            Span<byte> dst = rgb.Slice(y * width * 3, width * 3);
            if (y > 0 && _rgbRows[y] == _rgbRows[y - 1])
            {
                rgb.Slice((y - 1) * width * 3, width * 3).CopyTo(dst);
                continue;
            }
            ReadOnlySpan<byte> src = small.Slice(_rgbRows[y] * w * 3, w * 3);
            for (int x = 0; x < width; x++)
            {
                int s = 3 * _rgbCols[x];
                dst[3 * x] = src[s];
                dst[3 * x + 1] = src[s + 1];
                dst[3 * x + 2] = src[s + 2];
            }
        }

        // The ego (in no observation channel, as in CaRL) drawn at the picture's resolution.
        double sx = (double)width / w, sy = (double)height / h;
        var ego = scene.Ego;
        Span<Vec2> corners = stackalloc Vec2[4];
        ego.Corners(corners);
        Span<double> xs = stackalloc double[4], ys = stackalloc double[4];
        for (int k = 0; k < 4; k++)
        {
            Vec2 p = cfg.WorldToPixel(ego, corners[k]);
            xs[k] = p.X * sx;
            ys[k] = p.Y * sy;
        }
        new BevDraw(rgb, width, height, 3).FillConvexRgb(xs, ys, Colours.Ego.R, Colours.Ego.G, Colours.Ego.B);
    }

    // Nearest source index for each of n output pixels spanning the same extent as m source pixels.
    private static int[] MapIndices(int n, int m)
    {
        var map = new int[n];
        for (int i = 0; i < n; i++) map[i] = Math.Min(m - 1, (int)((i + 0.5) * m / n));
        return map;
    }
}
