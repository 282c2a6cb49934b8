using ControlRL.Core.Envs;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;

namespace ControlRL.Video.Tests;

public class VectorEnvVideoTests
{
    // (episode, step) a CountingEnv frame shows: red = 40 * episode, green = 20 * step.
    private static (int Episode, int Step) Shown(byte[] rgb)
    {
        var (r, g, _) = VideoFile.Mean(rgb, 64, 8, 8, 56, 40);
        return ((int)Math.Round(r / 40), (int)Math.Round(g / 20));
    }

    [Fact]
    public void RecordsTheFirstEpisodesOfOneSubEnvAtTheSpecsFrameRate()
    {
        using var tmp = new TempDir();
        var counting = new CountingEnv(episodeLength: 5);
        // The renderer sits under a wrapper; FindInSubEnv reaches it. Sub-env 1 is recorded.
        using var env = new SyncVectorEnv([new TimeLimit(new CountingEnv(7), 100), new TimeLimit(counting, 100)]);
        var actions = new float[2];
        using (var video = new VectorEnvVideo(env, tmp.File("v.mp4"), subEnv: 1, maxEpisodes: 2))
        {
            Assert.Equal(25, video.Fps, 9); // 1 / Dt = 1 / 0.04
            env.Reset(0);
            video.AfterReset();
            int steps = 0;
            while (!video.IsDone)
            {
                env.Step(actions);
                video.AfterStep();
                steps++;
            }
            Assert.Equal(10, steps);
            Assert.Equal(2, video.EpisodesEnded);
            Assert.Equal(10, video.FrameCount);
            int calls = counting.RenderCalls;
            env.Step(actions);
            video.AfterStep(); // done: nothing more is drawn
            Assert.Equal(calls, counting.RenderCalls);
        }

        var read = VideoFile.Read(tmp.File("v.mp4"));
        Assert.Equal(10, read.Frames);
        Assert.Equal(25, read.Fps, 3);
        // Each episode of 5 steps: its reset state and the states after steps 1..4 (autoreset hides step 5).
        var expected = new[] { (0, 0), (0, 1), (0, 2), (0, 3), (0, 4), (1, 0), (1, 1), (1, 2), (1, 3), (1, 4) };
        Assert.Equal(expected, read.RgbFrames.Select(Shown).ToArray());
    }

    [Fact]
    public void AnExplicitResetReplacesTheHeldBackFrame()
    {
        using var tmp = new TempDir();
        var counting = new CountingEnv(episodeLength: 3);
        using var env = new SyncVectorEnv([counting]);
        var actions = new float[1];
        using (var video = new VectorEnvVideo(env, tmp.File("v.mp4"), maxEpisodes: 2, width: 96, height: 64))
        {
            for (int episode = 0; episode < 2; episode++)
            {
                env.Reset((ulong)episode); // as an evaluator does: its own seed per episode
                video.AfterReset();
                do
                {
                    env.Step(actions);
                    video.AfterStep();
                } while (!env.Buffers.Done(0));
            }
            Assert.True(video.IsDone);
            video.Complete();
        }
        var read = VideoFile.Read(tmp.File("v.mp4"));
        Assert.Equal((6, 96, 64), (read.Frames, read.Width, read.Height));
        // The autoreset episodes (1 and 3) were drawn but never written; the explicit resets' episodes (2, 4) were.
        var shown = read.RgbFrames.Select(f => VideoFile.Mean(f, 96, 8, 8, 88, 56)).Select(c => ((int)Math.Round(c.R / 40), (int)Math.Round(c.G / 20))).ToArray();
        Assert.Equal(new[] { (0, 0), (0, 1), (0, 2), (2, 0), (2, 1), (2, 2) }, shown);
    }

    [Fact]
    public void AnEnvThatCannotRenderIsAClearError()
    {
        using var tmp = new TempDir();
        using var blind = new SyncVectorEnv([new BlindEnv()]);
        Assert.Null(VectorEnvVideo.FindRenderable(blind));
        Assert.Contains("cannot render", Assert.Throws<NotSupportedException>(() => new VectorEnvVideo(blind, tmp.File("v.mp4"))).Message);
        using var env = new SyncVectorEnv([new CountingEnv()]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new VectorEnvVideo(env, tmp.File("v.mp4"), subEnv: 1));
        Assert.Throws<ArgumentException>(() => new VectorEnvVideo(env, tmp.File("v.mp4"), width: 64));
        var video = new VectorEnvVideo(env, tmp.File("v.mp4"));
        Assert.Throws<InvalidOperationException>(video.AfterStep); // AfterReset first
        video.Dispose();
        Assert.Empty(Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public void FrameRateFollowsTheStepDuration()
    {
        var spec = new EnvSpec("X", Core.Spaces.Box.Uniform(1, 0f, 1f), Core.Spaces.Box.Uniform(1, 0f, 1f), 0.08, 4, 0, []);
        Assert.Equal(12.5, VectorEnvVideo.FramesPerSecond(spec), 9);
        Assert.Equal(VectorEnvVideo.DefaultFps, VectorEnvVideo.FramesPerSecond(spec with { Dt = 0 }));
    }
}
