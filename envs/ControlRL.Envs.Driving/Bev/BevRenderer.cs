using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Bev;

/// <summary>
/// Draws CaRL's bird's-eye-view raster (Jaeger et al. 2025; autonomousvision/CaRL,
/// CARLA/team_code/birds_eye_view/bev_observation.py) of one town, ego-centred and heading-up, into HWC bytes.
/// Static layers come from the town raster built once at the BEV resolution (<see cref="BevTownRaster"/>, shared);
/// each frame samples the rotated window from it (nearest pixel) and draws the route, signals, signs and actors on
/// top with exact pixel-centre rasterizers. One per env: not thread-safe; no allocation per frame.
/// </summary>
public sealed partial class BevRenderer
{
    // CaRL's traffic-light intensities (bev_observation.py: factors 0.315, 0.67, 1.0 of 255).
    public const byte GreenValue = 80, YellowValue = 170, RedValue = 255;

    // Signals are drawn from this far behind the ego's route position (CaRL: min_route_idx -20 route points).
    private const double SignalsBehind = 20;

    // Spacing of the route samples that carry the in-junction flag.
    private const double RouteStep = 1.0;

    private readonly BevTownRaster _raster;
    private readonly Channels _channels, _allChannels;

    // Per signal: its lanes' stop-line ends (centre, heading, lane width), and a culling circle.
    private readonly int[] _signalFirst;
    private readonly Vec2[] _stopPoint;
    private readonly double[] _stopHeading, _stopLaneWidth;
    private readonly Vec2[] _signalCentre;
    private readonly double[] _signalRadius;

    private readonly (Vec2 Min, Vec2 Max)[] _junctionBoxes;
    private readonly OrientedBox[] _speedSignBoxes;
    private readonly byte[] _speedSignValues;

    // The route, per episode: samples every RouteStep metres with their junction flags, and the signals it passes.
    private Route? _route;
    private double[] _routeX = [], _routeY = [];
    private bool[] _routeInJunction = [];
    private int _routeSamples;
    private double _routeStep;
    private readonly List<(int Signal, double S)> _routeSignals = [];
    private double _trackedProgress = double.NaN;

    public BevRenderer(RoadNetwork town, BevConfig config)
    {
        ArgumentNullException.ThrowIfNull(town);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Town = town;
        Config = config;
        _raster = BevTownRaster.For(town, config);
        _channels = new Channels(config);
        _allChannels = Channels.All(config);

        int signals = town.Signals.Count;
        _signalFirst = new int[signals + 1];
        for (int i = 0; i < signals; i++) _signalFirst[i + 1] = _signalFirst[i] + town.Signals[i].Lanes.Length;
        int ends = _signalFirst[signals];
        _stopPoint = new Vec2[ends];
        _stopHeading = new double[ends];
        _stopLaneWidth = new double[ends];
        _signalCentre = new Vec2[signals];
        _signalRadius = new double[signals];
        for (int i = 0; i < signals; i++)
        {
            var sig = town.Signals[i];
            Vec2 sum = default;
            for (int k = 0; k < sig.Lanes.Length; k++)
            {
                var lane = town.Lanes[sig.Lanes[k]];
                int e = _signalFirst[i] + k;
                _stopPoint[e] = lane.Centre.End;
                _stopHeading[e] = lane.Centre.HeadingAt(lane.Length);
                _stopLaneWidth[e] = lane.Width;
                sum += lane.Centre.End;
            }
            _signalCentre[i] = sum * (1.0 / sig.Lanes.Length);
            for (int k = _signalFirst[i]; k < _signalFirst[i + 1]; k++)
                _signalRadius[i] = Math.Max(_signalRadius[i], _signalCentre[i].DistanceTo(_stopPoint[k]) + _stopLaneWidth[k] + config.StopLineThickness);
        }

        _junctionBoxes = [.. town.Junctions.Select(j => (
            new Vec2(j.Polygon.Min(p => p.X), j.Polygon.Min(p => p.Y)),
            new Vec2(j.Polygon.Max(p => p.X), j.Polygon.Max(p => p.Y))))];

        // Speed signs have no footprint: CaRL draws a 2 m x 2 m box (extent 1 m) at the sign, valued like a speed.
        _speedSignBoxes = new OrientedBox[town.SpeedSigns.Count];
        _speedSignValues = new byte[town.SpeedSigns.Count];
        for (int i = 0; i < town.SpeedSigns.Count; i++)
        {
            var sign = town.SpeedSigns[i];
            var lane = town.Lanes[sign.LaneId];
            _speedSignBoxes[i] = new OrientedBox(sign.Position, lane.Centre.HeadingAt(sign.S), 1, 1);
            _speedSignValues[i] = config.EncodeSpeed(sign.Limit);
        }
    }

