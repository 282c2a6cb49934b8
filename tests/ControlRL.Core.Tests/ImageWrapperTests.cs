using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using ControlRL.Core.Wrappers;

namespace ControlRL.Core.Tests;

/// <summary>
/// A pixel env whose frame encodes the step count: pixel (y, x, c) = Pattern(step, y, x, c). Reward = step, terms
/// [step, 1], info [step]. Counts the frames it draws; while skipping it leaves the slots untouched except on a
/// step that ends the episode (the contract FrameSkip relies on). Optionally a Dict { state, pixels }.
/// </summary>
internal sealed class PixelEnv : IEnv, IObservationSkipping
{
    private readonly int _h, _w, _c, _terminateAt;
    private readonly bool _dict;
    private int _step;

    public PixelEnv(int h = 4, int w = 4, int c = 3, int terminateAt = 0, bool dict = false, int maxEpisodeSteps = 0,
        Func<int, int, int, int, byte>? pattern = null)
    {
        (_h, _w, _c, _terminateAt, _dict) = (h, w, c, terminateAt, dict);
        Pattern = pattern ?? ((s, y, x, ch) => (byte)((s * 16 + y * 5 + x * 3 + ch) % 256));
        Space img = Box.Image(h, w, c);
        Space obs = dict ? new Dict(("state", Box.Uniform(2, -1e6f, 1e6f)), ("pixels", img)) : img;
        Spec = new EnvSpec("Pixel-v0", obs, Box.Uniform(1, -1f, 1f), 0.02, 1, maxEpisodeSteps, ["step", "one"])
        {
            Info = [new InfoSpec("step")],
        };
    }

    public EnvSpec Spec { get; }
    public Func<int, int, int, int, byte> Pattern { get; }
    public bool SkipObservation { get; set; }
    public int Draws { get; private set; }
    public int Steps => _step;

    public void Reset(ObsRow observation, ulong? seed = null)
    {
        _step = 0;
        Draw(observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default)
    {
        _step++;
        bool end = _terminateAt > 0 && _step >= _terminateAt;
        if (!SkipObservation || end) Draw(observation);
        rewardTerms[0] = _step;
        rewardTerms[1] = 1;
        if (info.Length > 0) info[0] = _step;
        return new StepOutcome(_step, end, false);
    }

    private void Draw(ObsRow row)
    {
        Draws++;
        int leaf = _dict ? 1 : 0;
        if (_dict)
        {
            row.Float(0)[0] = _step;
            row.Float(0)[1] = -_step;
        }
        Span<byte> p = row.UInt8(leaf);
        for (int y = 0; y < _h; y++)
            for (int x = 0; x < _w; x++)
                for (int ch = 0; ch < _c; ch++) p[(y * _w + x) * _c + ch] = Pattern(_step, y, x, ch);
    }

    public void Dispose() { }
}

public class ImageWrapperTests
{
    private static readonly float[] Act = [0f];

    private sealed class Runner(IEnv env)
    {
        public readonly ObservationBatch Obs = new(env.Spec.ObservationSpace, 1);
        public readonly float[] Terms = new float[env.Spec.RewardTerms.Count];
        public readonly float[] Info = new float[env.Spec.Info.Count];
        public void Reset() => env.Reset(Obs.Row(0));
        public StepOutcome Step() => env.Step(Act, Obs.Row(0), Terms, Info);
        public byte[] Pixels => Obs.Bytes(Obs.LeafCount - 1);
    }

    // ---- FrameSkip ----

