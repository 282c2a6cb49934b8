using ControlRL.Core.Random;

namespace ControlRL.Envs.Box2D.CarRacing;

/// <summary>Constants of Gymnasium gymnasium/envs/box2d/car_racing.py (lengths in Box2D metres).</summary>
public static class CarRacingConstants
{
    public const int StateW = 96;
    public const int StateH = 96;
    public const int VideoW = 600;
    public const int VideoH = 400;
    public const int WindowW = 1000;
    public const int WindowH = 800;
    public const double Scale = 6.0;
    public const double TrackRad = 900 / Scale;
    public const double Playfield = 2000 / Scale;
    public const int Fps = 50;
    public const double Zoom = 2.7;
    public const double TrackDetailStep = 21 / Scale;
    public const double TrackTurnRate = 0.31;
    public const double TrackWidth = 40 / Scale;
    public const double Border = 8 / Scale;
    public const int BorderMinCount = 4;
    public const double GrassDim = Playfield / 20.0;
    public const int Checkpoints = 12;
}

/// <summary>One point of the track centre line: polar angle, heading beta (perpendicular of the road), x, y.</summary>
public readonly record struct TrackPoint(double Alpha, double Beta, double X, double Y);

/// <summary>
/// The generated track (Gymnasium gymnasium/envs/box2d/car_racing.py, CarRacing._create_track): centre points,
/// one road tile per point (between point i and point i-1), and the red/white kerbs on hard turns.
/// Buffers are reused across resets.
/// </summary>
public sealed class CarRacingTrack
{
    private readonly List<TrackPoint> _walk = new(2600);
    private TrackPoint[] _points = new TrackPoint[512];
    private bool[] _border = new bool[512];
    private double[] _tileXy = new double[8 * 512];
    private double[] _kerbXy = new double[8 * 512];
    private int[] _kerbTile = new int[512];

    /// <summary>Tiles (= centre points) of the track.</summary>
    public int Count { get; private set; }

    /// <summary>Kerb polygons (one per bordered tile).</summary>
    public int KerbCount { get; private set; }

    /// <summary>Failed generation attempts before this track (each redraws the checkpoints).</summary>
    public int Retries { get; private set; }

    public ReadOnlySpan<TrackPoint> Points => _points.AsSpan(0, Count);

    /// <summary>Per tile: whether it has a kerb.</summary>
    public ReadOnlySpan<bool> Border => _border.AsSpan(0, Count);

    /// <summary>8 doubles per tile: vertices road1_l, road1_r, road2_r, road2_l (x, y), as the reference orders them.</summary>
    public ReadOnlySpan<double> TileVertices => _tileXy.AsSpan(0, 8 * Count);

    /// <summary>8 doubles per kerb polygon, in drawing order.</summary>
    public ReadOnlySpan<double> KerbVertices => _kerbXy.AsSpan(0, 8 * KerbCount);

    /// <summary>The tile each kerb belongs to (its colour: white for even tiles, red for odd).</summary>
    public ReadOnlySpan<int> KerbTiles => _kerbTile.AsSpan(0, KerbCount);

    /// <summary>Retries until a track closes (the reference's loop in reset()).</summary>
    internal void Generate(Rng rng)
    {
        Retries = 0;
        while (!TryGenerate(rng))
        {
            Retries++;
            if (Retries > 1000) throw new InvalidOperationException("CarRacing track generation failed 1000 times in a row.");
        }
    }

