using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;

namespace ControlRL.Core.Tests;

/// <summary>Dict observations with a uint8 image through the vector envs, final observations and autoreset included.</summary>
public class TypedVectorEnvTests
{
    /// <summary>
    /// Frame pixels encode (seed, step); 'state' holds [step, seed]. Episode i lasts 3 + (seed % 3) steps.
    /// Reports an info metric 'progress' = step / length.
    /// </summary>
    internal sealed class PixelEnv : IEnv
    {
        private int _step, _length;
        private ulong _seed;

        public EnvSpec Spec { get; } = new("Pixels-v0",
            new Dict(("image", Box.Image(4, 5, 3)), ("state", Box.Uniform(2, -1000f, 1000f))),
            Box.Uniform(1, -1f, 1f), 0.1, 1, 0, ["r"])
        { Info = [new InfoSpec("progress"), new InfoSpec("steps", InfoAggregation.Sum)] };

        public void Reset(ObsRow observation, ulong? seed = null)
        {
            _seed = seed ?? _seed + 100;
            _step = 0;
            _length = 3 + (int)(_seed % 3);
            Write(observation);
        }

        public StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default)
        {
            _step++;
            Write(observation);
            rewardTerms[0] = action[0];
            info[0] = _step / (float)_length;
            info[1] = 1;
            return new StepOutcome(action[0], _step == _length, false);
        }

        private void Write(ObsRow o)
        {
            var img = o.UInt8(0);
            for (int p = 0; p < img.Length; p++) img[p] = (byte)((int)_seed * 7 + _step * 13 + p);
            var s = o.Float(1);
            s[0] = _step;
            s[1] = _seed;
        }

        public void Dispose() { }
    }

    private static IVectorEnv Make(bool threaded) =>
        threaded ? new ThreadedVectorEnv([new PixelEnv(), new PixelEnv(), new PixelEnv()], workers: 2)
            : new SyncVectorEnv([new PixelEnv(), new PixelEnv(), new PixelEnv()]);

    [Fact]
    public void DictBuffersStayTypedAndKeepFinalObservations()
    {
        using var env = Make(threaded: false);
        var b = env.Buffers;
        Assert.False(b.IsFlatFloat);
        Assert.Equal(60 * 3, b.Obs.Bytes(0).Length);
        Assert.Throws<InvalidOperationException>(() => b.Observations);
        env.Reset(10);
        float[] actions = [0.5f, 0.5f, 0.5f];
        int endedSeen = 0;
        for (int t = 1; t <= 6; t++)
        {
            env.Step(actions);
            for (int i = 0; i < 3; i++)
            {
                if (!b.Done(i)) continue;
                endedSeen++;
                // The final observation is the last step of the old episode; the new one starts at step 0.
                int length = (int)b.FinalObs.FloatRow(1, i)[0];
                Assert.Equal(3 + (int)(b.FinalObs.FloatRow(1, i)[1] % 3), length);
                Assert.Equal(0f, b.Obs.FloatRow(1, i)[0]);
                Assert.Equal((byte)((int)b.FinalObs.FloatRow(1, i)[1] * 7 + length * 13), b.FinalObs.ByteRow(0, i)[0]);
                Assert.Equal(1f, b.InfoRow(i)[0]);
            }
        }
        Assert.True(endedSeen >= 3);
    }

    [Fact]
    public void ThreadedMatchesSyncOnTypedBuffers()
    {
        using var a = Make(threaded: false);
        using var c = Make(threaded: true);
        a.Reset(5);
        c.Reset(5);
        float[] actions = [0.1f, -0.2f, 0.3f];
        for (int t = 0; t < 20; t++)
        {
            a.Step(actions);
            c.StepAsync(actions);
            c.StepWait();
            Assert.Equal(a.Buffers.Obs.Bytes(0), c.Buffers.Obs.Bytes(0));
            Assert.Equal(a.Buffers.Obs.Floats(1), c.Buffers.Obs.Floats(1));
            Assert.Equal(a.Buffers.FinalObs.Bytes(0), c.Buffers.FinalObs.Bytes(0));
            Assert.Equal(a.Buffers.Terminated, c.Buffers.Terminated);
            Assert.Equal(a.Buffers.Info, c.Buffers.Info);
        }
    }

    [Fact]
    public void EpisodeStatisticsAggregateInfoMetrics()
    {
        using var env = new RecordEpisodeStatistics(Make(threaded: false));
        env.Reset(12); // seeds 12, 13, 14: lengths 3, 4, 5
        float[] actions = [1f, 1f, 1f];
        var seen = new Dictionary<int, (double Progress, double Steps, int Length)>();
        for (int t = 0; t < 5; t++)
        {
            env.Step(actions);
            foreach (var ep in env.CompletedThisStep)
                seen.TryAdd(ep.EnvIndex, (ep.Info.Span[0], ep.Info.Span[1], ep.Length));
        }
        Assert.Equal(["progress", "steps"], env.InfoNames);
        foreach (var (i, (progress, steps, length)) in seen)
        {
            Assert.Equal(1.0, progress, 6);   // Last
            Assert.Equal(length, steps);       // Sum
        }
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void NormalizeObservationLeavesImagesAlone()
    {
        using var env = new NormalizeObservation(Make(threaded: false));
        Assert.Equal(["state"], env.Normalizer.Keys);
        env.Reset(3);
        byte before = env.Buffers.Obs.Bytes(0)[0];
        Assert.Equal((byte)(3 * 7), before);
        var ex = Assert.Throws<ArgumentException>(() => new NormalizeObservation(Make(false), keys: ["image"]));
        Assert.Contains("only float32 leaves", ex.Message);
    }

    [Fact]
    public void AsyncStepMisuseIsAnError()
    {
        using var env = Make(threaded: false);
        env.Reset(1);
        float[] actions = [0f, 0f, 0f];
        Assert.Throws<InvalidOperationException>(() => env.StepWait());
        env.StepAsync(actions);
        Assert.Throws<InvalidOperationException>(() => env.StepAsync(actions));
        env.StepWait();
    }
}