    [Fact]
    public void FrameSkipSumsRewardsAndTermsAndKeepsTheLastFrameAndInfo()
    {
        var raw = new PixelEnv();
        var env = new FrameSkip(raw, 4);
        var run = new Runner(env);
        run.Reset();
        var r = run.Step();
        Assert.Equal(1 + 2 + 3 + 4, r.Reward);
        Assert.Equal([10f, 4f], run.Terms);
        Assert.Equal([4f], run.Info);
        Assert.Equal(raw.Pattern(4, 0, 0, 0), run.Pixels[0]);
        r = run.Step();
        Assert.Equal(5 + 6 + 7 + 8, r.Reward);
        Assert.Equal(raw.Pattern(8, 1, 2, 1), run.Pixels[(1 * 4 + 2) * 3 + 1]);
        Assert.Equal(0.08, env.Spec.Dt, 12);
        Assert.Equal(4, env.Spec.FrameSkip);
    }

    [Fact]
    public void FrameSkipStopsEarlyOnTermination()
    {
        var raw = new PixelEnv(terminateAt: 6);
        var run = new Runner(new FrameSkip(raw, 4));
        run.Reset();
        run.Step();
        var r = run.Step();
        Assert.True(r.Terminated);
        Assert.Equal(5 + 6, r.Reward);
        Assert.Equal(6, raw.Steps);
        Assert.Equal(raw.Pattern(6, 0, 0, 0), run.Pixels[0]);
        Assert.Equal([6f], run.Info);
    }

    [Fact]
    public void FrameSkipDrawsOnlyTheFramesTheAgentSees()
    {
        var raw = new PixelEnv();
        var run = new Runner(new FrameSkip(raw, 4));
        run.Reset();
        for (int t = 0; t < 10; t++) run.Step();
        Assert.Equal(40, raw.Steps);
        Assert.Equal(1 + 10, raw.Draws);
        Assert.False(raw.SkipObservation);

        var pooled = new PixelEnv();
        var run2 = new Runner(new FrameSkip(pooled, 4, maxPool: true));
        run2.Reset();
        for (int t = 0; t < 10; t++) run2.Step();
        Assert.Equal(1 + 20, pooled.Draws);
    }

    [Fact]
    public void FrameSkipSkipsThroughGrayscaleButNotThroughAFrameStack()
    {
        var raw = new PixelEnv();
        var run = new Runner(new FrameSkip(new GrayscaleObservation(raw), 4));
        run.Reset();
        for (int t = 0; t < 5; t++) run.Step();
        Assert.Equal(1 + 5, raw.Draws);

        var stacked = new PixelEnv();
        var run2 = new Runner(new FrameSkip(new FrameStack(stacked, 2), 4));
        run2.Reset();
        for (int t = 0; t < 5; t++) run2.Step();
        Assert.Equal(1 + 20, stacked.Draws); // the stack needs every frame
    }

    [Fact]
    public void FrameSkipDrawsTheFrameAnInnerTimeLimitCuts()
    {
        var raw = new PixelEnv();
        var env = new FrameSkip(new TimeLimit(raw, 7), 4);
        Assert.Equal(2, env.Spec.MaxEpisodeSteps); // ceil(7 / 4) agent steps
        var run = new Runner(env);
        run.Reset();
        Assert.False(run.Step().Truncated);
        var r = run.Step();
        Assert.True(r.Truncated);
        Assert.Equal(5 + 6 + 7, r.Reward);
        Assert.Equal(raw.Pattern(7, 0, 0, 0), run.Pixels[0]);
        Assert.Equal(1 + 2, raw.Draws);
    }

    [Fact]
    public void FrameSkipMaxPoolsTheLastTwoFrames()
    {
        // Even columns grow with the step, odd ones shrink: the max takes each from a different frame.
        var raw = new PixelEnv(h: 2, w: 2, c: 1, pattern: (s, y, x, c) => (byte)(x % 2 == 0 ? s : 100 - s));
        var run = new Runner(new FrameSkip(raw, 4, maxPool: true));
        run.Reset();
        run.Step();
        Assert.Equal(new byte[] { 4, 97, 4, 97 }, run.Pixels);
        run.Step();
        Assert.Equal(new byte[] { 8, 93, 8, 93 }, run.Pixels);
    }

