using System.Globalization;
using OpenCvSharp;
using OpenCvSharp.Internal;

namespace ControlRL.Video;

/// <summary>
/// Writes RGB frames (top row first, as <see cref="Core.Envs.IRenderable"/> draws them) to an .mp4 file with
/// OpenCV's VideoWriter: MPEG-4 part 2 (<c>mp4v</c>) through the FFmpeg that OpenCvSharp's runtime bundles (its
/// H.264 encoder is not available there).
/// </summary>
/// <remarks>
/// Frames go to a hidden temporary file next to the target (<c>.name.xxxxxxxx.partial.mp4</c>, the same folder so
/// the final rename is atomic), renamed to <see cref="Path"/> by <see cref="Complete"/> or <see cref="Dispose"/>:
/// a process that dies mid-video leaves that temporary file, never a truncated file under the final name (an
/// existing file there is replaced only at the rename). <see cref="Discard"/> drops the video. Each frame is copied
/// into a preallocated Mat and converted to OpenCV's BGR order in place of a second one: <see cref="Write"/>
/// allocates nothing. Not thread-safe.
/// </remarks>
public sealed unsafe class Mp4VideoWriter : IDisposable
{
    /// <summary>Smallest frame side accepted: FFmpeg's MPEG-4 encoder writes no picture below about 18 px wide.</summary>
    public const int MinSide = 32;

    /// <summary>Largest frame side accepted.</summary>
    public const int MaxSide = 4096;

    /// <summary>Highest frame rate accepted.</summary>
    public const double MaxFps = 1000;

    private readonly string _tempPath;
    private VideoWriter? _writer;
    private Mat? _rgb, _bgr;
    private InputArray? _rgbIn, _bgrIn;
    private OutputArray? _bgrOut;
    private State _state = State.Open;

    private enum State { Open, Completed, Discarded }

    /// <summary>
    /// Opens a writer for <paramref name="width"/> x <paramref name="height"/> frames at <paramref name="fps"/>
    /// frames per second. The folder of <paramref name="path"/> is created when missing.
    /// </summary>
    /// <exception cref="ArgumentException">The path is empty, does not end in .mp4, or names a folder.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A side outside <see cref="MinSide"/>..<see cref="MaxSide"/>, an
    /// odd side (the encoder would silently crop it), or a frame rate that is not positive and finite (at most <see cref="MaxFps"/>).</exception>
    /// <exception cref="IOException">The folder cannot be created or the encoder cannot open the file.</exception>
    public Mp4VideoWriter(string path, int width, int height, double fps)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("The video path is empty.", nameof(path));
        if (!path.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"The video path '{path}' must end in .mp4 (MPEG-4 part 2 in an MP4 container).", nameof(path));
        CheckSide(width, nameof(width));
        CheckSide(height, nameof(height));
        if (!double.IsFinite(fps) || fps <= 0 || fps > MaxFps)
            throw new ArgumentOutOfRangeException(nameof(fps), fps, $"The frame rate must be positive and at most {MaxFps} frames per second.");

