using ControlRL.Envs.Driving.Bev;
using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;
using static ControlRL.Envs.Driving.Tests.BevTestTowns;

namespace ControlRL.Envs.Driving.Tests;

public class BevRendererTests
{
    private static readonly RoadNetwork Town = Straight();
    private static readonly LightState[] AllRed = [LightState.Red, LightState.Red, LightState.Red, LightState.Red];

    // The ego at integer coordinates facing east: window pixel centres fall on the town raster's pixel centres.
    private static OrientedBox EgoAt(double x, double y = -1, double heading = 0) => new(new Vec2(x, y), heading, 2.25, 1);

    private static byte[] Render(BevConfig cfg, OrientedBox ego, ReadOnlySpan<ActorState> actors = default, Route? route = null, ReadOnlySpan<LightState> lights = default, RoadNetwork? town = null)
    {
        town ??= Town;
        var renderer = new BevRenderer(town, cfg);
        var image = new byte[cfg.FrameBytes];
        renderer.Render(new BevScene(town, route, ego, actors, lights.IsEmpty ? AllRed : lights), image);
        return image;
    }

    private static byte At(byte[] image, BevConfig cfg, int row, int col, BevChannel channel) =>
        image[(row * cfg.Width + col) * cfg.ChannelCount + cfg.IndexOf(channel)];

    private static List<(int Row, int Col, byte Value)> Drawn(byte[] image, BevConfig cfg, BevChannel channel)
    {
        var list = new List<(int, int, byte)>();
        for (int r = 0; r < cfg.Height; r++)
            for (int c = 0; c < cfg.Width; c++)
                if (At(image, cfg, r, c, channel) is var v and not 0) list.Add((r, c, v));
        return list;
    }

    private static HashSet<(int, int)> Cells(IEnumerable<int> rows, IEnumerable<int> cols) => [.. rows.SelectMany(r => cols.Select(c => (r, c)))];

    private static HashSet<(int, int)> Positions(List<(int Row, int Col, byte Value)> drawn) => [.. drawn.Select(d => (d.Row, d.Col))];

    [Fact]
    public void RoadMarkingsAndShoulderLieWhereTheTownHasThem()
    {
        var cfg = BevConfig.Default;
        var image = Render(cfg, EgoAt(50));
        // Window column c sees world y = 30.5 - c: the road spans y -5.5..6.5 (columns 24..36), its centre line is at
        // y 0.5 (column 30), dashed lines at 3.5 and -2.5 (27, 33), edges at 6.5 and -5.5 (24, 36).
        for (int r = 0; r < cfg.Height; r++)
        {
            for (int c = 25; c <= 35; c++) Assert.Equal(255, At(image, cfg, r, c, BevChannel.Road));
            for (int c = 0; c <= 22; c++) Assert.Equal(0, At(image, cfg, r, c, BevChannel.Road));
            for (int c = 38; c < cfg.Width; c++) Assert.Equal(0, At(image, cfg, r, c, BevChannel.Road));
            Assert.Equal(255, At(image, cfg, r, 30, BevChannel.LaneMarkings));
            Assert.Equal(255, At(image, cfg, r, 24, BevChannel.LaneMarkings));
            Assert.Equal(255, At(image, cfg, r, 36, BevChannel.LaneMarkings));
            // Shoulders: 1.5 m beyond each edge (pixel centres at y -6.5 and 7.5), never on the road.
            Assert.Equal(255, At(image, cfg, r, 37, BevChannel.Shoulder));
            Assert.Equal(0, At(image, cfg, r, 37, BevChannel.Road));
            Assert.Equal(255, At(image, cfg, r, 23, BevChannel.Shoulder));
            Assert.Equal(0, At(image, cfg, r, 38, BevChannel.Shoulder));
            Assert.Equal(0, At(image, cfg, r, 22, BevChannel.Shoulder));
            for (int c = 25; c <= 35; c++) Assert.Equal(0, At(image, cfg, r, c, BevChannel.Shoulder));
        }
        var markings = Drawn(image, cfg, BevChannel.LaneMarkings);
        Assert.All(markings, m => Assert.Contains(m.Col, new[] { 24, 27, 30, 33, 36 }));
        // Solid lines are 255 along their whole length; dashed lines 127, painted about half the time (3 m on, 3 m off).
        foreach (int col in new[] { 27, 33 })
        {
            var dashes = markings.Where(m => m.Col == col).ToList();
            Assert.All(dashes, m => Assert.Equal(127, m.Value));
            Assert.InRange(dashes.Count, 26, 38);
            // The dashes are 3 px long with 3 px gaps.
            var rows = dashes.Select(d => d.Row).ToHashSet();
            int runs = Enumerable.Range(0, cfg.Height).Count(r => rows.Contains(r) && !rows.Contains(r - 1));
            Assert.InRange(runs, 9, 12);
        }
        Assert.Empty(Drawn(image, cfg, BevChannel.Vehicles));
        Assert.Empty(Drawn(image, cfg, BevChannel.Route));
    }

