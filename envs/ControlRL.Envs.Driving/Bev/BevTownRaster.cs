using System.Runtime.CompilerServices;
using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;
using OpenCvSharp;

namespace ControlRL.Envs.Driving.Bev;

/// <summary>
/// The static layers of a town (road surface, lane markings solid or dashed, shoulder) rasterized once at the BEV
/// resolution, packed as bit flags in one byte per pixel: a 1.6 km town is 2.6 MB at 1 px/m and 10.5 MB at 2 px/m.
/// Areas are exact (a pixel is road when its centre lies on a lane or junction; shoulder when on a shoulder strip
/// and not road); markings are OpenCV one-pixel polylines, dashes 3 m on, 3 m off by default.
/// Immutable once built and shared by every renderer of the same town and drawing settings (<see cref="For"/>), so
/// many envs cost the memory once. Pixel (i, j) covers x in [X0 + j / ppm, X0 + (j + 1) / ppm) and likewise y with
/// rows (rows grow northwards; the BEV window is sampled from it, so the plane's orientation never shows).
/// </summary>
internal sealed class BevTownRaster
{
    public const byte Road = 1, Marking = 2, Dashed = 4, Shoulder = 8;

    // Sub-pixel bits of OpenCV's fixed-point drawing coordinates.
    private const int Shift = 8;
    private const double One = 1 << Shift;

    private static readonly ConditionalWeakTable<RoadNetwork, Dictionary<Key, BevTownRaster>> Cache = [];

    private BevTownRaster(double x0, double y0, int cols, int rows, double ppm, byte[] cells)
    {
        X0 = x0;
        Y0 = y0;
        Cols = cols;
        Rows = rows;
        PixelsPerMetre = ppm;
        Cells = cells;
    }

    public double X0 { get; }
    public double Y0 { get; }
    public int Cols { get; }
    public int Rows { get; }
    public double PixelsPerMetre { get; }

    /// <summary>Row-major flags, Rows x Cols. Read only.</summary>
    public byte[] Cells { get; }

    private readonly record struct Key(double Ppm, double MarkingWidth, double DashLength, double DashGap);

    /// <summary>The shared raster of <paramref name="town"/> for <paramref name="config"/>'s resolution and marking settings, built on first use.</summary>
    public static BevTownRaster For(RoadNetwork town, BevConfig config)
    {
        var key = new Key(config.PixelsPerMetre, config.MarkingWidth, config.DashLength, config.DashGap);
        var byKey = Cache.GetValue(town, _ => []);
        lock (byKey)
        {
            if (!byKey.TryGetValue(key, out var raster)) byKey[key] = raster = Build(town, key);
            return raster;
        }
    }

    /// <summary>Flags at world point <paramref name="p"/> (0 outside the raster).</summary>
    public byte At(Vec2 p)
    {
        double jx = (p.X - X0) * PixelsPerMetre, iy = (p.Y - Y0) * PixelsPerMetre;
        if (!(jx >= 0 && jx < Cols && iy >= 0 && iy < Rows)) return 0;
        return Cells[(int)iy * Cols + (int)jx];
    }

