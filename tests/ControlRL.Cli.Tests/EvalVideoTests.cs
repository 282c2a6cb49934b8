using ControlRL.Cli.Hosting;
using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using OpenCvSharp;

namespace ControlRL.Cli.Tests;

/// <summary><c>eval --video</c>: the evaluated episodes recorded to an .mp4 through the env's IRenderable.</summary>
public class EvalVideoTests
{
    /// <summary>Episodes of 10 steps (dt 0.05 s: 20 frames per second); each frame a flat colour whose green
    /// channel is 20 * the step within the episode.</summary>
    private sealed class PaintEnv : IEnv, IRenderable
    {
        private int _step;
        public EnvSpec Spec { get; } = new("Paint-v0", Box.Uniform(1, 0f, 10f), Box.Uniform(1, -1f, 1f), 0.05, 1, 0, ["step"]);
        public int RenderWidth { get; private set; } = 64;
        public int RenderHeight { get; private set; } = 48;

        public void SetRenderSize(int width, int height)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
            (RenderWidth, RenderHeight) = (width, height);
        }

        public void Render(Span<byte> rgb)
        {
            for (int i = 0; i < rgb.Length; i += 3) (rgb[i], rgb[i + 1], rgb[i + 2]) = (100, (byte)(20 * _step), 60);
        }

        public void Reset(ObsRow row, ulong? seed = null)
        {
            _step = 0;
            row.Float()[0] = 0;
        }

