using ControlRL.Core.Envs;
using ControlRL.Core.Vector;

namespace ControlRL.Video;

/// <summary>
/// Records the episodes of one sub-env of a vector env to an .mp4 file: finds the sub-env's
/// <see cref="IRenderable"/> (<see cref="IVectorEnv.FindInSubEnv{T}"/>), draws a frame after the reset and after
/// every step, and writes them at <see cref="Fps"/> = 1 / <see cref="EnvSpec.Dt"/> (the vector env's spec, so an
/// action-repeat wrapper's longer step gives a lower frame rate and the video plays in real time).
/// </summary>
/// <remarks>
/// Use:
/// <code>
/// using var video = new VectorEnvVideo(env, "episode.mp4", subEnv: 0, maxEpisodes: 1);
/// env.Reset(seed);
/// video.AfterReset();
/// while (!video.IsDone) { /* act */ env.Step(actions); video.AfterStep(); }
/// video.Complete();   // or Dispose: the file gets its final name (see Mp4VideoWriter)
/// </code>
/// Call <see cref="AfterReset"/> and <see cref="AfterStep"/> between steps only (after Reset / Step / StepWait
/// returned), never while a step is in flight. Vector envs restart a finished sub-env within the step that
/// ends its episode (same-step autoreset), so the state after an episode's last step is never drawn: an episode of
/// L steps gives L frames, its reset state and the states after its first L - 1 steps. The frame drawn after
/// the last step (the next episode's start) is held back; it is written if stepping goes on, and dropped if the
/// caller resets the env instead (<see cref="AfterReset"/> then draws the new start). After
/// <paramref name="maxEpisodes"/> episodes have ended, <see cref="IsDone"/> is true and further calls draw
/// nothing. Rendering never changes the env; the frame buffers are allocated once.
/// </remarks>
public sealed class VectorEnvVideo : IDisposable
{
    /// <summary>Frame rate used when the spec has no usable step duration (Gymnasium's RecordVideo default).</summary>
    public const double DefaultFps = 30;

    private readonly IVectorEnv _env;
    private readonly IRenderable _renderable;
    private readonly int _subEnv;
    private readonly byte[] _frame;
    private readonly byte[] _pending;
    private readonly Mp4VideoWriter _writer;
    private bool _started;
    private bool _hasPending;

    /// <param name="env">The vector env; it stays owned by the caller.</param>
    /// <param name="path">The .mp4 file to write (see <see cref="Mp4VideoWriter"/>).</param>
    /// <param name="subEnv">Which sub-env to record.</param>
    /// <param name="maxEpisodes">Episodes to record; recording stops when this many have ended.</param>
    /// <param name="width">Frame width, or 0 to keep the env's render size (both or neither).</param>
    /// <param name="height">Frame height, or 0 to keep the env's render size.</param>
    /// <exception cref="NotSupportedException">The sub-env cannot render (no <see cref="IRenderable"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A bad sub-env index, episode count or size (the env's and
    /// the encoder's limits).</exception>
    public VectorEnvVideo(IVectorEnv env, string path, int subEnv = 0, int maxEpisodes = 1, int width = 0, int height = 0)
    {
        ArgumentNullException.ThrowIfNull(env);
        if ((uint)subEnv >= (uint)env.NumEnvs)
            throw new ArgumentOutOfRangeException(nameof(subEnv), subEnv, $"Sub-env {subEnv} does not exist (the vector env has {env.NumEnvs}).");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEpisodes, 1);
        if ((width == 0) != (height == 0))
            throw new ArgumentException($"Give both the video width and height, or neither (got {width}x{height}).", nameof(width));
        _renderable = FindRenderable(env, subEnv)
            ?? throw new NotSupportedException($"{env.Spec.Id} cannot render video frames (sub-env {subEnv} has no IRenderable in its wrapper chain).");
        if (width != 0) _renderable.SetRenderSize(width, height);
        _env = env;
        _subEnv = subEnv;
        MaxEpisodes = maxEpisodes;
        Fps = FramesPerSecond(env.Spec);
        int w = _renderable.RenderWidth, h = _renderable.RenderHeight;
        _writer = new Mp4VideoWriter(path, w, h, Fps);
        _frame = new byte[w * h * 3];
        _pending = new byte[w * h * 3];
    }

    /// <summary>The sub-env's renderer, or null when it cannot render.</summary>
    public static IRenderable? FindRenderable(IVectorEnv env, int subEnv = 0)
    {
        ArgumentNullException.ThrowIfNull(env);
        return env.FindInSubEnv<IRenderable>(subEnv);
    }

    /// <summary>1 / <see cref="EnvSpec.Dt"/> (simulated seconds per env step), or <see cref="DefaultFps"/> when
    /// Dt is not a positive number.</summary>
    public static double FramesPerSecond(EnvSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return double.IsFinite(spec.Dt) && spec.Dt > 0 ? Math.Min(1.0 / spec.Dt, Mp4VideoWriter.MaxFps) : DefaultFps;
    }

    /// <summary>Final path of the video.</summary>
    public string Path => _writer.Path;

    public double Fps { get; }

    public int Width => _writer.Width;

    public int Height => _writer.Height;

    public int MaxEpisodes { get; }

    /// <summary>Frames written so far.</summary>
    public int FrameCount => _writer.FrameCount;

    /// <summary>Episodes of the recorded sub-env that have ended since recording started.</summary>
    public int EpisodesEnded { get; private set; }

    /// <summary>True once <see cref="MaxEpisodes"/> episodes have ended: nothing more is recorded.</summary>
    public bool IsDone => EpisodesEnded >= MaxEpisodes;

    /// <summary>Call after the vector env's Reset: draws the sub-env's first state (dropping a held-back frame).</summary>
    public void AfterReset()
    {
        if (IsDone) return;
        _started = true;
        _hasPending = false;
        RenderAndWrite();
    }

    /// <summary>
    /// Call after every vector env step: draws the sub-env's state, or, when its episode ended in this step,
    /// counts the episode and holds back the next episode's first frame.
    /// </summary>
    public void AfterStep()
    {
        if (IsDone) return;
        if (!_started) throw new InvalidOperationException("VectorEnvVideo: call AfterReset after the env's first Reset, before AfterStep.");
        if (_hasPending)
        {
            _writer.Write(_pending);
            _hasPending = false;
        }
        if (_env.Buffers.Done(_subEnv))
        {
            EpisodesEnded++;
            if (IsDone) return;
            _renderable.Render(_pending);
            _hasPending = true;
            return;
        }
        RenderAndWrite();
    }

    /// <summary>Finishes the file under its final name (throws if no frame was written); idempotent.</summary>
    public void Complete() => _writer.Complete();

    /// <summary>Drops the video: nothing is left under <see cref="Path"/>.</summary>
    public void Discard() => _writer.Discard();

    /// <summary>Completes the video if it has frames, else leaves no file.</summary>
    public void Dispose() => _writer.Dispose();

    private void RenderAndWrite()
    {
        _renderable.Render(_frame);
        _writer.Write(_frame);
    }
}
