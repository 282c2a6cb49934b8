using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using OpenCvSharp;

namespace ControlRL.Video.Tests;

/// <summary>A temporary folder removed at the end of a test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "controlrl-video-" + Guid.NewGuid().ToString("N")[..12]);
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>What VideoCapture reads back from a file.</summary>
public sealed record VideoInfo(int Frames, int Width, int Height, double Fps, IReadOnlyList<byte[]> RgbFrames);

public static class VideoFile
{
    /// <summary>Decodes every frame (converted back to RGB, top row first).</summary>
    public static VideoInfo Read(string path)
    {
        using var capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        Assert.True(capture.IsOpened(), $"VideoCapture cannot open {path}");
        var frames = new List<byte[]>();
        using var bgr = new Mat();
        using var rgb = new Mat();
        while (capture.Read(bgr) && !bgr.Empty())
        {
            Cv2.CvtColor(bgr, rgb, ColorConversionCodes.BGR2RGB);
            var bytes = new byte[rgb.Rows * rgb.Cols * 3];
            System.Runtime.InteropServices.Marshal.Copy(rgb.Data, bytes, 0, bytes.Length);
            frames.Add(bytes);
        }
        return new VideoInfo(frames.Count, capture.FrameWidth, capture.FrameHeight, capture.Fps, frames);
    }

    /// <summary>Mean RGB of a rectangle of an RGB frame.</summary>
    public static (double R, double G, double B) Mean(byte[] rgb, int width, int x0, int y0, int x1, int y1)
    {
        double r = 0, g = 0, b = 0;
        int n = 0;
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                int o = 3 * (y * width + x);
                r += rgb[o]; g += rgb[o + 1]; b += rgb[o + 2];
                n++;
            }
        }
        return (r / n, g / n, b / n);
    }
}

/// <summary>
/// A renderable env whose episodes last <see cref="EpisodeLength"/> steps. Its frame is a flat colour encoding
/// the episode (red channel: 40 * episode) and the step within it (green channel: 20 * step), so a decoded
/// video tells which states were drawn.
/// </summary>
public sealed class CountingEnv(int episodeLength = 5) : IEnv, IRenderable
{
    private int _step;
    private int _episode = -1;

    public int EpisodeLength { get; } = episodeLength;

    public EnvSpec Spec { get; } = new("Counting-v0", Box.Uniform(1, 0f, 100f), Box.Uniform(1, -1f, 1f), 0.04, 1, 0, ["step"]);

    public int RenderWidth { get; private set; } = 64;

    public int RenderHeight { get; private set; } = 48;

    public int RenderCalls { get; private set; }

    public void SetRenderSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        RenderWidth = width;
        RenderHeight = height;
    }

    public void Render(Span<byte> rgb)
    {
        RenderCalls++;
        for (int i = 0; i < rgb.Length; i += 3)
        {
            rgb[i] = (byte)(40 * _episode);
            rgb[i + 1] = (byte)(20 * _step);
            rgb[i + 2] = 128;
        }
    }

    public void Reset(ObsRow row, ulong? seed = null)
    {
        _episode++;
        _step = 0;
        row.Float()[0] = 0;
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default)
    {
        _step++;
        row.Float()[0] = _step;
        rewardTerms[0] = 1;
        return new StepOutcome(1f, _step >= EpisodeLength, false);
    }

    public void Dispose() { }
}

/// <summary>The same env without rendering.</summary>
public sealed class BlindEnv : IEnv
{
    public EnvSpec Spec { get; } = new("Blind-v0", Box.Uniform(1, 0f, 1f), Box.Uniform(1, -1f, 1f), 0.04, 1, 0, ["step"]);
    public void Reset(ObsRow row, ulong? seed = null) { }
    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default) => new(0f, false, false);
    public void Dispose() { }
}
