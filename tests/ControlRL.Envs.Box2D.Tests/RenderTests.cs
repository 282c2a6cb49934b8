using System.Diagnostics;
using Xunit.Abstractions;
using System.Security.Cryptography;
using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;
using ControlRL.Envs.Box2D.CarRacing;

namespace ControlRL.Envs.Box2D.Tests;

/// <summary>Video frames (IRenderable) of the walkers and of CarRacing.</summary>
public class RenderTests(ITestOutputHelper output)
{
    private static (byte R, byte G, byte B) Pixel(byte[] frame, int width, int row, int col)
    {
        int o = 3 * (row * width + col);
        return (frame[o], frame[o + 1], frame[o + 2]);
    }

    [Fact]
    public void WalkerFrameIsGymnasiumsViewTopRowFirst()
    {
        using var env = new BipedalWalkerEnv();
        var obs = new float[24];
        env.Reset(obs, 3);
        Assert.Equal((600, 400), (env.RenderWidth, env.RenderHeight));
        var frame = new byte[600 * 400 * 3];
        env.Render(frame);

        // Sky (215, 215, 255) along the top row, the ground fill (102, 153, 76) along the bottom row.
        for (int col = 0; col < 600; col += 50)
        {
            Assert.Equal(((byte)215, (byte)215, (byte)255), Pixel(frame, 600, 0, col));
            Assert.Equal(((byte)102, (byte)153, (byte)76), Pixel(frame, 600, 399, col));
        }

        // The view scrolls with the hull: its left edge is floor((hull x - 4) * 30) viewport pixels, so the hull's
        // centre is about 120 px from the left, and world y is flipped (y up, rows down).
        var (hx, hy) = env.HullPosition;
        double left = Math.Floor((hx - 600 / 30.0 / 5) * 30);
        int hullCol = (int)Math.Round(hx * 30 - left), hullRow = (int)Math.Round(400 - hy * 30);
        Assert.InRange(hullCol, 115, 125);
        Assert.Equal(((byte)127, (byte)51, (byte)229), Pixel(frame, 600, hullRow, hullCol));

        // The start flag: the pennant (230, 51, 0) between 140 and 150 px above y = 0, i.e. rows 250..260.
        int flagCol = (int)(14 / 30.0 * 3 * 30 - left);
        Assert.Equal(((byte)230, (byte)51, (byte)0), Pixel(frame, 600, 255, flagCol + 6));
        Assert.Equal(((byte)215, (byte)215, (byte)255), Pixel(frame, 600, 150, flagCol + 6));
    }

