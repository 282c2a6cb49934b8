using System.Diagnostics;
using ControlRL.Envs.Box2D.CarRacing;
using Xunit.Abstractions;

namespace ControlRL.Envs.Box2D.Tests;

public class CarRacingTests(ITestOutputHelper output)
{
    [Fact]
    public void SameSeedSameEpisodeDifferentSeedDifferent()
    {
        using var a = new CarRacingSim();
        using var b = new CarRacingSim();
        string first = CarRacingTestSupport.EpisodeHash(a, 7, 200);
        Assert.Equal(first, CarRacingTestSupport.EpisodeHash(b, 7, 200));
        // The same instance again, after another episode: each reset builds a fresh world.
        CarRacingTestSupport.EpisodeHash(a, 8, 50);
        Assert.Equal(first, CarRacingTestSupport.EpisodeHash(a, 7, 200));
        Assert.NotEqual(first, CarRacingTestSupport.EpisodeHash(b, 9, 200));
    }

    [Fact]
    public void UnseededResetsContinueTheGenerator()
    {
        using var a = new CarRacingSim(seed: 3);
        using var b = new CarRacingSim(seed: 3);
        a.Reset();
        b.Reset();
        Assert.Equal(a.Track.ToArray(), b.Track.ToArray());
        var first = a.Track.ToArray();
        a.Reset();
        Assert.NotEqual(first, a.Track.ToArray());
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(12345UL)]
    public void TrackIsAClosedLoopOfPlausibleTiles(ulong seed)
    {
        using var sim = new CarRacingSim();
        sim.Reset(seed);
        ReadOnlySpan<TrackPoint> track = sim.Track;
        Assert.InRange(track.Length, 200, 360);
        Assert.Equal(track.Length, sim.TileCount);
        // Consecutive centre points are one detail step apart, the last one glued back to the first.
        for (int i = 0; i < track.Length; i++)
        {
            TrackPoint p = track[i], q = track[(i + 1) % track.Length];
            double d = Math.Sqrt(Math.Pow(q.X - p.X, 2) + Math.Pow(q.Y - p.Y, 2));
            if (i < track.Length - 1) Assert.Equal(CarRacingConstants.TrackDetailStep, d, 1e-9);
            else Assert.InRange(d, 0, 2.5 * CarRacingConstants.TrackDetailStep);
        }
        // Every tile is 2·TRACK_WIDTH wide at both ends.
        ReadOnlySpan<double> v = sim.TrackData.TileVertices;
        for (int i = 0; i < track.Length; i++)
        {
            double w1 = Math.Sqrt(Math.Pow(v[8 * i + 2] - v[8 * i], 2) + Math.Pow(v[8 * i + 3] - v[8 * i + 1], 2));
            double w2 = Math.Sqrt(Math.Pow(v[8 * i + 4] - v[8 * i + 6], 2) + Math.Pow(v[8 * i + 5] - v[8 * i + 7], 2));
            Assert.Equal(2 * CarRacingConstants.TrackWidth, w1, 1e-9);
            Assert.Equal(2 * CarRacingConstants.TrackWidth, w2, 1e-9);
        }
        Assert.Equal(sim.TrackData.KerbCount, sim.TrackData.Border.ToArray().Count(b => b));
        // The car starts at rest at the first centre point, heading along the track.
        Assert.Equal(track[0].X, sim.CarX, 1e-3);
        Assert.Equal(track[0].Y, sim.CarY, 1e-3);
        Assert.True(sim.CarSpeed < 1e-3);
    }

    [Fact]
    public void TrackGenerationRetriesSometimes()
    {
        using var sim = new CarRacingSim();
        int retried = 0;
        for (ulong s = 0; s < 40; s++)
        {
            sim.Reset(s);
            if (sim.TrackData.Retries > 0) retried++;
        }
        output.WriteLine($"{retried} of 40 seeds needed a retry");
        Assert.InRange(retried, 0, 39);
    }

    [Theory]
    [InlineData(1UL, true, true)]
    [InlineData(2UL, true, true)]
    [InlineData(6UL, true, true)]
    [InlineData(3UL, false, false)] // discrete gas is 0.2: too slow for a lap in 1000 steps
    public void ScriptedDriveEarnsTheExactRewardAndCompletesALap(ulong seed, bool continuous, bool expectLap)
    {
        using var sim = new CarRacingSim(continuous: continuous);
        sim.Reset(seed);
        var follower = new TrackFollower(sim);
        var action = new float[sim.ActionSize];
        double sum = 0, terms = 0;
        int steps = 0, lastVisited = sim.TilesVisited;
        bool terminated = false;
        while (steps < 1000 && !terminated)
        {
            follower.Act(action);
            (float r, terminated) = sim.Step(action);
            steps++;
            sum += r;
            terms += sim.LastTileReward + sim.LastTimePenalty + sim.LastOffPlayfieldPenalty;
            Assert.True(sim.TilesVisited >= lastVisited);
            lastVisited = sim.TilesVisited;
            Assert.Equal(steps, sim.StepCount);
        }
        output.WriteLine($"seed {seed}: {steps} steps, {sim.TilesVisited}/{sim.TileCount} tiles, return {sum:F2}");
        double expected = 1000.0 / sim.TileCount * sim.TilesVisited - 0.1 * steps;
        Assert.Equal(expected, sum, 1e-3);
        Assert.Equal(expected, terms, 1e-3);
        Assert.True(sim.TilesVisited > sim.TileCount / 2);
        if (!expectLap) return;
        Assert.True(terminated, $"no lap in {steps} steps ({sim.TilesVisited}/{sim.TileCount} tiles)");
        Assert.True(sim.LapComplete);
        Assert.Equal(sim.TileCount, sim.TilesVisited);
        for (int i = 0; i < sim.TileCount; i++) Assert.True(sim.IsTileVisited(i));
    }

