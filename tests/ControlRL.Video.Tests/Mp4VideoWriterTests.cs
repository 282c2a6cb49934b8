namespace ControlRL.Video.Tests;

public class Mp4VideoWriterTests
{
    private const int W = 96, H = 64;

    // Frame k: top half (200, 40, 40) red, bottom half (40, 40, 200) blue, and a green bar k * 8 px wide along
    // the middle rows, so order, orientation, channel order and frame index all show in the decoded video.
    private static byte[] Pattern(int k)
    {
        var f = new byte[W * H * 3];
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                int o = 3 * (y * W + x);
                bool bar = y >= 28 && y < 36 && x < 8 * k;
                (f[o], f[o + 1], f[o + 2]) = bar ? ((byte)40, (byte)220, (byte)40) : y < H / 2 ? ((byte)200, (byte)40, (byte)40) : ((byte)40, (byte)40, (byte)200);
            }
        }
        return f;
    }

    private static void Near((double R, double G, double B) actual, (double R, double G, double B) expected, double tolerance = 16)
    {
        Assert.True(Math.Abs(actual.R - expected.R) <= tolerance && Math.Abs(actual.G - expected.G) <= tolerance && Math.Abs(actual.B - expected.B) <= tolerance,
            $"colour {actual} is not within {tolerance} of {expected}");
    }

    [Fact]
    public void FramesRoundTripThroughTheFile()
    {
        using var tmp = new TempDir();
        string path = tmp.File("pattern.mp4");
        const int n = 10;
        using (var writer = new Mp4VideoWriter(path, W, H, 25))
        {
            for (int k = 0; k < n; k++)
            {
                writer.Write(Pattern(k));
                Assert.False(File.Exists(path), "the video appears under its final name only when complete");
            }
            Assert.Equal(n, writer.FrameCount);
        }

        Assert.True(File.Exists(path));
        Assert.Equal([path], Directory.GetFiles(tmp.Path)); // no temporary file left
        var video = VideoFile.Read(path);
        Assert.Equal((n, W, H), (video.Frames, video.Width, video.Height));
        Assert.Equal(25, video.Fps, 3);
        for (int k = 0; k < n; k++)
        {
            byte[] f = video.RgbFrames[k];
            Near(VideoFile.Mean(f, W, 4, 4, W - 4, 24), (200, 40, 40));      // top rows first
            Near(VideoFile.Mean(f, W, 4, 40, W - 4, H - 4), (40, 40, 200));
            if (k > 1) Near(VideoFile.Mean(f, W, 2, 30, 8 * k - 2, 34), (40, 220, 40), 24);
            if (k < 10) Near(VideoFile.Mean(f, W, 8 * k + 2, 30, W - 2, 34), (120, 40, 120), 70); // no bar yet
        }
    }

    [Fact]
    public void CompleteReplacesAnOlderFileAndDiscardLeavesNothing()
    {
        using var tmp = new TempDir();
        string path = tmp.File("v.mp4");
        File.WriteAllText(path, "old");
        var writer = new Mp4VideoWriter(path, W, H, 50);
        writer.Write(Pattern(1));
        writer.Write(Pattern(2));
        Assert.Equal("old", File.ReadAllText(path));
        writer.Complete();
        writer.Complete(); // idempotent
        Assert.True(writer.IsCompleted);
        Assert.Equal(2, VideoFile.Read(path).Frames);
        Assert.Throws<InvalidOperationException>(() => writer.Write(Pattern(3)));
        writer.Dispose();

        string other = tmp.File("dropped.mp4");
        using (var dropped = new Mp4VideoWriter(other, W, H, 50))
        {
            dropped.Write(Pattern(0));
            dropped.Discard();
        }
        Assert.False(File.Exists(other));

        // No frame: no file, and Complete says so.
        var empty = new Mp4VideoWriter(tmp.File("empty.mp4"), W, H, 50);
        Assert.Throws<InvalidOperationException>(empty.Complete);
        new Mp4VideoWriter(tmp.File("empty2.mp4"), W, H, 50).Dispose();
        Assert.Equal([path], Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        using var tmp = new TempDir();
        Assert.Contains(".mp4", Assert.Throws<ArgumentException>(() => new Mp4VideoWriter(tmp.File("v.avi"), W, H, 30)).Message);
        Assert.Throws<ArgumentException>(() => new Mp4VideoWriter("", W, H, 30));
        Directory.CreateDirectory(tmp.File("dir.mp4"));
        Assert.Contains("folder", Assert.Throws<ArgumentException>(() => new Mp4VideoWriter(tmp.File("dir.mp4"), W, H, 30)).Message);
        Assert.Contains("even", Assert.Throws<ArgumentOutOfRangeException>(() => new Mp4VideoWriter(tmp.File("v.mp4"), 95, H, 30)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Mp4VideoWriter(tmp.File("v.mp4"), 16, H, 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Mp4VideoWriter(tmp.File("v.mp4"), W, 8192, 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Mp4VideoWriter(tmp.File("v.mp4"), W, H, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Mp4VideoWriter(tmp.File("v.mp4"), W, H, double.NaN));
        // A folder that cannot be created: a file stands where it should be.
        File.WriteAllText(tmp.File("file"), "x");
        Assert.Throws<IOException>(() => new Mp4VideoWriter(Path.Combine(tmp.File("file"), "v.mp4"), W, H, 30));

        using var writer = new Mp4VideoWriter(tmp.File("sub/dir/v.mp4"), W, H, 30); // missing folders are created
        Assert.Contains($"{W * H * 3} bytes", Assert.Throws<ArgumentException>(() => writer.Write(new byte[10])).Message);
        writer.Discard();
        Assert.Empty(Directory.GetFiles(tmp.File("sub/dir")));
    }

    [Fact]
    public void WritingAFrameAllocatesNothing()
    {
        using var tmp = new TempDir();
        using var writer = new Mp4VideoWriter(tmp.File("a.mp4"), W, H, 30);
        byte[] frame = Pattern(3);
        for (int k = 0; k < 5; k++) writer.Write(frame);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 20; k++) writer.Write(frame);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