        string full;
        try
        {
            full = System.IO.Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"The video path '{path}' is not a valid file path: {e.Message}", nameof(path), e);
        }
        if (Directory.Exists(full)) throw new ArgumentException($"The video path '{path}' is a folder; give a file name ending in .mp4.", nameof(path));
        string folder = System.IO.Path.GetDirectoryName(full) ?? throw new ArgumentException($"The video path '{path}' has no folder.", nameof(path));
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot create the folder '{folder}' for the video '{path}': {e.Message}", e);
        }

        Path = full;
        Width = width;
        Height = height;
        Fps = fps;
        _tempPath = System.IO.Path.Combine(folder,
            $".{System.IO.Path.GetFileNameWithoutExtension(full)}.{Guid.NewGuid().ToString("N")[..8]}.partial.mp4");
        var writer = new VideoWriter(_tempPath, VideoCaptureAPIs.FFMPEG, FourCC.FromFourChars('m', 'p', '4', 'v'), fps, new Size(width, height), true);
        if (!writer.IsOpened())
        {
            writer.Dispose();
            TryDelete(_tempPath);
            throw new IOException(string.Create(CultureInfo.InvariantCulture,
                $"OpenCV could not open an mp4v video writer for '{path}' ({width}x{height} at {fps:0.###} fps): check that the folder is writable and that OpenCvSharp's native runtime (with its FFmpeg) is installed."));
        }
        _writer = writer;
        _rgb = new Mat(height, width, MatType.CV_8UC3);
        _bgr = new Mat(height, width, MatType.CV_8UC3);
        _rgbIn = _rgb;
        _bgrIn = _bgr;
        _bgrOut = _bgr;
    }

    /// <summary>Final path of the video (absolute).</summary>
    public string Path { get; }

    public int Width { get; }

    public int Height { get; }

    public double Fps { get; }

    /// <summary>Frames written so far.</summary>
    public int FrameCount { get; private set; }

    /// <summary>Bytes of one frame: Width * Height * 3.</summary>
    public int FrameBytes => Width * Height * 3;

    /// <summary>True once the file has its final name.</summary>
    public bool IsCompleted => _state == State.Completed;

    /// <summary>Appends one frame: <see cref="Height"/> rows of <see cref="Width"/> RGB pixels, top row first.</summary>
    public void Write(ReadOnlySpan<byte> rgbTopDown)
    {
        if (_state != State.Open)
            throw new InvalidOperationException($"The video '{Path}' is already {(_state == State.Completed ? "complete" : "discarded")}; no more frames can be written.");
        if (rgbTopDown.Length != FrameBytes)
            throw new ArgumentException($"A frame of the video '{Path}' must hold {FrameBytes} bytes ({Width}x{Height}x3 RGB), got {rgbTopDown.Length}.", nameof(rgbTopDown));
        rgbTopDown.CopyTo(new Span<byte>((void*)_rgb!.Data, FrameBytes));
        Check(NativeMethods.imgproc_cvtColor(_rgbIn!.CvPtr, _bgrOut!.CvPtr, (int)ColorConversionCodes.RGB2BGR, 0));
        Check(NativeMethods.videoio_VideoWriter_write(_writer!.CvPtr, _bgrIn!.CvPtr));
        FrameCount++;
    }

    /// <summary>
    /// Finishes the file and gives it its final name (replacing a file already there). Idempotent.
    /// </summary>
    /// <exception cref="InvalidOperationException">No frame was written (nothing is left on disk), or the video
    /// was discarded.</exception>
    public void Complete()
    {
        if (_state == State.Completed) return;
        if (_state == State.Discarded) throw new InvalidOperationException($"The video '{Path}' was discarded.");
        if (FrameCount == 0)
        {
            Discard();
            throw new InvalidOperationException($"No frame was written to the video '{Path}'; no file was made.");
        }
        Close();
        File.Move(_tempPath, Path, overwrite: true);
        _state = State.Completed;
    }

    /// <summary>Stops writing and deletes the temporary file: nothing appears under <see cref="Path"/>.</summary>
    public void Discard()
    {
        if (_state != State.Open) return;
        Close();
        TryDelete(_tempPath);
        _state = State.Discarded;
    }

    /// <summary>Completes the video when it has frames (discards it otherwise); see <see cref="Complete"/>.</summary>
    public void Dispose()
    {
        if (_state != State.Open) return;
        if (FrameCount > 0) Complete();
        else Discard();
    }

    private void Close()
    {
        _writer?.Release();
        _writer?.Dispose();
        _writer = null;
        _rgbIn?.Dispose();
        _bgrIn?.Dispose();
        _bgrOut?.Dispose();
        _rgb?.Dispose();
        _bgr?.Dispose();
        _rgbIn = _bgrIn = null;
        _bgrOut = null;
        _rgb = _bgr = null;
    }

    private static void CheckSide(int value, string name)
    {
        if (value is < MinSide or > MaxSide)
            throw new ArgumentOutOfRangeException(name, value, $"Video frames must be {MinSide}..{MaxSide} pixels on each side.");
        if (value % 2 != 0)
            throw new ArgumentOutOfRangeException(name, value, "Video frame sides must be even (the MPEG-4 encoder would crop an odd side).");
    }

    private void Check(ExceptionStatus status)
    {
        if (status != ExceptionStatus.NotOccurred) throw new IOException($"OpenCV failed to encode a frame of the video '{Path}'.");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover hidden .partial.mp4 is harmless.
        }
    }
}