    [Fact]
    public void AVehicleTenMetresAheadAppearsAtItsRowsAndColumnsAndNowhereElse()
    {
        var cfg = new BevConfig(64, 1, 25) { SpeedLines = false };
        var ego = EgoAt(50);
        var empty = Render(cfg, ego);
        ActorState[] actors = [new(7, ActorKind.Vehicle, new OrientedBox(new Vec2(60, -1), 0, 2.25, 1), default)];
        var image = Render(cfg, ego, actors);
        // Centre at (32, 29) in pixels; 4.5 m x 2 m covers the pixel centres of rows 27..30, columns 31..32.
        var drawn = Drawn(image, cfg, BevChannel.Vehicles);
        Assert.Equal(Cells([27, 28, 29, 30], [31, 32]), Positions(drawn));
        Assert.All(drawn, d => Assert.Equal(cfg.EncodeSpeed(0), d.Value));
        Assert.Equal(136, drawn[0].Value);
        // No other channel changed.
        for (int i = 0; i < image.Length; i++)
            if (i % cfg.ChannelCount != cfg.IndexOf(BevChannel.Vehicles)) Assert.Equal(empty[i], image[i]);
    }

    [Fact]
    public void MovingActorsCarryTheirSpeedAndASpeedLineAhead()
    {
        var cfg = BevConfig.Default;
        ActorState[] actors = [new(1, ActorKind.Vehicle, new OrientedBox(new Vec2(60, -1), 0, 2.25, 1), new Vec2(10, 0))];
        var image = Render(cfg, EgoAt(50), actors);
        var drawn = Drawn(image, cfg, BevChannel.Vehicles);
        Assert.All(drawn, d => Assert.Equal(172, d.Value));
        // The line runs from the front (12.25 m ahead, v = 26.75) one second forward (10 m) in column 32.
        var expected = Cells([27, 28, 29, 30], [31, 32]);
        expected.UnionWith(Cells(Enumerable.Range(16, 11), [32]));
        Assert.Equal(expected, Positions(drawn));
    }

    [Fact]
    public void PedestriansParkedCarsAndStaticObjectsGoToTheirChannels()
    {
        var cfg = BevConfig.Default;
        ActorState[] actors =
        [
            // A pedestrian's small box grows to CaRL's minimum 0.8 m half extent.
            new(1, ActorKind.Pedestrian, new OrientedBox(new Vec2(55, -3), 0, 0.25, 0.25), new Vec2(1.4, 0)),
            new(2, ActorKind.StaticObject, new OrientedBox(new Vec2(70, -4), 0, 0.3, 0.3), default),
            new(3, ActorKind.ParkedVehicle, new OrientedBox(new Vec2(40, -4), 0, 2.25, 1), default),
        ];
        var image = Render(cfg, EgoAt(50), actors);
        var peds = Drawn(image, cfg, BevChannel.Pedestrians);
        var expected = Cells([33, 34], [33, 34]);
        expected.UnionWith([(31, 34), (32, 34)]);  // speed line: 1.4 m ahead of the front
        Assert.Equal(expected, Positions(peds));
        Assert.All(peds, p => Assert.Equal(141, p.Value));
        var statics = Drawn(image, cfg, BevChannel.StaticObjects);
        Assert.Equal(Cells([18, 19], [34, 35]), Positions(statics));
        Assert.All(statics, s => Assert.Equal(255, s.Value));
        // The parked car (10 m behind, 3 m right): a vehicle standing still, with a one-pixel speed line.
        var vehicles = Drawn(image, cfg, BevChannel.Vehicles);
        Assert.Equal(Cells([47, 48, 49, 50], [34, 35]), Positions(vehicles).Where(p => p.Item1 >= 47).ToHashSet());
        Assert.Contains((46, 35), Positions(vehicles));
        Assert.All(vehicles, v => Assert.Equal(136, v.Value));
    }