    public RoadNetwork Town { get; }
    public BevConfig Config { get; }

    /// <summary>Bytes of the town raster this renderer samples (shared with every renderer of the same town and resolution).</summary>
    public long TownRasterBytes => _raster.Cells.LongLength;

    /// <summary>The route drawn, or null. <see cref="Render"/> calls <see cref="SetRoute"/> itself when the scene's route differs.</summary>
    public Route? Route => _route;

    /// <summary>Prepares a new episode's route (samples it and finds the signals it passes) and resets the progress tracker.</summary>
    public void SetRoute(Route? route)
    {
        if (route is not null && !ReferenceEquals(route.Town, Town))
            throw new ArgumentException($"route '{route.Id}' belongs to town '{route.Town.Name}', not to this renderer's town '{Town.Name}'.", nameof(route));
        _route = route;
        _trackedProgress = double.NaN;
        _routeSignals.Clear();
        _routeSamples = 0;
        if (route is null) return;

        var path = route.Path;
        int n = Math.Max(1, (int)Math.Ceiling(path.Length / RouteStep));
        _routeStep = path.Length / n;
        if (_routeX.Length < n + 1)
        {
            _routeX = new double[n + 1];
            _routeY = new double[n + 1];
            _routeInJunction = new bool[n + 1];
        }
        _routeSamples = n + 1;
        for (int k = 0; k <= n; k++)
        {
            Vec2 p = path.PointAt(k * _routeStep);
            _routeX[k] = p.X;
            _routeY[k] = p.Y;
            _routeInJunction[k] = InJunction(p);
        }

        // A signal is on the route where a route lane ends at its stop line; its position along the path is found
        // near the lanes' summed length (lane changes make that an estimate, and a route may pass a place twice).
        double estimate = 0;
        foreach (int id in route.Lanes)
        {
            var lane = Town.Lanes[id];
            estimate += lane.Length;
            if (lane.SignalId < 0) continue;
            var proj = path.Project(lane.Centre.End, estimate - 50, estimate + 50);
            _routeSignals.Add((lane.SignalId, proj.S));
        }
    }

    // Town.InJunction with a bounding-box test first: a route samples every metre against every junction.
    private bool InJunction(Vec2 p)
    {
        var boxes = _junctionBoxes;
        for (int j = 0; j < boxes.Length; j++)
        {
            var (min, max) = boxes[j];
            if (p.X >= min.X && p.X <= max.X && p.Y >= min.Y && p.Y <= max.Y && RoadNetwork.PolygonContains(Town.Junctions[j].Polygon, p)) return true;
        }
        return false;
    }

    /// <summary>
    /// Draws <paramref name="scene"/> into <paramref name="hwc"/> (exactly <see cref="BevConfig.FrameBytes"/> bytes,
    /// HWC, row 0 ahead). Advances the route-progress tracker when the scene gives no progress.
    /// </summary>
    public void Render(in BevScene scene, Span<byte> hwc)
    {
        if (hwc.Length != Config.FrameBytes)
            throw new ArgumentException($"BEV buffer has {hwc.Length} bytes; a {Config.Height} x {Config.Width} x {Config.ChannelCount} raster needs {Config.FrameBytes}.", nameof(hwc));
        double progress = Prepare(scene, commit: true);
        Draw(scene, progress, hwc, _channels);
    }