    [Fact]
    public void LeavingThePlayfieldCostsHundredAndTerminates()
    {
        using var sim = new CarRacingSim();
        sim.Reset(4);
        // Full throttle, then coasting straight on: the car leaves the track at the first turn and rolls on
        // (the model has no drag) until it leaves the playfield.
        for (int t = 0; t < 5000; t++)
        {
            (float r, bool done) = sim.Step(t < 80 ? [0f, 1f, 0f] : [0f, 0f, 0f]);
            if (!done) continue;
            Assert.True(sim.OffPlayfield);
            Assert.Equal(-100f, r);
            Assert.Equal(-100f, sim.LastOffPlayfieldPenalty);
            Assert.Equal(0f, sim.LastTileReward);
            Assert.Equal(0f, sim.LastTimePenalty);
            Assert.False(sim.LapComplete);
            return;
        }
        Assert.Fail("the car never left the playfield");
    }

    [Fact]
    public void OnGrassTheWheelsTouchNoTile()
    {
        using var sim = new CarRacingSim();
        sim.Reset(4);
        sim.Step([0f, 0f, 0f]);
        for (int w = 0; w < 4; w++) Assert.True(sim.WheelTiles(w) > 0);
        float[] straight = [0f, 1f, 0f];
        for (int t = 0; t < 400 && !sim.OffPlayfield; t++)
        {
            sim.Step(straight);
            if (Enumerable.Range(0, 4).All(w => sim.WheelTiles(w) == 0)) return;
        }
        Assert.Fail("the car never reached the grass");
    }

    [Theory]
    [InlineData(false, new float[] { 5f })]
    [InlineData(false, new float[] { -1f })]
    [InlineData(false, new float[] { 1.5f })]
    [InlineData(false, new float[] { float.NaN })]
    [InlineData(false, new float[] { 1f, 2f })]
    [InlineData(true, new float[] { 0f, float.PositiveInfinity, 0f })]
    [InlineData(true, new float[] { 0f, 1f })]
    public void BadActionsThrowClearly(bool continuous, float[] action)
    {
        using var sim = new CarRacingSim(continuous: continuous);
        sim.Reset(1);
        var e = Assert.Throws<ArgumentException>(() => sim.Step(action));
        Assert.Contains("CarRacing", e.Message);
    }

    [Fact]
    public void StepBeforeResetThrows()
    {
        using var sim = new CarRacingSim();
        Assert.Throws<InvalidOperationException>(() => sim.Step([0f, 0f, 0f]));
    }

    [Fact]
    public void DiscreteActionsMapAsGymnasium()
    {
        // 1 steers right, like a positive continuous steer; 2 steers left.
        using var c = new CarRacingSim(continuous: true);
        using var d = new CarRacingSim(continuous: false);
        c.Reset(5);
        d.Reset(5);
        for (int t = 0; t < 10; t++)
        {
            c.Step([0.6f, 0f, 0f]);
            d.Step([1f]);
        }
        Assert.Equal(c.SteeringAngle, d.SteeringAngle);
        Assert.True(d.SteeringAngle < 0); // the joint turns clockwise: to the right of the car
        d.Step([2f]);
        d.Step([2f]);
        Assert.True(d.SteeringAngle > c.SteeringAngle);
    }