    [Fact]
    public void FrameSkipWithMaxPoolReturnsTheFinalFrameOnAnEarlyEnd()
    {
        var raw = new PixelEnv(h: 1, w: 2, c: 1, terminateAt: 3, pattern: (s, y, x, c) => (byte)(x % 2 == 0 ? s : 100 - s));
        var run = new Runner(new FrameSkip(raw, 4, maxPool: true));
        run.Reset();
        var r = run.Step();
        Assert.True(r.Terminated);
        Assert.Equal(new byte[] { 3, 97 }, run.Pixels);
    }

    [Fact]
    public void FrameSkipRejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameSkip(new PixelEnv(), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameSkip(new PixelEnv(), 1, maxPool: true));
        var e = Assert.Throws<ArgumentException>(() => new FrameSkip(new ToyEnv(), 4, maxPool: true));
        Assert.Contains("uint8", e.Message);
    }

    // ---- Grayscale ----

    [Fact]
    public void GrayscaleMatchesOpenCvFixedPointLuma()
    {
        // (R*4899 + G*9617 + B*1868 + 8192) >> 14, worked by hand.
        byte[][] rgb = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [10, 20, 30], [100, 150, 200]];
        byte[] expected = [76, 150, 29, 255, 18, 141];
        var raw = new PixelEnv(h: 2, w: 3, c: 3, pattern: (s, y, x, c) => rgb[y * 3 + x][c]);
        var env = new GrayscaleObservation(raw);
        Assert.Equal("Box(0, 255, (2, 3, 1), uint8)", env.Spec.ObservationSpace.Describe());
        var run = new Runner(env);
        run.Reset();
        Assert.Equal(expected, run.Pixels);