    [Theory]
    [InlineData(LightState.Red, 255)]
    [InlineData(LightState.Yellow, 170)]
    [InlineData(LightState.Green, 80)]
    public void TrafficLightsAreStopLinesWithCaRLIntensities(LightState state, byte value)
    {
        var cfg = BevConfig.Default;
        var image = Render(cfg, EgoAt(90), lights: [state, LightState.Green, LightState.Red, LightState.Red]);
        var lights = Drawn(image, cfg, BevChannel.TrafficLights);
        // Signal 0: the eastbound stop line 10 m ahead (rows 28..29), across 80% of each lane (columns 31..32, 34..35).
        var ahead = Cells([28, 29], [31, 32, 34, 35]);
        Assert.Equal(ahead, Positions(lights).Where(p => p.Item1 >= 20).ToHashSet());
        Assert.All(lights.Where(l => l.Row >= 20), l => Assert.Equal(value, l.Value));
        // Without a route every signal in view is drawn: signal 1 (westbound, green) 30 m ahead.
        var opposite = Cells([8, 9], [25, 26, 28, 29]);
        Assert.Equal(opposite, Positions(lights).Where(p => p.Item1 < 20).ToHashSet());
        Assert.All(lights.Where(l => l.Row < 20), l => Assert.Equal(80, l.Value));
    }

    [Fact]
    public void WithARouteOnlyItsSignalsAreDrawn()
    {
        var cfg = BevConfig.Default;
        var image = Render(cfg, EgoAt(90), route: EastRoute(Town));
        Assert.Equal(Cells([28, 29], [31, 32, 34, 35]), Positions(Drawn(image, cfg, BevChannel.TrafficLights)));
        var all = Render(new BevConfig(64, 1, 25) { SignalsOnRouteOnly = false }, EgoAt(90), route: EastRoute(Town));
        Assert.Equal(16, Drawn(all, cfg, BevChannel.TrafficLights).Count);
    }

    [Fact]
    public void TooFewLightStatesForALightInViewIsAClearError()
    {
        var renderer = new BevRenderer(Town, BevConfig.Default);
        var image = new byte[BevConfig.Default.FrameBytes];
        var e = Assert.Throws<ArgumentException>(() => renderer.Render(new BevScene(Town, null, EgoAt(90), [], []), image));
        Assert.Contains("signal states", e.Message);
        // Far from any light, no state is needed.
        renderer.Render(new BevScene(Town, null, EgoAt(300), [], []), image);
    }

    [Fact]
    public void StopSignsShowUntilTheStopIsCompleted()
    {
        var cfg = BevConfig.Default;
        var route = EastRoute(Town);
        var renderer = new BevRenderer(Town, cfg);
        var image = new byte[cfg.FrameBytes];
        renderer.Render(new BevScene(Town, route, EgoAt(210), [], AllRed), image);
        // Signal 2's areas: 3 m squares ending at the stop line 10 m ahead (rows 29..31), one per eastbound lane.
        var stops = Drawn(image, cfg, BevChannel.StopSigns);
        Assert.Superset(Cells([29, 30, 31], [31, 32, 34, 35]), Positions(stops));
        Assert.All(stops, s => Assert.InRange(s.Row, 28, 32));
        Assert.All(stops, s => Assert.InRange(s.Col, 29, 37));
        Assert.All(stops, s => Assert.Equal(255, s.Value));
        // Signal 3 (westbound, 30 m ahead) is not on the route; the whole view shows it without one.
        renderer.Render(new BevScene(Town, null, EgoAt(210), [], AllRed), image);
        Assert.Contains(Drawn(image, cfg, BevChannel.StopSigns), s => s.Row < 12);
        // A completed stop disappears.
        renderer.Render(new BevScene(Town, route, EgoAt(210), [], AllRed) { StopsCompleted = [false, false, true, false] }, image);
        Assert.Empty(Drawn(image, cfg, BevChannel.StopSigns));
    }

