using System.Diagnostics;
using Xunit.Abstractions;
using ControlRL.Core.Envs;
using ControlRL.Core.Vector;
using ControlRL.Envs.Box2D;

namespace ControlRL.Video.Tests;

/// <summary>The project's budget: a 1000-step episode video in under 15 s.</summary>
public class WalkerEpisodeVideoTests(ITestOutputHelper output)
{
    [Fact]
    public void ThousandStepBipedalWalkerVideo()
    {
        using var tmp = new TempDir();
        var registry = new EnvRegistry();
        Box2DEnvs.Register(registry);
        using var env = VectorEnvFactory.Create(registry, BipedalWalkerEnv.EnvId, numEnvs: 1, threaded: false, workers: 1);
        string path = tmp.File("walker.mp4");
        var actions = new float[4];
        int frames;
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        using (var video = new VectorEnvVideo(env, path, maxEpisodes: int.MaxValue))
        {
            env.Reset(3);
            video.AfterReset();
            for (int t = 0; t < 999; t++)
            {
                // A slow alternating gait; episodes that end restart, so the video always has 1000 frames.
                double phase = t * 0.08;
                actions[0] = (float)(0.6 * Math.Sin(phase));
                actions[1] = (float)(0.4 * Math.Cos(phase));
                actions[2] = (float)(-0.6 * Math.Sin(phase));
                actions[3] = (float)(-0.4 * Math.Cos(phase));
                env.Step(actions);
                video.AfterStep();
            }
            Assert.Equal(50, video.Fps, 9);
            video.Complete();
            frames = video.FrameCount;
            output.WriteLine($"{video.EpisodesEnded} episode(s) ended");
        }
        // The reset frame and one per step, except a last step that ends an episode (its next start is held back).
        Assert.InRange(frames, 999, 1000);
        double seconds = sw.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        long bytes = new FileInfo(path).Length;
        output.WriteLine($"1000-step BipedalWalker-v3 video (600x400, 50 fps): {seconds:F2} s wall, {cpuSeconds:F2} CPU s, {bytes / 1024.0:F0} KiB");
        var read = VideoFile.Read(path);
        Assert.Equal((frames, 600, 400), (read.Frames, read.Width, read.Height));
        Assert.True(cpuSeconds < 15, $"{cpuSeconds:F1} CPU seconds");
    }
}