    // Checks the scene, adopts its route, and returns the route progress to draw from (NaN: no route).
    private double Prepare(in BevScene scene, bool commit)
    {
        if (!ReferenceEquals(scene.Town, Town))
            throw new ArgumentException($"BEV scene shows town '{scene.Town?.Name}', but this renderer draws town '{Town.Name}'.", nameof(scene));
        var ego = scene.Ego;
        if (!ego.Centre.IsFinite || !double.IsFinite(ego.Heading) || !double.IsFinite(ego.HalfLength) || !double.IsFinite(ego.HalfWidth))
            throw new ArgumentException($"BEV ego box {ego} is not finite.", nameof(scene));
        if (!ReferenceEquals(scene.Route, _route)) SetRoute(scene.Route);
        if (_route is null) return double.NaN;
        if (!double.IsNaN(scene.RouteProgress))
        {
            if (!double.IsFinite(scene.RouteProgress)) throw new ArgumentException($"BEV route progress {scene.RouteProgress} is not finite.", nameof(scene));
            return scene.RouteProgress;
        }
        // Follow the ego: the first frame searches the whole path, later ones a window around the last position.
        var path = _route.Path;
        double s = double.IsNaN(_trackedProgress)
            ? path.Project(ego.Centre).S
            : path.Project(ego.Centre, _trackedProgress - 10, _trackedProgress + 50).S;
        if (commit) _trackedProgress = s;
        return s;
    }

    private void Draw(in BevScene scene, double progress, Span<byte> image, in Channels ch)
    {
        var cfg = Config;
        var frame = new Frame(cfg, scene.Ego);
        image.Clear();
        var draw = new BevDraw(image, cfg.Width, cfg.Height, ch.Count);

        if (ch.Road >= 0 || ch.Markings >= 0 || ch.Shoulder >= 0) SampleStatic(frame, image, ch);
        if (ch.Route >= 0 && _route is not null) DrawRoute(frame, draw, ch.Route, progress);
        if (ch.Lights >= 0 || ch.Stops >= 0) DrawSignals(scene, frame, draw, ch, progress);
        if (ch.SpeedSigns >= 0)
            for (int i = 0; i < _speedSignBoxes.Length; i++)
                FillBox(frame, draw, _speedSignBoxes[i], ch.SpeedSigns, _speedSignValues[i]);
        DrawActors(scene.Actors, frame, draw, ch);
    }