    private bool TryGenerate(Rng rng)
    {
        const int n = CarRacingConstants.Checkpoints;
        Span<double> cpAlpha = stackalloc double[n];
        Span<double> cpX = stackalloc double[n];
        Span<double> cpY = stackalloc double[n];
        double startAlpha = 0;
        for (int c = 0; c < n; c++)
        {
            // Both draws happen for every checkpoint, also the two that overwrite them.
            double noise = rng.Uniform(0, 2 * Math.PI * 1 / n);
            double alpha = 2 * Math.PI * c / n + noise;
            double rad = rng.Uniform(CarRacingConstants.TrackRad / 3, CarRacingConstants.TrackRad);
            if (c == 0)
            {
                alpha = 0;
                rad = 1.5 * CarRacingConstants.TrackRad;
            }
            if (c == n - 1)
            {
                alpha = 2 * Math.PI * c / n;
                startAlpha = 2 * Math.PI * (-0.5) / n;
                rad = 1.5 * CarRacingConstants.TrackRad;
            }
            cpAlpha[c] = alpha;
            cpX[c] = rad * Math.Cos(alpha);
            cpY[c] = rad * Math.Sin(alpha);
        }

        // Walk from checkpoint to checkpoint, turning towards the next one at a bounded rate.
        double x = 1.5 * CarRacingConstants.TrackRad, y = 0, beta = 0;
        int destI = 0, laps = 0, noFreeze = 2500;
        bool visitedOtherSide = false;
        _walk.Clear();
        while (true)
        {
            double alpha = Math.Atan2(y, x);
            if (visitedOtherSide && alpha > 0)
            {
                laps++;
                visitedOtherSide = false;
            }
            if (alpha < 0)
            {
                visitedOtherSide = true;
                alpha += 2 * Math.PI;
            }

            double destX, destY;
            while (true)
            {
                bool failed = true;
                while (true)
                {
                    int k = destI % n;
                    destX = cpX[k];
                    destY = cpY[k];
                    if (alpha <= cpAlpha[k])
                    {
                        failed = false;
                        break;
                    }
                    destI++;
                    if (destI % n == 0) break;
                }
                if (!failed) break;
                alpha -= 2 * Math.PI;
            }

            double r1x = Math.Cos(beta);
            double r1y = Math.Sin(beta);
            double p1x = -r1y;
            double p1y = r1x;
            double destDx = destX - x;
            double destDy = destY - y;
            double proj = r1x * destDx + r1y * destDy; // destination vector projected on the radius
            while (beta - alpha > 1.5 * Math.PI) beta -= 2 * Math.PI;
            while (beta - alpha < -1.5 * Math.PI) beta += 2 * Math.PI;
            double prevBeta = beta;
            proj *= CarRacingConstants.Scale;
            if (proj > 0.3) beta -= Math.Min(CarRacingConstants.TrackTurnRate, Math.Abs(0.001 * proj));
            if (proj < -0.3) beta += Math.Min(CarRacingConstants.TrackTurnRate, Math.Abs(0.001 * proj));
            x += p1x * CarRacingConstants.TrackDetailStep;
            y += p1y * CarRacingConstants.TrackDetailStep;
            _walk.Add(new TrackPoint(alpha, prevBeta * 0.5 + beta * 0.5, x, y));
            if (laps > 4) break;
            noFreeze--;
            if (noFreeze == 0) break;
        }

        // The closed loop i1..i2: the last two passes through the start angle (the first loop is ignored).
        int i1 = -1, i2 = -1;
        int i = _walk.Count;
        while (true)
        {
            i--;
            if (i == 0) return false;
            bool passThroughStart = _walk[i].Alpha > startAlpha && _walk[i - 1].Alpha <= startAlpha;
            if (passThroughStart && i2 == -1)
            {
                i2 = i;
            }
            else if (passThroughStart && i1 == -1)
            {
                i1 = i;
                break;
            }
        }
        int count = Math.Max(0, i2 - 1 - i1);
        if (count == 0) return false;

        TrackPoint first = _walk[i1], last = _walk[i1 + count - 1];
        double firstPerpX = Math.Cos(first.Beta);
        double firstPerpY = Math.Sin(first.Beta);
        // Length of the perpendicular jump that glues head and tail together.
        double gx = firstPerpX * (first.X - last.X);
        double gy = firstPerpY * (first.Y - last.Y);
        if (Math.Sqrt(gx * gx + gy * gy) > CarRacingConstants.TrackDetailStep) return false;

        Ensure(count);
        Count = count;
        for (int k = 0; k < count; k++) _points[k] = _walk[i1 + k];
        ComputeBorders();
        BuildPolygons();
        return true;
    }

    private void Ensure(int count)
    {
        if (_points.Length >= count) return;
        int size = Math.Max(count, 2 * _points.Length);
        _points = new TrackPoint[size];
        _border = new bool[size];
        _tileXy = new double[8 * size];
        _kerbXy = new double[8 * size];
        _kerbTile = new int[size];
    }

    private TrackPoint At(int i) => _points[((i % Count) + Count) % Count]; // Python's negative indexing

    // Red-white kerbs where the heading turns the same way, by more than 0.2 turn rate, for BorderMinCount
    // steps in a row; then widened backwards over the same count.
    private void ComputeBorders()
    {
        int count = Count;
        for (int i = 0; i < count; i++)
        {
            bool good = true;
            double oneside = 0;
            for (int neg = 0; neg < CarRacingConstants.BorderMinCount; neg++)
            {
                double beta1 = At(i - neg).Beta;
                double beta2 = At(i - neg - 1).Beta;
                good &= Math.Abs(beta1 - beta2) > CarRacingConstants.TrackTurnRate * 0.2;
                oneside += Math.Sign(beta1 - beta2);
            }
            good &= Math.Abs(oneside) == CarRacingConstants.BorderMinCount;
            _border[i] = good;
        }
        for (int i = 0; i < count; i++)
        {
            for (int neg = 0; neg < CarRacingConstants.BorderMinCount; neg++)
            {
                int j = ((i - neg) % count + count) % count;
                _border[j] |= _border[i];
            }
        }
    }

    private void BuildPolygons()
    {
        const double w = CarRacingConstants.TrackWidth;
        const double b = CarRacingConstants.Border;
        int kerbs = 0;
        for (int i = 0; i < Count; i++)
        {
            TrackPoint p1 = _points[i], p2 = At(i - 1);
            double c1 = Math.Cos(p1.Beta), s1 = Math.Sin(p1.Beta), c2 = Math.Cos(p2.Beta), s2 = Math.Sin(p2.Beta);
            Span<double> t = _tileXy.AsSpan(8 * i, 8);
            t[0] = p1.X - w * c1; t[1] = p1.Y - w * s1; // road1_l
            t[2] = p1.X + w * c1; t[3] = p1.Y + w * s1; // road1_r
            t[4] = p2.X + w * c2; t[5] = p2.Y + w * s2; // road2_r
            t[6] = p2.X - w * c2; t[7] = p2.Y - w * s2; // road2_l
            if (!_border[i]) continue;
            double side = Math.Sign(p2.Beta - p1.Beta);
            Span<double> k = _kerbXy.AsSpan(8 * kerbs, 8);
            k[0] = p1.X + side * w * c1; k[1] = p1.Y + side * w * s1;
            k[2] = p1.X + side * (w + b) * c1; k[3] = p1.Y + side * (w + b) * s1;
            k[4] = p2.X + side * (w + b) * c2; k[5] = p2.Y + side * (w + b) * s2;
            k[6] = p2.X + side * w * c2; k[7] = p2.Y + side * w * s2;
            _kerbTile[kerbs++] = i;
        }
        KerbCount = kerbs;
    }
}