    [Fact]
    public void SpeedSignsAreSmallBoxesValuedByTheirLimit()
    {
        var cfg = BevConfig.Default;
        var image = Render(cfg, EgoAt(50));
        var signs = Drawn(image, cfg, BevChannel.SpeedSigns);
        // The sign at (60, -7): 10 m ahead, 6 m right; a 2 m box. 13.89 m/s encodes as 185.
        Assert.Equal(Cells([28, 29], [37, 38]), Positions(signs));
        Assert.All(signs, s => Assert.Equal(185, s.Value));
    }

    [Fact]
    public void TheRouteIsDrawnOnlyOnTheRouteAndByDefaultOnlyInJunctions()
    {
        var cfg = BevConfig.Default;
        var route = EastRoute(Town);
        var image = Render(cfg, EgoAt(90), route: route);
        var drawn = Drawn(image, cfg, BevChannel.Route);
        // Junction 0 spans x 100..120: 10..30 m ahead (rows 9..29), the band 3 m wide around y = -1 (columns 30..33).
        Assert.NotEmpty(drawn);
        Assert.All(drawn, d => Assert.InRange(d.Row, 6, 31));
        Assert.All(drawn, d => Assert.InRange(d.Col, 30, 33));
        Assert.All(drawn, d => Assert.Equal(255, d.Value));
        Assert.Superset(Cells(Enumerable.Range(10, 17), [31, 32]), Positions(drawn));

        var everywhere = new BevConfig(64, 1, 25) { RouteOnlyInJunctions = false };
        image = Render(everywhere, EgoAt(90), route: route);
        drawn = Drawn(image, everywhere, BevChannel.Route);
        Assert.All(drawn, d => Assert.InRange(d.Col, 30, 33));
        // From the ego on (its row is 38; the route starts at most a sample behind it), up to the top.
        Assert.Superset(Cells(Enumerable.Range(0, 38), [31, 32]), Positions(drawn));
        Assert.All(drawn, d => Assert.InRange(d.Row, 0, 41));
    }

    [Fact]
    public void TheRouteFollowsTheGivenProgressOrTracksTheEgo()
    {
        var cfg = new BevConfig(64, 1, 25) { RouteOnlyInJunctions = false, RouteAhead = 20 };
        var route = EastRoute(Town);
        var renderer = new BevRenderer(Town, cfg);
        var image = new byte[cfg.FrameBytes];
        renderer.Render(new BevScene(Town, route, EgoAt(50), [], AllRed), image);
        // Tracked: from x 50 to 70 (rows 38 down to 18).
        var rows = Drawn(image, cfg, BevChannel.Route).Select(d => d.Row).ToHashSet();
        Assert.InRange(rows.Min(), 17, 19);
        Assert.InRange(rows.Max(), 38, 41);
        // Given: progress 60 m (10 m ahead of the ego) to 80 m.
        renderer.Render(new BevScene(Town, route, EgoAt(50), [], AllRed) { RouteProgress = 60 }, image);
        rows = Drawn(image, cfg, BevChannel.Route).Select(d => d.Row).ToHashSet();
        Assert.InRange(rows.Min(), 7, 9);
        Assert.InRange(rows.Max(), 28, 31);
    }