    // Nearest-pixel sampling of the rotated window from the town raster. The town pixel under a window pixel's
    // centre is affine in (row, column), so each row is a start point plus a step, kept in 32.32 fixed point: exact
    // integer steps (the same pixels on every machine) and no float conversion per pixel.
    private void SampleStatic(in Frame frame, Span<byte> image, in Channels ch)
    {
        const double One = 4294967296.0;
        var raster = _raster;
        int w = Config.Width, h = Config.Height, stride = ch.Count;
        int cols = raster.Cols, rows = raster.Rows;
        // Town-raster coordinates of window pixel (r, c)'s centre: origin + r * down + c * right (same px/m).
        Vec2 f = frame.Forward, l = frame.Left;
        double ox = (frame.Ego.X - raster.X0) * raster.PixelsPerMetre + f.X * (frame.V0 - 0.5) + l.X * (frame.U0 - 0.5);
        double oy = (frame.Ego.Y - raster.Y0) * raster.PixelsPerMetre + f.Y * (frame.V0 - 0.5) + l.Y * (frame.U0 - 0.5);
        // A window this far from the raster cannot overlap it (and would overflow the fixed point).
        const double Far = 1L << 31;
        if (!(Math.Abs(ox) < Far && Math.Abs(oy) < Far)) return;
        long x0 = (long)Math.Floor(ox * One), y0 = (long)Math.Floor(oy * One);
        long downX = (long)Math.Round(-f.X * One), downY = (long)Math.Round(-f.Y * One);
        long rightX = (long)Math.Round(-l.X * One), rightY = (long)Math.Round(-l.Y * One);
        int road = ch.Road, markings = ch.Markings, shoulder = ch.Shoulder;
        ReadOnlySpan<byte> roadLut = RoadLut, markingLut = MarkingLut, shoulderLut = ShoulderLut;
        unsafe
        {
            // Pointers: the span indexing's bounds checks cost a third of this loop. Every index is checked here.
            fixed (byte* cellsP = raster.Cells)
            fixed (byte* imageP = image)
            {
                for (int r = 0; r < h; r++)
                {
                    long jx = x0 + r * downX, iy = y0 + r * downY;
                    byte* px = imageP + r * w * stride;
                    for (int c = 0; c < w; c++, jx += rightX, iy += rightY, px += stride)
                    {
                        long j = jx >> 32, i = iy >> 32;
                        if ((ulong)j >= (ulong)cols || (ulong)i >= (ulong)rows) continue;
                        int flags = cellsP[i * cols + j];
                        if (flags == 0) continue;
                        if (road >= 0) px[road] = roadLut[flags];
                        if (markings >= 0) px[markings] = markingLut[flags];
                        if (shoulder >= 0) px[shoulder] = shoulderLut[flags];
                    }
                }
            }
        }
    }

    // Channel values per town-raster flag byte (flags use the low four bits).
    private static ReadOnlySpan<byte> RoadLut => [0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255];
    private static ReadOnlySpan<byte> MarkingLut => [0, 0, 255, 255, 0, 0, 127, 127, 0, 0, 255, 255, 0, 0, 127, 127];
    private static ReadOnlySpan<byte> ShoulderLut => [0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255];

    // The route from the ego's position on for RouteAhead metres, as a band RouteWidth wide (CaRL draws filled
    // circles of route_width at each route point); by default only the pieces inside junctions.
    private void DrawRoute(in Frame frame, BevDraw draw, int channel, double progress)
    {
        var cfg = Config;
        int first = (int)Math.Clamp(Math.Floor(progress / _routeStep), 0, _routeSamples - 1);
        int last = (int)Math.Clamp(Math.Ceiling((progress + cfg.RouteAhead) / _routeStep), 0, _routeSamples - 1);
        double radius = cfg.RouteWidth / 2 * cfg.PixelsPerMetre;
        bool onlyJunctions = cfg.RouteOnlyInJunctions;
        double reach = frame.Radius + radius;
        for (int k = first; k < last; k++)
        {
            if (onlyJunctions && !_routeInJunction[k] && !_routeInJunction[k + 1]) continue;
            Vec2 a = frame.ToPixel(new Vec2(_routeX[k], _routeY[k]));
            if (a.DistanceTo(frame.CentrePixel) > reach + _routeStep * cfg.PixelsPerMetre) continue;
            Vec2 b = frame.ToPixel(new Vec2(_routeX[k + 1], _routeY[k + 1]));
            draw.Capsule(a.X, a.Y, b.X, b.Y, radius, channel, 255);
        }
    }

    private void DrawSignals(in BevScene scene, in Frame frame, BevDraw draw, in Channels ch, double progress)
    {
        if (_route is not null && Config.SignalsOnRouteOnly)
        {
            foreach (var (signal, s) in _routeSignals)
                if (s >= progress - SignalsBehind && s <= progress + Config.RouteAhead) DrawSignal(scene, frame, draw, ch, signal);
        }
        else
        {
            for (int i = 0; i < _signalCentre.Length; i++) DrawSignal(scene, frame, draw, ch, i);
        }
    }