        var flat = new GrayscaleObservation(new PixelEnv(h: 2, w: 3, c: 3, pattern: (s, y, x, c) => rgb[y * 3 + x][c]), keepDim: false);
        Assert.Equal("Box(0, 255, (2, 3), uint8)", flat.Spec.ObservationSpace.Describe());
        var run2 = new Runner(flat);
        run2.Reset();
        Assert.Equal(expected, run2.Pixels);
    }

    [Fact]
    public void GrayscaleRefusesNonRgbOrNonUInt8()
    {
        var e = Assert.Throws<ArgumentException>(() => new GrayscaleObservation(new PixelEnv(c: 4)));
        Assert.Contains("RGB", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GrayscaleObservation(new ToyEnv()));
        Assert.Contains("uint8", e.Message);
    }

    // ---- Resize ----

    [Fact]
    public void ResizeByOneAndAHalfWeighsPixelsByOverlap()
    {
        // 3x3 -> 2x2: each output cell covers 1.5 x 1.5 source pixels, weights (2/3, 1/3) per axis.
        int[,] src = { { 0, 90, 180 }, { 9, 99, 189 }, { 18, 108, 198 } };
        var raw = new PixelEnv(h: 3, w: 3, c: 1, pattern: (s, y, x, c) => (byte)src[y, x]);
        var run = new Runner(new ResizeObservation(raw, 2, 2));
        run.Reset();
        // (4*0 + 2*90 + 2*9 + 99) / 9 = 33, (4*180 + 2*90 + 2*189 + 99) / 9 = 153, ...
        Assert.Equal(new byte[] { 33, 153, 45, 165 }, run.Pixels);
    }

    [Fact]
    public void Resize96To64MatchesTheAreaAverage()
    {
        static byte P(int s, int y, int x, int c) => (byte)((y * 37 + x * 11 + c * 71 + (x * y) % 13) % 256);
        var raw = new PixelEnv(h: 96, w: 96, c: 3, pattern: P);
        var env = new ResizeObservation(raw, 64, 64);
        Assert.Equal("Box(0, 255, (64, 64, 3), uint8)", env.Spec.ObservationSpace.Describe());
        var run = new Runner(env);
        run.Reset();
        // Every 3x3 source block maps to a 2x2 output block with weights (2, 1) / (1, 2) per axis, over 9.
        int[][] wt = [[2, 1, 0], [0, 1, 2]];
        for (int dy = 0; dy < 64; dy++)
        {
            for (int dx = 0; dx < 64; dx++)
            {
                for (int c = 0; c < 3; c++)
                {
                    int num = 0;
                    for (int i = 0; i < 3; i++)
                        for (int j = 0; j < 3; j++)
                            num += wt[dy % 2][i] * wt[dx % 2][j] * P(0, dy / 2 * 3 + i, dx / 2 * 3 + j, c);
                    byte expected = (byte)Math.Round(num / 9.0); // num / 9 is never a tie
                    Assert.Equal(expected, run.Pixels[(dy * 64 + dx) * 3 + c]);
                }
            }
        }
    }

    [Fact]
    public void ResizeByIntegerFactorsAveragesBlocksExactly()
    {
        static byte P(int s, int y, int x, int c) => (byte)((y * 53 + x * 29 + c * 7) % 256);
        var run = new Runner(new ResizeObservation(new PixelEnv(h: 8, w: 8, c: 2, pattern: P), 4, 4));
        run.Reset();
        for (int dy = 0; dy < 4; dy++)
            for (int dx = 0; dx < 4; dx++)
                for (int c = 0; c < 2; c++)
                {
                    int sum = P(0, 2 * dy, 2 * dx, c) + P(0, 2 * dy, 2 * dx + 1, c) + P(0, 2 * dy + 1, 2 * dx, c) + P(0, 2 * dy + 1, 2 * dx + 1, c);
                    Assert.Equal((sum + 2) >> 2, run.Pixels[(dy * 4 + dx) * 2 + c]); // OpenCV's 2x2 rounding
                }

        var run3 = new Runner(new ResizeObservation(new PixelEnv(h: 9, w: 6, c: 1, pattern: P), 3, 2));
        run3.Reset();
        for (int dy = 0; dy < 3; dy++)
            for (int dx = 0; dx < 2; dx++)
            {
                int sum = 0;
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++) sum += P(0, 3 * dy + i, 3 * dx + j, 0);
                Assert.Equal((byte)Math.Round(sum / 9.0), run3.Pixels[dy * 2 + dx]);
            }

        var same = new Runner(new ResizeObservation(new PixelEnv(h: 4, w: 4, c: 3), 4, 4));
        same.Reset();
        var reference = new Runner(new PixelEnv(h: 4, w: 4, c: 3));
        reference.Reset();
        Assert.Equal(reference.Pixels, same.Pixels);
    }

    [Fact]
    public void ResizeRefusesUpscalingAndNonImages()
    {
        var e = Assert.Throws<ArgumentException>(() => new ResizeObservation(new PixelEnv(h: 4, w: 4), 8, 4));
        Assert.Contains("larger", e.Message);
        Assert.Throws<ArgumentException>(() => new ResizeObservation(new ToyEnv(), 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ResizeObservation(new PixelEnv(), 0, 2));
    }

    // ---- FrameStack ----

    [Fact]
    public void FrameStackStacksOldestFirstAlongChannelsAndFillsWithTheResetFrame()
    {
        var raw = new PixelEnv(h: 2, w: 2, c: 2, pattern: (s, y, x, c) => (byte)(s * 10 + (y * 2 + x) * 2 + c));
        var env = new FrameStack(raw, 3);
        Assert.Equal("Box(0, 255, (2, 2, 6), uint8)", env.Spec.ObservationSpace.Describe());
        var run = new Runner(env);
        run.Reset();
        Check(run.Pixels, [0, 0, 0]);
        run.Step();
        Check(run.Pixels, [0, 0, 1]);
        run.Step();
        run.Step();
        Check(run.Pixels, [1, 2, 3]);
        run.Reset();
        Check(run.Pixels, [0, 0, 0]);

        static void Check(byte[] px, int[] steps)
        {
            for (int p = 0; p < 4; p++)
                for (int t = 0; t < 3; t++)
                    for (int c = 0; c < 2; c++) Assert.Equal(steps[t] * 10 + p * 2 + c, px[p * 6 + t * 2 + c]);
        }
    }

    [Fact]
    public void FrameStackCanPadWithZerosAndStacksGrayAndFlatObservations()
    {
        var gray = new FrameStack(new GrayscaleObservation(new PixelEnv(h: 2, w: 2), keepDim: false), 4, FrameStackPadding.Zero);
        Assert.Equal("Box(0, 255, (2, 2, 4), uint8)", gray.Spec.ObservationSpace.Describe());
        var run = new Runner(gray);
        run.Reset();
        run.Step();
        var px = run.Pixels;
        Assert.Equal(0, px[0]);
        Assert.Equal(0, px[1]);
        Assert.NotEqual(px[2], px[3]);

        var toy = new FrameStack(new ToyEnv(), 3);
        Assert.Equal("Box(-1000.0, 1000.0, (6,), float32)", toy.Spec.ObservationSpace.Describe());
        var obs = new float[6];
        toy.Reset(obs, 1);
        float r0 = obs[1];
        Assert.Equal([0f, r0, 0f, r0, 0f, r0], obs);
        toy.Step(Act, obs, new float[2]);
        Assert.Equal([0f, r0, 0f, r0, 1f], obs[..5]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameStack(new ToyEnv(), 0));
    }

    // ---- Dict observations ----

    [Fact]
    public void ImageWrappersTransformTheChosenKeyAndPassTheOthersThrough()
    {
        var raw = new PixelEnv(h: 6, w: 6, c: 3, dict: true);
        IEnv env = new FrameStack(new ResizeObservation(new GrayscaleObservation(raw), 3, 3, key: "pixels"), 2);
        Assert.Equal("Dict('state': Box(-1000000.0, 1000000.0, (2,), float32), 'pixels': Box(0, 255, (3, 3, 2), uint8))",
            env.Spec.ObservationSpace.Describe());
        var run = new Runner(env);
        run.Reset();
        run.Step();
        run.Step();
        Assert.Equal([2f, -2f], run.Obs.Floats(0));
        Assert.True(env.Spec.ObservationSpace.Contains(run.Obs.Row(0)));

        var e = Assert.Throws<ArgumentException>(() => new GrayscaleObservation(new PixelEnv(dict: true), key: "state"));
        Assert.Contains("key 'state'", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GrayscaleObservation(new PixelEnv(dict: true), key: "nope"));
        Assert.Contains("state, pixels", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GrayscaleObservation(new PixelEnv(), key: "pixels"));
        Assert.Contains("not a Dict", e.Message);
        var stacked = new FrameStack(new PixelEnv(dict: true), 2, key: "state");
        Assert.Equal("Dict('state': Box(-1000000.0, 1000000.0, (4,), float32), 'pixels': Box(0, 255, (4, 4, 3), uint8))",
            stacked.Spec.ObservationSpace.Describe());
    }

    // ---- Allocation ----

    [Fact]
    public void ComposedChainDoesNotAllocatePerStep()
    {
        var raw = new PixelEnv(h: 96, w: 96, c: 3, terminateAt: 37);
        IEnv env = new FrameSkip(new TimeLimit(raw, 50), 4, maxPool: true);
        env = new GrayscaleObservation(env);
        env = new ResizeObservation(env, 64, 64);
        env = new FrameStack(env, 4);
        var run = new Runner(env);
        run.Reset();
        void Steps(int n)
        {
            for (int t = 0; t < n; t++)
            {
                var r = run.Step();
                if (r.Terminated || r.Truncated) run.Reset();
            }
        }
        Steps(100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Steps(1000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