    [Fact]
    public void ObservationHasTheIndicatorBarAfterDriving()
    {
        using var sim = new CarRacingSim();
        sim.Reset(2);
        var obs = new byte[CarRacingSim.ObservationBytes];
        Assert.Throws<ArgumentException>(() => sim.RenderObservation(new byte[96 * 96]));
        var follower = new TrackFollower(sim);
        var action = new float[3];
        for (int t = 0; t < 60; t++)
        {
            follower.Act(action);
            sim.Step(action);
        }
        sim.RenderObservation(obs);
        // The bar is the bottom 5/40 of the window: rows 84..95. Speed (white) and wheel spin (blue) bars show.
        int lit = 0;
        for (int y = 85; y < 96; y++)
            for (int x = 0; x < 96; x++)
                if (obs[(y * 96 + x) * 3] + obs[(y * 96 + x) * 3 + 1] + obs[(y * 96 + x) * 3 + 2] > 150) lit++;
        Assert.True(lit > 10, $"indicator bar nearly black ({lit} lit pixels)");
        // The speed bar at window x 125..150 (96 px: 12..14) is white-ish; a wheel bar at 175..200 (16..19) blue.
        int Px(int x, int y, int c) => obs[(y * 96 + x) * 3 + c];
        int white = Enumerable.Range(88, 6).Max(y => Math.Min(Px(13, y, 0), Math.Min(Px(13, y, 1), Px(13, y, 2))));
        Assert.True(white > 150, $"no white speed bar ({white})");
        int blue = Enumerable.Range(88, 6).Max(y => Px(17, y, 2) - Px(17, y, 0));
        Assert.True(blue > 150, $"no blue wheel bar ({blue})");
        // Above the bar: the road under the car is grey, the car red.
        Assert.InRange(Px(48, 60, 0), 90, 114);
        Assert.InRange(Px(48, 60, 1), 90, 114);
        Assert.True(Px(48, 72, 0) > 150 && Px(48, 72, 1) < 80, "the car is not drawn at (48, 72)");
    }

    [Fact]
    public void ZoomAnimatesOverTheFirstSecond()
    {
        using var sim = new CarRacingSim();
        sim.Reset(3);
        Assert.Equal(0.1 * 6 * 0.98 + 2.7 * 6 * 0.02, sim.CurrentZoom, 1e-9);
        var obs0 = new byte[CarRacingSim.ObservationBytes];
        var obs1 = new byte[CarRacingSim.ObservationBytes];
        sim.RenderObservation(obs0);
        // Zoomed out: the black outside of the playfield shows in the top corners.
        Assert.Equal(0, obs0[0] + obs0[1] + obs0[2]);
        for (int t = 0; t < 49; t++) sim.Step([0f, 0f, 0f]);
        Assert.Equal(2.7 * 6, sim.CurrentZoom, 1e-9);
        sim.RenderObservation(obs1);
        Assert.NotEqual(0, obs1[0] + obs1[1] + obs1[2]);
    }

    [Fact]
    public void VideoFrameRenders()
    {
        using var sim = new CarRacingSim();
        sim.Reset(3);
        for (int t = 0; t < 30; t++) sim.Step([0f, 1f, 0f]);
        // Full gas from rest spins the rear wheels: skid traces (drawn in video frames only).
        Assert.True(sim.SkidTraceCount > 0);
        var frame = new byte[600 * 400 * 3];
        sim.RenderFrame(frame, 600, 400);
        Assert.Contains(frame, b => b != 0);
        Assert.Throws<ArgumentException>(() => sim.RenderFrame(new byte[10], 600, 400));
    }

    [Fact]
    public void DomainRandomizeChangesColours()
    {
        using var sim = new CarRacingSim(domainRandomize: true);
        var a = new byte[CarRacingSim.ObservationBytes];
        var b = new byte[CarRacingSim.ObservationBytes];
        sim.Reset(1);
        sim.RenderObservation(a);
        sim.Reset(1, randomizeColors: true);
        sim.RenderObservation(b);
        Assert.Equal(a, b); // same seed, same colours and track
        sim.Reset(null, randomizeColors: false);
        sim.Reset(2);
        sim.RenderObservation(b);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Throughput()
    {
        using var sim = new CarRacingSim();
        var obs = new byte[CarRacingSim.ObservationBytes];
        float[] action = [0.1f, 0.5f, 0f];
        sim.Reset(1);
        for (int t = 0; t < 50; t++) { sim.Step(action); sim.RenderObservation(obs); }
        double withRender = Measure(true), physicsOnly = Measure(false);
        output.WriteLine($"CarRacing: {withRender:F0} steps/s rendering every step, {physicsOnly:F0} steps/s without");
        Assert.True(withRender > 200, $"{withRender:F0} steps/s");

        double Measure(bool render)
        {
            sim.Reset(1);
            long alloc = GC.GetAllocatedBytesForCurrentThread();
            TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            int n = 0;
            while (sw.ElapsedMilliseconds < 1500)
            {
                (_, bool done) = sim.Step(action);
                if (render) sim.RenderObservation(obs);
                n++;
                if (done || sim.StepCount >= 1000) sim.Reset();
            }
            double rate = n / sw.Elapsed.TotalSeconds;
            // CPU time too: on a loaded machine the wall clock undercounts what one core does.
            double cpuRate = n / (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            output.WriteLine($"render={render}: {rate:F0} steps/s wall, {cpuRate:F0} steps per CPU second, " +
                $"{(GC.GetAllocatedBytesForCurrentThread() - alloc) / (double)n:F0} bytes allocated per step");
            return rate;
        }
    }
}