    private void DrawSignal(in BevScene scene, in Frame frame, BevDraw draw, in Channels ch, int id)
    {
        if (frame.Centre.DistanceTo(_signalCentre[id]) > frame.WorldRadius + _signalRadius[id]) return;
        var signal = Town.Signals[id];
        if (signal.Kind == SignalKind.TrafficLight)
        {
            if (ch.Lights < 0) return;
            if (id >= scene.Signals.Length)
                throw new ArgumentException($"BEV scene has {scene.Signals.Length} signal states, but traffic light {id} is in view (town '{Town.Name}' has {Town.Signals.Count} signals).", nameof(scene));
            byte value = scene.Signals[id] switch
            {
                LightState.Green => GreenValue,
                LightState.Yellow => YellowValue,
                LightState.Red => RedValue,
                var s => throw new ArgumentException($"BEV scene: signal {id} has light state {(int)s}, which does not exist.", nameof(scene)),
            };
            // CaRL: a line across 80% of each lane at its stop line, red_light_thickness thick.
            for (int e = _signalFirst[id]; e < _signalFirst[id + 1]; e++)
                FillBox(frame, draw, new OrientedBox(_stopPoint[e], _stopHeading[e], Config.StopLineThickness / 2, 0.4 * _stopLaneWidth[e]), ch.Lights, value);
        }
        else
        {
            if (ch.Stops < 0 || (id < scene.StopsCompleted.Length && scene.StopsCompleted[id])) return;
            // CaRL draws the stop sign's trigger volume, a square about a lane wide; ours lies on each controlled
            // lane just before its stop line.
            for (int e = _signalFirst[id]; e < _signalFirst[id + 1]; e++)
            {
                double half = _stopLaneWidth[e] / 2;
                Vec2 centre = _stopPoint[e] - Vec2.FromHeading(_stopHeading[e]) * half;
                FillBox(frame, draw, new OrientedBox(centre, _stopHeading[e], half, half), ch.Stops, 255);
            }
        }
    }

    private void DrawActors(ReadOnlySpan<ActorState> actors, in Frame frame, BevDraw draw, in Channels ch)
    {
        var cfg = Config;
        double minExt = cfg.MinHalfExtent;
        foreach (ref readonly var a in actors)
        {
            var box = a.Box;
            if (!box.Centre.IsFinite || !double.IsFinite(box.Heading) || !double.IsFinite(box.HalfLength) || !double.IsFinite(box.HalfWidth) || !a.Velocity.IsFinite)
                throw new ArgumentException($"BEV scene: actor {a.Id} ({a.Kind}) has a non-finite box {box} or velocity {a.Velocity}.", "scene");
            int channel = a.Kind switch
            {
                ActorKind.Vehicle or ActorKind.ParkedVehicle => ch.Vehicles,
                ActorKind.Pedestrian => ch.Pedestrians,
                ActorKind.StaticObject => ch.Statics,
                _ => throw new ArgumentException($"BEV scene: actor {a.Id} has kind {(int)a.Kind}, which does not exist.", "scene"),
            };
            if (channel < 0) continue;
            double hl = Math.Max(Math.Abs(box.HalfLength), minExt), hw = Math.Max(Math.Abs(box.HalfWidth), minExt);
            bool moving = a.Kind != ActorKind.StaticObject;
            double speed = a.Speed;
            // The speed line forecasts one second at constant speed (at least a pixel; capped at the top speed
            // the encoding knows, so a wild speed cannot draw a wild line).
            double line = moving && cfg.SpeedLines ? Math.Max(1 / cfg.PixelsPerMetre, Math.Min(speed, cfg.MaxActorSpeed)) : 0;
            if (frame.Centre.DistanceTo(box.Centre) > frame.WorldRadius + hl + hw + line) continue;
            byte value = moving ? cfg.EncodeSpeed(speed) : (byte)255;
            var scaled = box with { HalfLength = hl, HalfWidth = hw };
            FillBox(frame, draw, scaled, channel, value);
            if (line > 0)
            {
                Vec2 fwd = scaled.Forward;
                Vec2 a0 = frame.ToPixel(box.Centre + fwd * hl), a1 = frame.ToPixel(box.Centre + fwd * (hl + line));
                draw.Line(a0.X, a0.Y, a1.X, a1.Y, channel, value);
            }
        }
    }

