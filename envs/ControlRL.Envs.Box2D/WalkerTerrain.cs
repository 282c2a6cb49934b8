using System.Runtime.InteropServices;

namespace ControlRL.Envs.Box2D;

/// <summary>What a terrain polygon is (for tests and tools; the simulator only sees its vertices).</summary>
public enum TerrainFeature
{
    /// <summary>Gymnasium hardcore stump: a square block of 1 or 2 terrain steps.</summary>
    Stump,

    /// <summary>One wall of a Gymnasium hardcore pit (two per pit).</summary>
    PitWall,

    /// <summary>One step of a Gymnasium hardcore staircase.</summary>
    Stair,

    /// <summary>teachDeepRL Stump Tracks stump: one terrain step wide, height drawn around the task's mean.</summary>
    TrackStump,

    /// <summary>teachDeepRL Hexagon Tracks obstacle.</summary>
    Hexagon,
}

/// <summary>One static terrain polygon, with its bounding box and the ground height it stands on.</summary>
public readonly record struct TerrainPolygon(TerrainFeature Feature, double MinX, double MaxX, double MinY, double MaxY, double GroundY)
{
    /// <summary>Top of the polygon above the ground it stands on (metres).</summary>
    public double Height => MaxY - GroundY;
}

/// <summary>
/// The terrain of the current episode: the ground profile (points joined by two-sided edges) and the obstacle
/// polygons. Buffers are reused across resets; read it between resets only.
/// </summary>
public sealed class WalkerTerrain
{
    private readonly List<double> _x = new(512);
    private readonly List<double> _y = new(512);
    private readonly List<TerrainPolygon> _polygons = new(256);
    private readonly List<double> _polygonXy = new(2048);
    private readonly List<int> _polygonCounts = new(256);
    private readonly List<int> _polygonColors = new(256);
    private double[] _edgeBuffer = new double[4 * 512];

    /// <summary>x of the ground profile points (metres, increasing).</summary>
    public IReadOnlyList<double> X => _x;

    /// <summary>y of the ground profile points (metres).</summary>
    public IReadOnlyList<double> Y => _y;

    /// <summary>Obstacle polygons in creation order.</summary>
    public IReadOnlyList<TerrainPolygon> Polygons => _polygons;

    /// <summary>Polygons the simulator rejected as degenerate in the last reset (expected 0).</summary>
    public int SkippedPolygons { get; internal set; }

    internal void Clear()
    {
        _x.Clear();
        _y.Clear();
        _polygons.Clear();
        _polygonXy.Clear();
        _polygonCounts.Clear();
        _polygonColors.Clear();
        SkippedPolygons = 0;
    }

    internal void AddPoint(double x, double y)
    {
        _x.Add(x);
        _y.Add(y);
    }

    /// <param name="fillRgb">Fill colour for video frames, 0xRRGGBB (the references' obstacles are white).</param>
    internal void AddPolygon(TerrainFeature feature, ReadOnlySpan<double> xy, double groundY, int fillRgb = 0xFFFFFF)
    {
        double minX = double.PositiveInfinity, maxX = double.NegativeInfinity;
        double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < xy.Length; i += 2)
        {
            minX = Math.Min(minX, xy[i]);
            maxX = Math.Max(maxX, xy[i]);
            minY = Math.Min(minY, xy[i + 1]);
            maxY = Math.Max(maxY, xy[i + 1]);
            _polygonXy.Add(xy[i]);
            _polygonXy.Add(xy[i + 1]);
        }
        _polygonCounts.Add(xy.Length / 2);
        _polygonColors.Add(fillRgb);
        _polygons.Add(new TerrainPolygon(feature, minX, maxX, minY, maxY, groundY));
    }

    /// <summary>Ground height at <paramref name="x"/> by linear interpolation of the profile.</summary>
    public double GroundAt(double x)
    {
        if (_x.Count == 0) return double.NaN;
        if (x <= _x[0]) return _y[0];
        for (int i = 1; i < _x.Count; i++)
        {
            if (x <= _x[i])
            {
                double dx = _x[i] - _x[i - 1];
                return dx <= 0 ? _y[i] : _y[i - 1] + (_y[i] - _y[i - 1]) * (x - _x[i - 1]) / dx;
            }
        }
        return _y[^1];
    }

    /// <summary>Edges (x1, y1, x2, y2 per profile segment) in a reused buffer.</summary>
    internal ReadOnlySpan<double> Edges(out int count)
    {
        count = Math.Max(0, _x.Count - 1);
        if (_edgeBuffer.Length < 4 * count) _edgeBuffer = new double[8 * count];
        for (int i = 0; i < count; i++)
        {
            _edgeBuffer[4 * i] = _x[i];
            _edgeBuffer[4 * i + 1] = _y[i];
            _edgeBuffer[4 * i + 2] = _x[i + 1];
            _edgeBuffer[4 * i + 3] = _y[i + 1];
        }
        return _edgeBuffer.AsSpan(0, 4 * count);
    }

    internal ReadOnlySpan<double> PolygonVertices() => CollectionsMarshal.AsSpan(_polygonXy);

    internal ReadOnlySpan<int> PolygonCounts() => CollectionsMarshal.AsSpan(_polygonCounts);

    /// <summary>Fill colour of each polygon for video frames (0xRRGGBB).</summary>
    internal ReadOnlySpan<int> PolygonColors() => CollectionsMarshal.AsSpan(_polygonColors);
}