    [Fact]
    public void TurningTheEgoTurnsTheScene()
    {
        var cfg = BevConfig.Default;
        var north = EgoAt(50, -1, Math.PI / 2);
        // 10 m east of a north-facing ego is 10 m to its right.
        ActorState[] actors = [new(1, ActorKind.Vehicle, new OrientedBox(new Vec2(60, -1), 0, 2.25, 1), default)];
        var image = Render(new BevConfig(64, 1, 25) { SpeedLines = false }, north, actors);
        Assert.Equal(Cells([38, 39], [40, 41, 42, 43]), Positions(Drawn(image, cfg, BevChannel.Vehicles)));
        // The east-west road now crosses the raster: window row r sees world y = 37.5 - r, so the centre line (y 0.5) is
        // row 37, the edges rows 31 and 43, the dashed lines rows 34 and 40, and the road rows 32..42 in every column.
        for (int c = 0; c < cfg.Width; c++)
        {
            Assert.Equal(255, At(image, cfg, 37, c, BevChannel.LaneMarkings));
            Assert.Equal(255, At(image, cfg, 31, c, BevChannel.LaneMarkings));
            Assert.Equal(255, At(image, cfg, 43, c, BevChannel.LaneMarkings));
            for (int r = 32; r <= 42; r++) Assert.Equal(255, At(image, cfg, r, c, BevChannel.Road));
            Assert.Equal(0, At(image, cfg, 20, c, BevChannel.Road));
            Assert.Equal(0, At(image, cfg, 50, c, BevChannel.Road));
        }
        Assert.All(Drawn(image, cfg, BevChannel.LaneMarkings), m => Assert.Contains(m.Row, new[] { 31, 34, 37, 40, 43 }));
    }

    [Fact]
    public void RotatingEgoAndWorldTogetherGivesTheSameRaster()
    {
        // The same scene seen from an ego turned 90 degrees, with every actor turned about the ego with it.
        var cfg = BevConfig.Default;
        var ego = EgoAt(50);
        ActorState[] actors =
        [
            new(1, ActorKind.Vehicle, new OrientedBox(new Vec2(61.3, 2.2), 0.3, 2.25, 1), new Vec2(4, 1)),
            new(2, ActorKind.Pedestrian, new OrientedBox(new Vec2(45.6, -7.1), 2.0, 0.3, 0.3), new Vec2(0, 1)),
        ];
        var vehicles = new BevConfig(64, 1, 25, [BevChannel.Vehicles, BevChannel.Pedestrians]);
        var a = Render(vehicles, ego, actors);
        var turned = actors.Select(x => x with
        {
            Box = x.Box with { Centre = ego.Centre + (x.Box.Centre - ego.Centre).Rotate(Math.PI / 2), Heading = x.Box.Heading + Math.PI / 2 },
            Velocity = x.Velocity.Rotate(Math.PI / 2),
        }).ToArray();
        var b = Render(vehicles, ego with { Heading = Math.PI / 2 }, turned);
        Assert.Equal(a, b);
    }

    [Fact]
    public void ActorsOutsideTheWindowAreClippedOrSkipped()
    {
        var cfg = BevConfig.CaRL;
        ActorState[] actors =
        [
            new(1, ActorKind.Vehicle, new OrientedBox(new Vec2(1e7, -1e7), 0.4, 2.25, 1), new Vec2(30, 0)),
            new(2, ActorKind.Vehicle, new OrientedBox(new Vec2(50, 63.5), 0.7, 2.25, 1), new Vec2(1e9, 0)),   // on the left edge, wild speed
            new(3, ActorKind.StaticObject, new OrientedBox(new Vec2(50, -1), 1.0, 5000, 2), default),          // a barrier longer than the town
            new(4, ActorKind.Pedestrian, new OrientedBox(new Vec2(50, -1e6), 0, 0.3, 0.3), new Vec2(0, 1e6)),
            new(5, ActorKind.Vehicle, new OrientedBox(new Vec2(-30, -1), 0, 2.25, 1), new Vec2(1e6, 0)),       // behind, out of view, line into view
        ];
        var image = Render(cfg, EgoAt(50), actors);
        Assert.NotEmpty(Drawn(image, cfg, BevChannel.Vehicles));
        Assert.Contains(Drawn(image, cfg, BevChannel.Vehicles), v => v.Col <= 1);
        Assert.NotEmpty(Drawn(image, cfg, BevChannel.StaticObjects));
        Assert.Empty(Drawn(image, cfg, BevChannel.Pedestrians));
        // An ego far outside the town sees nothing static.
        var lost = Render(cfg, EgoAt(-5000, 4000, 1), actors);
        Assert.Empty(Drawn(lost, cfg, BevChannel.Road));
    }