        public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default)
        {
            _step++;
            row.Float()[0] = _step;
            rewardTerms[0] = 1;
            return new StepOutcome(1f, _step >= 10, false);
        }

        public void Dispose() { }
    }

    private static (int Code, string Out, string Err) Run(params string[] args) =>
        RealCli.Run(RealCli.With(("Paint-v0", () => new PaintEnv())), args);

    private static string TrainTinyRun(TempDir tmp, string env)
    {
        var (code, output, error) = Run("train", "--env", env, "--total-timesteps", "64", "--run-dir", tmp.File("runs"),
            "--set", "num_steps=64", "--set", "num_minibatches=1", "--set", "update_epochs=1");
        Assert.True(code == 0, output + error);
        return Directory.GetDirectories(tmp.File("runs")).Single();
    }

    [Fact]
    public void TrainingWritesAVideoEveryVideoEverySteps()
    {
        using var tmp = new TempDir();
        var (code, output, error) = Run("train", "--env", "Paint-v0", "--total-timesteps", "128", "--run-dir", tmp.File("runs"),
            "--set", "num_steps=32", "--set", "num_minibatches=1", "--set", "update_epochs=1", "--set", "eval_every=0", "--set", "video_every=64");
        Assert.True(code == 0, output + error);
        string videos = Path.Combine(Directory.GetDirectories(tmp.File("runs")).Single(), "videos");
        Assert.Equal(["step_0000000064.mp4", "step_0000000128.mp4"], Directory.GetFiles(videos).Select(Path.GetFileName).Order());
        var (frames, width, height, _, _) = ReadVideo(Path.Combine(videos, "step_0000000128.mp4"));
        Assert.Equal((10, 64, 48), (frames, width, height)); // one whole 10-step episode
        Assert.Contains("videos: ", output);
    }

    [Fact]
    public void TrainingVideosOfAnEnvThatCannotRenderAreTurnedOffWithANote()
    {
        using var tmp = new TempDir();
        var (code, output, error) = Run("train", "--env", FakeEnv.Id, "--total-timesteps", "128", "--run-dir", tmp.File("runs"),
            "--set", "num_steps=64", "--set", "num_minibatches=1", "--set", "eval_every=0", "--set", "video_every=64");
        Assert.True(code == 0, output + error);
        Assert.Contains("note: training videos are off", output);
        Assert.Empty(Directory.GetFiles(Path.Combine(Directory.GetDirectories(tmp.File("runs")).Single(), "videos")));
    }

    private static (int Frames, int Width, int Height, double Fps, List<int> Steps) ReadVideo(string path)
    {
        using var capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        Assert.True(capture.IsOpened(), $"cannot open {path}");
        var steps = new List<int>();
        using var frame = new Mat();
        while (capture.Read(frame) && !frame.Empty())
            steps.Add((int)Math.Round(Cv2.Mean(frame).Val1 / 20)); // BGR: green is channel 1
        return (steps.Count, capture.FrameWidth, capture.FrameHeight, capture.Fps, steps);
    }

    [Fact]
    public void RecordsTheFirstEpisodesToAReadableMp4()
    {
        using var tmp = new TempDir();
        string run = TrainTinyRun(tmp, "Paint-v0");
        string path = tmp.File("videos/eval.mp4");

        var (code, output, error) = Run("eval", run, "--episodes", "3", "--video", path, "--video-episodes", "2");
        Assert.True(code == 0, output + error);
        Assert.Contains("Paint-v0: 3 episodes", output);
        Assert.Contains("video: wrote", output);
        var video = ReadVideo(path);
        // Two 10-step episodes: each shows its reset state and the states after steps 1..9.
        Assert.Equal((20, 64, 48), (video.Frames, video.Width, video.Height));
        Assert.Equal(20, video.Fps, 3);
        Assert.Equal(Enumerable.Range(0, 10).Concat(Enumerable.Range(0, 10)), video.Steps);
        Assert.Equal([path], Directory.GetFiles(tmp.File("videos")));

        // Default: the first episode; --video-size chooses the frame size.
        (code, output, error) = Run("eval", run, "--episodes", "2", "--video", path, "--video-size", "96x64");
        Assert.True(code == 0, output + error);
        Assert.Equal((10, 96, 64), ReadVideo(path) is var v ? (v.Frames, v.Width, v.Height) : default);
    }

    [Fact]
    public void VideoErrorsAreBadInput()
    {
        using var tmp = new TempDir();
        string run = TrainTinyRun(tmp, FakeEnv.Id);
        string path = tmp.File("v.mp4");

        var (code, _, error) = Run("eval", run, "--episodes", "1", "--video", path);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("cannot render", error);
        Assert.False(File.Exists(path));

        (code, _, error) = Run("eval", run, "--video", path, "--video-size", "big");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("WIDTHxHEIGHT", error);
        (code, _, error) = Run("eval", run, "--video-size", "64x48");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--video-size needs --video", error);
        (code, _, error) = Run("eval", run, "--video", path, "--all-checkpoints");
        Assert.Equal(ExitCodes.BadInput, code);
        (code, _, _) = Run("eval", run, "--video", path, "--video-episodes", "0");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Empty(Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public void BadVideoPathsAndSizesStopBeforeAnyEpisode()
    {
        using var tmp = new TempDir();
        string run = TrainTinyRun(tmp, "Paint-v0");
        var (code, output, error) = Run("eval", run, "--video", tmp.File("v.avi"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(".mp4", error);
        Assert.DoesNotContain("episode 0", output);
        (code, _, error) = Run("eval", run, "--video", tmp.File("v.mp4"), "--video-size", "95x64");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("even", error);
        Assert.Empty(Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public void TheRequestCarriesTheVideoOptions()
    {
        var cli = new CliHarness();
        using var tmp = new TempDir();
        FakeCheckpoint.Write(tmp.File("ckpt"));
        int code = cli.Run("eval", tmp.File("ckpt"), "--video", "out.mp4", "--video-episodes", "3", "--video-size", "320x240");
        Assert.True(code == 0, cli.Out.ToString() + cli.Err);
        var request = cli.Hosts.Eval!;
        Assert.Equal(("out.mp4", 3, 320, 240), (request.VideoPath, request.VideoEpisodes, request.VideoWidth, request.VideoHeight));
        cli.Run("eval", tmp.File("ckpt"));
        Assert.Equal((null, 1, 0, 0), (cli.Hosts.Eval!.VideoPath, cli.Hosts.Eval.VideoEpisodes, cli.Hosts.Eval.VideoWidth, cli.Hosts.Eval.VideoHeight));
    }
}