    [Fact]
    public void WalkerFrameScalesToOtherSizesAndChecksArguments()
    {
        using var env = new BipedalWalkerEnv();
        var obs = new float[24];
        Assert.Throws<InvalidOperationException>(() => env.Render(new byte[600 * 400 * 3]));
        env.Reset(obs, 3);
        env.SetRenderSize(300, 200);
        var small = new byte[300 * 200 * 3];
        env.Render(small);
        Assert.Equal(((byte)215, (byte)215, (byte)255), Pixel(small, 300, 0, 150));
        Assert.Equal(((byte)102, (byte)153, (byte)76), Pixel(small, 300, 199, 150));
        Assert.Throws<ArgumentException>(() => env.Render(new byte[600 * 400 * 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.SetRenderSize(0, 400));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.SetRenderSize(600, 5000));
        Assert.Equal((300, 200), (env.RenderWidth, env.RenderHeight));
    }

    [Fact]
    public void GymnasiumWalkerSweepsOneLidarRayTeachDeepRlDrawsAll()
    {
        static int RedPixels(byte[] f)
        {
            // Columns right of the flag and left of the first obstacles: only lidar rays are this red.
            int n = 0;
            for (int row = 0; row < 400; row++)
            {
                for (int col = 100; col < 250; col++)
                {
                    var (r, g, b) = Pixel(f, 600, row, col);
                    if (r > g + 100 && r > b + 100) n++;
                }
            }
            return n;
        }

        var frame = new byte[600 * 400 * 3];
        var action = new float[4];
        var terms = new float[3];
        using (var env = new BipedalWalkerEnv())
        {
            var obs = new float[24];
            env.Reset(obs, 1);
            env.Render(frame);
            Assert.True(RedPixels(frame) > 20, "the reset frame shows ray 1");
            for (int t = 0; t < 19; t++) env.Step(action, obs, terms);
            env.Render(frame);
            Assert.Equal(0, RedPixels(frame)); // frame 20 of 100: no ray
        }

        var registry = WalkerTestSupport.Registry();
        using var hexagons = (ParameterizedWalkerEnv)registry.MakeRaw("HexagonTracks-v0");
        var o = new float[hexagons.Spec.ObservationSpace.FlatSize];
        hexagons.Reset(o, 1);
        hexagons.Render(frame);
        int all = RedPixels(frame);
        for (int t = 0; t < 19; t++) hexagons.Step(action, o, terms);
        hexagons.Render(frame);
        Assert.True(all > 100 && RedPixels(frame) > 100, $"every ray in every frame ({all} red pixels)");
    }

    [Theory]
    [InlineData("BipedalWalkerHardcore-v3")]
    [InlineData("StumpTracksQuadru-v0")]
    [InlineData("HexagonTracksShort-v0")]
    public void RenderingDoesNotChangeTheEpisodeAndFramesAreDeterministic(string id)
    {
        var registry = WalkerTestSupport.Registry();
        using var plain = registry.MakeRaw(id);
        using var drawn = registry.MakeRaw(id);
        using var again = registry.MakeRaw(id);
        string expected = WalkerTestSupport.TrajectoryHash(plain, 11, 300);
        var (trajectory, frames) = RenderedTrajectory(drawn, 11, 300);
        Assert.Equal(expected, trajectory);
        Assert.Equal(frames, RenderedTrajectory(again, 11, 300).Frames);
    }

    [Fact]
    public void RenderingAllocatesNothingPerFrame()
    {
        using var env = new BipedalWalkerEnv(hardcore: true);
        var obs = new float[24];
        var terms = new float[3];
        var action = new float[] { 0.5f, -0.3f, 0.2f, 0.1f };
        var frame = new byte[600 * 400 * 3];
        env.Reset(obs, 2);
        for (int t = 0; t < 30; t++)
        {
            env.Step(action, obs, terms);
            env.Render(frame);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 100; t++) env.Render(frame);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WalkerRenderThroughput()
    {
        using var env = new BipedalWalkerEnv(hardcore: true);
        var obs = new float[24];
        var terms = new float[3];
        var frame = new byte[600 * 400 * 3];
        var rng = new Rng(5);
        var action = new float[4];
        env.Reset(obs, 8);
        for (int t = 0; t < 20; t++) env.Render(frame);
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        int n = 0;
        while (sw.ElapsedMilliseconds < 1000)
        {
            // A frame every 10 steps: the walker moves through its terrain while only drawing is timed in bulk.
            for (int i = 0; i < 4; i++) action[i] = (float)rng.Uniform(-1, 1);
            if (n % 10 == 0 && env.Step(action, obs, terms).Terminated) env.Reset(obs);
            env.Render(frame);
            n++;
        }
        double rate = n / sw.Elapsed.TotalSeconds;
        double cpuRate = n / (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        output.WriteLine($"BipedalWalkerHardcore-v3 600x400: {rate:F0} frames/s wall, {cpuRate:F0} frames per CPU second");
        Assert.True(rate > 50, $"{rate:F0} frames/s");
    }

    /// <summary>The trajectory hash of <see cref="WalkerTestSupport.TrajectoryHash"/> with a frame rendered after
    /// the reset and every step, and a hash of those frames.</summary>
    private static (string Trajectory, string Frames) RenderedTrajectory(IEnv env, ulong seed, int steps)
    {
        var renderable = env.Find<IRenderable>()!;
        var frame = new byte[renderable.RenderWidth * renderable.RenderHeight * 3];
        using var frames = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Draw()
        {
            renderable.Render(frame);
            frames.AppendData(frame);
        }

        int nObs = env.Spec.ObservationSpace.FlatSize, nAct = env.Spec.ActionSpace.FlatSize;
        var obs = new float[nObs];
        var action = new float[nAct];
        var terms = new float[env.Spec.RewardTerms.Count];
        var rng = new Rng(7);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        env.Reset(obs, seed);
        Draw();
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obs.AsSpan()));
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < nAct; i++) action[i] = (float)rng.Uniform(-1, 1);
            var r = env.Step(action, obs, terms);
            Draw();
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obs.AsSpan()));
            sha.AppendData(BitConverter.GetBytes(r.Reward));
            if (r.Terminated)
            {
                env.Reset(obs);
                Draw();
            }
        }
        return (Convert.ToHexString(sha.GetHashAndReset()), Convert.ToHexString(frames.GetHashAndReset()));
    }

    [Fact]
    public void CarRacingRendersGymnasiumsVideoFrameWithoutChangingTheEpisode()
    {
        static string Run(CarRacingEnv env, bool render)
        {
            var space = env.Spec.ObservationSpace;
            var batch = new ObservationBatch(space, 1);
            var terms = new float[3];
            var frame = new byte[env.RenderWidth * env.RenderHeight * 3];
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            env.Reset(batch.Row(0), 5);
            for (int t = 0; t < 60; t++)
            {
                if (render) env.Render(frame);
                var r = env.Step([0.3f * MathF.Sin(t / 7f), 0.8f, 0f], batch.Row(0), terms);
                sha.AppendData(batch.ByteRow(0, 0));
                sha.AppendData(BitConverter.GetBytes(r.Reward));
            }
            return Convert.ToHexString(sha.GetHashAndReset());
        }

        using var plain = new CarRacingEnv();
        using var drawn = new CarRacingEnv();
        Assert.Equal((600, 400), (drawn.RenderWidth, drawn.RenderHeight));
        Assert.Equal(Run(plain, render: false), Run(drawn, render: true));

        // The env's frame is the simulator's rgb_array frame at the chosen size.
        drawn.SetRenderSize(300, 200);
        var frame = new byte[300 * 200 * 3];
        var direct = new byte[300 * 200 * 3];
        drawn.Render(frame);
        drawn.Sim.RenderFrame(direct, 300, 200);
        Assert.Equal(direct, frame);
        Assert.Contains(frame, b => b != 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => drawn.SetRenderSize(4, 200));
    }
}