    [Fact]
    public void NonFiniteInputIsRefused()
    {
        var renderer = new BevRenderer(Town, BevConfig.Default);
        var image = new byte[BevConfig.Default.FrameBytes];
        ActorState[] bad = [new(9, ActorKind.Vehicle, new OrientedBox(new Vec2(double.NaN, 0), 0, 2, 1), default)];
        Assert.Contains("actor 9", Assert.Throws<ArgumentException>(() => renderer.Render(new BevScene(Town, null, EgoAt(50), bad, AllRed), image)).Message);
        Assert.Contains("ego", Assert.Throws<ArgumentException>(() => renderer.Render(new BevScene(Town, null, EgoAt(50, double.PositiveInfinity), [], AllRed), image)).Message);
        Assert.Contains("bytes", Assert.Throws<ArgumentException>(() => renderer.Render(new BevScene(Town, null, EgoAt(50), [], AllRed), new byte[10])).Message);
        var other = Straight();
        Assert.Contains("town", Assert.Throws<ArgumentException>(() => renderer.Render(new BevScene(other, null, EgoAt(50), [], AllRed), image)).Message);
        Assert.Contains("town", Assert.Throws<ArgumentException>(() => renderer.SetRoute(EastRoute(other))).Message);
    }

    [Fact]
    public void RenderingIsDeterministic()
    {
        var cfg = BevConfig.CaRL;
        var route = EastRoute(Town);
        var rng = new ControlRL.Core.Random.Rng(3);
        var actors = Enumerable.Range(0, 30).Select(i => new ActorState(i, (ActorKind)(i % 4),
            new OrientedBox(new Vec2(rng.Uniform(20, 130), rng.Uniform(-8, 8)), rng.Uniform(-3, 3), rng.Uniform(0.3, 2.5), rng.Uniform(0.3, 1.1)),
            new Vec2(rng.Uniform(-5, 15), rng.Uniform(-2, 2)))).ToArray();
        var ego = new OrientedBox(new Vec2(83.37, -1.21), 0.137, 2.25, 1);
        var a = Render(cfg, ego, actors, route);
        var b = Render(cfg, ego, actors, route);
        Assert.Equal(a, b);
        var renderer = new BevRenderer(Town, cfg);
        var c = new byte[cfg.FrameBytes];
        renderer.Render(new BevScene(Town, route, ego, actors, AllRed), c);
        renderer.Render(new BevScene(Town, route, ego, actors, AllRed), c);
        Assert.Equal(a, c);
        Assert.Equal(30, actors.Length);
    }

    [Fact]
    public void ChannelSubsetsHoldTheSameValuesInTheirOwnOrder()
    {
        var full = BevConfig.Default;
        var subset = new BevConfig(64, 1, 25, [BevChannel.Shoulder, BevChannel.Vehicles]);
        ActorState[] actors = [new(1, ActorKind.Vehicle, new OrientedBox(new Vec2(60, -1), 0, 2.25, 1), new Vec2(3, 0))];
        var a = Render(full, EgoAt(50), actors);
        var b = Render(subset, EgoAt(50), actors);
        for (int r = 0; r < 64; r++)
            for (int c = 0; c < 64; c++)
            {
                Assert.Equal(At(a, full, r, c, BevChannel.Shoulder), At(b, subset, r, c, BevChannel.Shoulder));
                Assert.Equal(At(a, full, r, c, BevChannel.Vehicles), At(b, subset, r, c, BevChannel.Vehicles));
            }
    }

