using System.Diagnostics;
using System.Runtime.InteropServices;
using ControlRL.Core.Random;
using ControlRL.Envs.Driving.Bev;
using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;
using OpenCvSharp;
using Xunit.Abstractions;

namespace ControlRL.Envs.Driving.Tests;

/// <summary>A fact that runs only when CONTROLRL_BENCH=1 (measurements, not checks).</summary>
public sealed class BenchFactAttribute : FactAttribute
{
    public BenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CONTROLRL_BENCH") != "1") Skip = "benchmark: set CONTROLRL_BENCH=1 to run.";
    }
}

/// <summary>
/// BEV frame rates on a 1.6 km grid town (9 x 9 junctions, 200 m blocks) with 30 actors in view. Run with
/// CONTROLRL_BENCH=1 dotnet test tests/ControlRL.Envs.Driving.Tests -c Release --filter Category=Benchmark
/// --logger "console;verbosity=detailed".
/// </summary>
[Trait("Category", "Benchmark")]
public class BevBenchmarkTests(ITestOutputHelper output)
{
    [BenchFact]
    public void FramesPerSecond()
    {
        var sw = Stopwatch.StartNew();
        var town = BevTestTowns.Grid(9, 200);
        output.WriteLine($"town {town.Name}: {town.Lanes.Count} lanes, {town.Signals.Count} signals, {town.Max.X - town.Min.X:0} x {town.Max.Y - town.Min.Y:0} m, built in {sw.Elapsed.TotalMilliseconds:0} ms");
        // A route along the grid's middle row, eastbound, through every junction.
        double y = 4 * 200 - 1.75;
        var route = new Route("bench", town, [0], new Polyline([new Vec2(7, y), new Vec2(1600, y)]));

        foreach (var cfg in new[] { BevConfig.Default, BevConfig.CaRL })
        {
            sw.Restart();
            var renderer = new BevRenderer(town, cfg);
            output.WriteLine($"{cfg.Width}x{cfg.Height} at {cfg.PixelsPerMetre} px/m: town raster {renderer.TownRasterBytes / 1e6:0.00} MB built in {sw.Elapsed.TotalMilliseconds:0} ms");
            renderer.SetRoute(route);
            sw.Restart();
            for (int i = 0; i < 10; i++) renderer.SetRoute(route);
            output.WriteLine($"  SetRoute ({route.Length:0} m route): {sw.Elapsed.TotalMilliseconds / 10:0.00} ms");
            var frames = Frames(cfg, y, 64);
            var image = new byte[cfg.FrameBytes];
            var lights = new LightState[town.Signals.Count];
            for (int i = 0; i < lights.Length; i++) lights[i] = (LightState)(i % 3);
            int n = cfg.Width <= 64 ? 5_000 : 500;
            int k = 0;
            void Frame()
            {
                var f = frames[k++ % frames.Length];
                renderer.Render(new BevScene(town, route, f.Ego, f.Actors, lights) { RouteProgress = f.Ego.Centre.X - 7 }, image);
            }
            var full = Time(Frame, n);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++) Frame();
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            output.WriteLine($"  full frame, 30 actors: {full}; {allocated} bytes allocated in 1000 frames");

            // The parts.
            foreach (var (name, set) in new (string, BevChannel[])[]
            {
                ("static layers (road, markings, shoulder: own nearest-pixel sampler)", [BevChannel.Road, BevChannel.LaneMarkings, BevChannel.Shoulder]),
                ("actors (vehicles, pedestrians, static objects)", [BevChannel.Vehicles, BevChannel.Pedestrians, BevChannel.StaticObjects]),
                ("route, signals and speed signs", [BevChannel.Route, BevChannel.TrafficLights, BevChannel.StopSigns, BevChannel.SpeedSigns]),
            })
            {
                var part = new BevConfig(cfg.Width, cfg.Height, cfg.PixelsPerMetre, cfg.EgoFromBottom, set);
                var partRenderer = new BevRenderer(town, part);
                var partImage = new byte[part.FrameBytes];
                var t = Time(() =>
                {
                    var f = frames[k++ % frames.Length];
                    partRenderer.Render(new BevScene(town, route, f.Ego, f.Actors, lights) { RouteProgress = f.Ego.Centre.X - 7 }, partImage);
                }, n);
                output.WriteLine($"  {name}: {t}");
            }
            output.WriteLine($"  cv::warpAffine of the packed raster (nearest, 1 channel, before unpacking): {WarpAffine(town, cfg, frames, n)}");

            var rgb = new byte[512 * 512 * 3];
            var video = Time(() =>
            {
                var f = frames[k++ % frames.Length];
                renderer.RenderRgb(new BevScene(town, route, f.Ego, f.Actors, lights) { RouteProgress = f.Ego.Centre.X - 7 }, rgb, 512, 512);
            }, Math.Max(50, n / 10));
            output.WriteLine($"  RGB view 512 x 512: {video}");
        }
    }

    /// <summary>Runs <paramref name="frame"/> in six batches of <paramref name="n"/> after a warm-up; the best batch is the figure (the machine is shared), the median for reference.</summary>
    private static string Time(Action frame, int n)
    {
        for (int i = 0; i < Math.Min(n, 500); i++) frame();
        var perFrame = new double[6];
        var sw = new Stopwatch();
        for (int b = 0; b < perFrame.Length; b++)
        {
            sw.Restart();
            for (int i = 0; i < n; i++) frame();
            perFrame[b] = sw.Elapsed.TotalMilliseconds * 1000 / n;
        }
        Array.Sort(perFrame);
        return $"{perFrame[0]:0.0} us/frame = {1e6 / perFrame[0]:0} frames/s (median of batches {perFrame[3]:0.0} us)";
    }

    private static (OrientedBox Ego, ActorState[] Actors)[] Frames(BevConfig cfg, double y, int count)
    {
        var rng = new Rng(11);
        var frames = new (OrientedBox, ActorState[])[count];
        double ahead = (cfg.Height - cfg.EgoFromBottom) / cfg.PixelsPerMetre, behind = cfg.EgoFromBottom / cfg.PixelsPerMetre;
        double side = cfg.Width / 2.0 / cfg.PixelsPerMetre;
        for (int k = 0; k < count; k++)
        {
            var ego = new OrientedBox(new Vec2(rng.Uniform(100, 1500), y + rng.Uniform(-0.5, 0.5)), rng.Uniform(-0.2, 0.2), 2.45, 0.92);
            var actors = new ActorState[30];
            for (int i = 0; i < actors.Length; i++)
            {
                var kind = i < 20 ? ActorKind.Vehicle : i < 26 ? ActorKind.Pedestrian : i < 28 ? ActorKind.ParkedVehicle : ActorKind.StaticObject;
                var (hl, hw) = kind is ActorKind.Vehicle or ActorKind.ParkedVehicle ? (2.3, 1.0) : (0.3, 0.3);
                // Within the window (in the ego's frame), any heading.
                double fwd = rng.Uniform(-behind * 0.9, ahead * 0.9), lat = rng.Uniform(-side * 0.9, side * 0.9);
                Vec2 p = ego.Centre + ego.Forward * fwd + ego.Forward.Left * lat;
                actors[i] = new ActorState(i, kind, new OrientedBox(p, rng.Uniform(-Math.PI, Math.PI), hl, hw),
                    kind == ActorKind.Vehicle ? Vec2.FromHeading(rng.Uniform(-Math.PI, Math.PI)) * rng.Uniform(0, 15) : default);
            }
            frames[k] = (ego, actors);
        }
        return frames;
    }

    // The alternative sampler: OpenCV warpAffine from a Mat over the packed town raster into a preallocated window.
    private static string WarpAffine(RoadNetwork town, BevConfig cfg, (OrientedBox Ego, ActorState[] Actors)[] frames, int n)
    {
        var raster = BevTownRaster.For(town, cfg);
        var handle = GCHandle.Alloc(raster.Cells, GCHandleType.Pinned);
        try
        {
            using var src = Mat.FromPixelData(raster.Rows, raster.Cols, MatType.CV_8UC1, handle.AddrOfPinnedObject());
            using var dst = new Mat(cfg.Height, cfg.Width, MatType.CV_8UC1);
            using var m = new Mat(2, 3, MatType.CV_64FC1);
            int k = 0;
            var size = new Size(cfg.Width, cfg.Height);
            return Time(() =>
            {
                var ego = frames[k++ % frames.Length].Ego;
                // Window pixel (c, r) -> raster (x, y): the inverse map warpAffine takes with WARP_INVERSE_MAP.
                Vec2 f = ego.Forward, l = f.Left;
                double u0 = cfg.Width / 2.0, v0 = cfg.Height - cfg.EgoFromBottom, ppm = cfg.PixelsPerMetre;
                double ox = (ego.Centre.X - raster.X0) * ppm + f.X * v0 + l.X * u0 - 0.5;
                double oy = (ego.Centre.Y - raster.Y0) * ppm + f.Y * v0 + l.Y * u0 - 0.5;
                m.Set(0, 0, -l.X); m.Set(0, 1, -f.X); m.Set(0, 2, ox);
                m.Set(1, 0, -l.Y); m.Set(1, 1, -f.Y); m.Set(1, 2, oy);
                Cv2.WarpAffine(src, dst, m, size, InterpolationFlags.Nearest | InterpolationFlags.WarpInverseMap);
            }, n);
        }
        finally
        {
            handle.Free();
        }
    }
}