    private static BevTownRaster Build(RoadNetwork town, Key key)
    {
        double ppm = key.Ppm;
        // Extent: lanes (with width), junction outlines, and the shoulder beyond the outermost lanes.
        double minX = town.Min.X, minY = town.Min.Y, maxX = town.Max.X, maxY = town.Max.Y;
        foreach (var j in town.Junctions)
            foreach (var p in j.Polygon)
            {
                minX = Math.Min(minX, p.X); maxX = Math.Max(maxX, p.X);
                minY = Math.Min(minY, p.Y); maxY = Math.Max(maxY, p.Y);
            }
        double margin = town.ShoulderWidth + 2;
        double x0 = Math.Floor(minX - margin), y0 = Math.Floor(minY - margin);
        long cols = (long)Math.Ceiling((maxX + margin - x0) * ppm), rows = (long)Math.Ceiling((maxY + margin - y0) * ppm);
        if (cols * rows > 1L << 30)
            throw new ArgumentException($"town '{town.Name}' spans {maxX - minX:0} x {maxY - minY:0} m: its BEV raster at {ppm} px/m would need {cols * rows / 1e6:0} M pixels (limit 1074 M).");

        var raster = new Raster(x0, y0, ppm);
        int w = (int)cols, h = (int)rows;
        // Areas: a pixel belongs to a lane, junction or shoulder when its centre does (our exact scanline fill).
        // Markings: OpenCV's one-pixel 8-connected polylines, so thin paint never falls between pixel centres.
        var road = new byte[cols * rows];
        var shoulder = new byte[cols * rows];
        using var solid = new Mat(h, w, MatType.CV_8UC1, Scalar.All(0));
        using var dashed = new Mat(h, w, MatType.CV_8UC1, Scalar.All(0));
        var white = Scalar.All(255);
        int thickness = Math.Max(1, (int)Math.Round(key.MarkingWidth * ppm));

        foreach (var lane in town.Lanes)
        {
            var left = OffsetPoints(lane.Centre, lane.Width / 2);
            var right = OffsetPoints(lane.Centre, -lane.Width / 2);
            // Segment quads between the mitred boundaries: consecutive quads share their edges, so bends leave no gaps.
            FillStrip(road, w, h, raster, left, right);
            if (lane.RightMark == LaneMark.Edge && town.ShoulderWidth > 0)
                FillStrip(shoulder, w, h, raster, right, OffsetPoints(lane.Centre, -lane.Width / 2 - town.ShoulderWidth));
            if (lane.LeftMark == LaneMark.Edge && town.ShoulderWidth > 0)
                FillStrip(shoulder, w, h, raster, OffsetPoints(lane.Centre, lane.Width / 2 + town.ShoulderWidth), left);
            DrawMark(lane.LeftMark, left);
            DrawMark(lane.RightMark, right);
        }
        foreach (var j in town.Junctions)
        {
            var xs = new double[j.Polygon.Count];
            var ys = new double[j.Polygon.Count];
            for (int k = 0; k < xs.Length; k++) (xs[k], ys[k]) = raster.ToPlane(j.Polygon[k]);
            new BevDraw(road, w, h, 1).FillConvex(xs, ys, 0, 255);
        }

        var cells = new byte[cols * rows];
        unsafe
        {
            byte* s = solid.DataPointer, d = dashed.DataPointer;
            for (long i = 0; i < cells.LongLength; i++)
            {
                int f = 0;
                if (road[i] != 0) f |= Road;
                else if (shoulder[i] != 0) f |= Shoulder;
                if (s[i] != 0) f |= Marking;
                else if (d[i] != 0) f |= Marking | Dashed;
                cells[i] = (byte)f;
            }
        }
        return new BevTownRaster(x0, y0, (int)cols, (int)rows, ppm, cells);

        void DrawMark(LaneMark mark, Vec2[] line)
        {
            switch (mark)
            {
                case LaneMark.Solid:
                case LaneMark.Edge:
                    Cv2.Polylines(solid, [line.Select(raster.ToPixel).ToArray()], false, white, thickness, LineTypes.Link8, Shift);
                    break;
                case LaneMark.Dashed:
                    var poly = new Polyline(line);
                    double period = key.DashLength + key.DashGap;
                    // A one-pixel line covers both end pixels: inset each dash by half a pixel so it paints its length.
                    double inset = Math.Min(0.5 / ppm, key.DashLength / 4);
                    for (double s = 0; s < poly.Length; s += period)
                    {
                        double from = s + inset, to = Math.Min(poly.Length, s + key.DashLength - inset);
                        if (to - from < 0.01) continue;
                        var dash = poly.Slice(from, to);
                        Cv2.Polylines(dashed, [dash.Points.ToArray().Select(raster.ToPixel).ToArray()], false, white, thickness, LineTypes.Link8, Shift);
                    }
                    break;
            }
        }
    }

    private static void FillStrip(byte[] plane, int w, int h, in Raster raster, Vec2[] a, Vec2[] b)
    {
        var draw = new BevDraw(plane, w, h, 1);
        Span<double> xs = stackalloc double[4], ys = stackalloc double[4];
        for (int i = 0; i + 1 < a.Length; i++)
        {
            (xs[0], ys[0]) = raster.ToPlane(a[i]);
            (xs[1], ys[1]) = raster.ToPlane(a[i + 1]);
            (xs[2], ys[2]) = raster.ToPlane(b[i + 1]);
            (xs[3], ys[3]) = raster.ToPlane(b[i]);
            draw.FillConvex(xs, ys, 0, 255);
        }
    }

    /// <summary>The curve's points shifted sideways by <paramref name="offset"/> (left positive) with mitred joints, one per point (as <see cref="Polyline.Offset"/>, which may merge points).</summary>
    internal static Vec2[] OffsetPoints(Polyline line, double offset)
    {
        var pts = line.Points;
        var result = new Vec2[pts.Length];
        for (int i = 0; i < pts.Length; i++)
        {
            Vec2 n;
            if (i == 0) n = line.SegmentDirection(0).Left;
            else if (i == pts.Length - 1) n = line.SegmentDirection(i - 1).Left;
            else
            {
                Vec2 n0 = line.SegmentDirection(i - 1).Left, n1 = line.SegmentDirection(i).Left;
                Vec2 m = (n0 + n1).Normalized();
                double cos = m.Dot(n0);
                n = cos > 0.2 ? m * (1 / cos) : n0;
            }
            result[i] = pts[i] + n * offset;
        }
        return result;
    }

    private readonly record struct Raster(double X0, double Y0, double Ppm)
    {
        /// <summary>World to continuous plane coordinates (pixel (i, j) spans [j, j+1) x [i, i+1)).</summary>
        public (double X, double Y) ToPlane(Vec2 p) => ((p.X - X0) * Ppm, (p.Y - Y0) * Ppm);

        /// <summary>World to OpenCV fixed-point pixel coordinates (integer = pixel centre).</summary>
        public Point ToPixel(Vec2 p) =>
            new((int)Math.Round(((p.X - X0) * Ppm - 0.5) * One), (int)Math.Round(((p.Y - Y0) * Ppm - 0.5) * One));
    }
}