    [Fact]
    public void RendererSharesTheTownRasterAndReportsItsSize()
    {
        var town = Straight();
        var a = new BevRenderer(town, BevConfig.Default);
        var b = new BevRenderer(town, BevConfig.Default);
        var c = new BevRenderer(town, BevConfig.CaRL);
        Assert.Equal(a.TownRasterBytes, b.TownRasterBytes);
        // About (340 + 2 x 3.5 margin) x (12 + 2 x 3.5) m at 1 and 2 px/m.
        Assert.InRange(a.TownRasterBytes, 340 * 15, 360 * 30);
        Assert.InRange(c.TownRasterBytes, 4 * 340 * 15, 4 * 360 * 30);
    }

    [Fact]
    public void TheRgbViewHasTheRequestedSizeAndColours()
    {
        var cfg = BevConfig.Default;
        var renderer = new BevRenderer(Town, cfg);
        ActorState[] actors =
        [
            new(1, ActorKind.Vehicle, new OrientedBox(new Vec2(60, -1), 0, 2.25, 1), default),
            new(2, ActorKind.Pedestrian, new OrientedBox(new Vec2(55, -3), 0, 0.25, 0.25), default),
        ];
        var scene = new BevScene(Town, EastRoute(Town), EgoAt(50), actors, AllRed);
        int width = 160, height = 128;
        var rgb = new byte[width * height * 3];
        renderer.RenderRgb(scene, rgb, width, height);
        (byte, byte, byte) Px(int x, int y) => (rgb[(y * width + x) * 3], rgb[(y * width + x) * 3 + 1], rgb[(y * width + x) * 3 + 2]);
        // The picture is the 64 x 64 raster stretched 2.5 x 2: the ego's centre (32, 39) is at (80, 78).
        Assert.Equal(BevRenderer.Colours.Ego, Px(80, 78));
        Assert.Equal(BevRenderer.Colours.Vehicle(136), Px(80, 2 * 29));
        Assert.Equal(BevRenderer.Colours.Pedestrian(cfg.EncodeSpeed(0)), Px((int)(34 * 2.5), 2 * 34));
        Assert.Equal(BevRenderer.Colours.Background, Px(2, 2));
        Assert.Equal(BevRenderer.Colours.SolidMarking, Px(76, 100));          // raster column 30: the centre line
        Assert.Equal(BevRenderer.Colours.Shoulder, Px((int)(37.5 * 2.5), 100)); // column 37
        Assert.Equal(BevRenderer.Colours.Road, Px((int)(35.5 * 2.5), 100));     // column 35

        var route = EastRoute(Town);
        BevScene Scene() => new(Town, route, EgoAt(50), [], AllRed);
        Assert.Throws<ArgumentOutOfRangeException>(() => renderer.RenderRgb(Scene(), rgb, 31, 128));
        Assert.Throws<ArgumentOutOfRangeException>(() => renderer.RenderRgb(Scene(), rgb, 160, 4096));
        Assert.Throws<ArgumentException>(() => renderer.RenderRgb(Scene(), new byte[5], 160, 128));
        var big = new byte[2048 * 32 * 3];
        renderer.RenderRgb(scene, big, 2048, 32);
    }

    [Fact]
    public void TheRgbViewDoesNotMoveTheRouteTracker()
    {
        var cfg = new BevConfig(64, 1, 25) { RouteOnlyInJunctions = false };
        var route = EastRoute(Town);
        var plain = new BevRenderer(Town, cfg);
        var watched = new BevRenderer(Town, cfg);
        var a = new byte[cfg.FrameBytes];
        var b = new byte[cfg.FrameBytes];
        var rgb = new byte[64 * 64 * 3];
        for (int x = 10; x <= 60; x += 5)
        {
            plain.Render(new BevScene(Town, route, EgoAt(x), [], AllRed), a);
            // Far ahead, outside the tracker's window: it would jump if the RGB view moved it.
            watched.RenderRgb(new BevScene(Town, route, EgoAt(x + 200), [], AllRed), rgb, 64, 64);
            watched.Render(new BevScene(Town, route, EgoAt(x), [], AllRed), b);
            Assert.Equal(a, b);
        }
    }
}