    private static void FillBox(in Frame frame, BevDraw draw, in OrientedBox box, int channel, byte value)
    {
        if (frame.Centre.DistanceTo(box.Centre) > frame.WorldRadius + box.HalfLength + box.HalfWidth) return;
        Span<Vec2> corners = stackalloc Vec2[4];
        box.Corners(corners);
        Span<double> xs = stackalloc double[4], ys = stackalloc double[4];
        for (int k = 0; k < 4; k++)
        {
            Vec2 p = frame.ToPixel(corners[k]);
            xs[k] = p.X;
            ys[k] = p.Y;
        }
        draw.FillConvex(xs, ys, channel, value);
    }

    /// <summary>The ego-centred pixel frame of one render.</summary>
    private readonly struct Frame
    {
        public Frame(BevConfig cfg, in OrientedBox ego)
        {
            Ego = ego.Centre;
            Forward = ego.Forward;
            Left = Forward.Left;
            Ppm = cfg.PixelsPerMetre;
            U0 = cfg.Width / 2.0;
            V0 = cfg.Height - cfg.EgoFromBottom;
            CentrePixel = new Vec2(cfg.Width / 2.0, cfg.Height / 2.0);
            Centre = Ego + Forward * ((V0 - cfg.Height / 2.0) / Ppm);
            Radius = 0.5 * Math.Sqrt((double)cfg.Width * cfg.Width + (double)cfg.Height * cfg.Height);
            WorldRadius = Radius / Ppm;
        }

        public Vec2 Ego { get; }
        public Vec2 Forward { get; }
        public Vec2 Left { get; }
        public double Ppm { get; }
        public double U0 { get; }
        public double V0 { get; }

        /// <summary>The window's centre, in pixels and in the world, and the radius of its circumcircle.</summary>
        public Vec2 CentrePixel { get; }
        public Vec2 Centre { get; }
        public double Radius { get; }
        public double WorldRadius { get; }

        public Vec2 ToPixel(Vec2 p)
        {
            Vec2 d = p - Ego;
            return new Vec2(U0 - d.Dot(Left) * Ppm, V0 - d.Dot(Forward) * Ppm);
        }
    }

    /// <summary>Where each kind of content goes in the interleaved image (-1: not drawn).</summary>
    private readonly struct Channels
    {
        public Channels(BevConfig cfg)
        {
            Count = cfg.ChannelCount;
            Road = cfg.IndexOf(BevChannel.Road);
            Route = cfg.IndexOf(BevChannel.Route);
            Markings = cfg.IndexOf(BevChannel.LaneMarkings);
            Vehicles = cfg.IndexOf(BevChannel.Vehicles);
            Pedestrians = cfg.IndexOf(BevChannel.Pedestrians);
            Lights = cfg.IndexOf(BevChannel.TrafficLights);
            Stops = cfg.IndexOf(BevChannel.StopSigns);
            SpeedSigns = cfg.IndexOf(BevChannel.SpeedSigns);
            Statics = cfg.IndexOf(BevChannel.StaticObjects);
            Shoulder = cfg.IndexOf(BevChannel.Shoulder);
        }

        /// <summary>All ten channels in CaRL's order (the RGB view's working raster).</summary>
        public static Channels All(BevConfig cfg) => new(new BevConfig(cfg.Width, cfg.Height, cfg.PixelsPerMetre, cfg.EgoFromBottom));

        public int Count { get; }
        public int Road { get; }
        public int Route { get; }
        public int Markings { get; }
        public int Vehicles { get; }
        public int Pedestrians { get; }
        public int Lights { get; }
        public int Stops { get; }
        public int SpeedSigns { get; }
        public int Statics { get; }
        public int Shoulder { get; }
    }
}
