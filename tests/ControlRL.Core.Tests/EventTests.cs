using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;

namespace ControlRL.Core.Tests;

/// <summary>Env events (kind, position, value) through wrappers, vector envs and episode statistics.</summary>
public class EventTests
{
    /// <summary>Reports a "bump" at (step, seed) every third step and a "stop" on the last step of 7.</summary>
    private sealed class BumpyEnv : IEnv, IEventSource
    {
        private readonly List<EnvEvent> _pending = [];
        private int _step;
        private ulong _seed;

        public EnvSpec Spec { get; } = new("Bumpy-v0", Box.Uniform(1, -100f, 100f), Box.Uniform(1, -1f, 1f), 0.1, 1, 0, ["r"])
        { Events = ["bump", "stop"] };

        public void Reset(ObsRow observation, ulong? seed = null)
        {
            _seed = seed ?? _seed + 1;
            _step = 0;
            _pending.Clear();
            observation.Float()[0] = 0;
        }

        public StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default)
        {
            _step++;
            observation.Float()[0] = _step;
            if (_step % 3 == 0) _pending.Add(new EnvEvent(0, _step, _seed, 1.5f));
            bool end = _step == 7;
            if (end) _pending.Add(new EnvEvent(1, _step, _seed));
            return new StepOutcome(0f, end, false);
        }

        public int DrainEvents(Span<EnvEvent> destination)
        {
            int n = _pending.Count;
            for (int k = 0; k < Math.Min(n, destination.Length); k++) destination[k] = _pending[k];
            _pending.Clear();
            return n;
        }

        public void Dispose() { }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EventsReachTheVectorBuffersWithTheirPositions(bool threaded)
    {
        IEnv[] envs = [new BumpyEnv(), new BumpyEnv()];
        using IVectorEnv v = threaded ? new ThreadedVectorEnv(envs, 1) : new SyncVectorEnv(envs);
        using var stats = new RecordEpisodeStatistics(v);
        stats.Reset(10);
        float[] actions = [0f, 0f];
        var seen = new List<(int Env, EnvEvent Event)>();
        for (int t = 1; t <= 7; t++)
        {
            stats.Step(actions);
            for (int i = 0; i < 2; i++)
                foreach (var e in stats.Buffers.Events(i)) seen.Add((i, e));
        }
        Assert.Equal([(0, new EnvEvent(0, 3, 10, 1.5f)), (1, new EnvEvent(0, 3, 11, 1.5f)), (0, new EnvEvent(0, 6, 10, 1.5f)),
            (1, new EnvEvent(0, 6, 11, 1.5f)), (0, new EnvEvent(1, 7, 10)), (1, new EnvEvent(1, 7, 11))], seen);
        var episode = Assert.Single(stats.CompletedThisStep, e => e.EnvIndex == 0);
        Assert.Equal([2.0, 1.0], episode.EventCounts.ToArray());
        Assert.Equal(["bump", "stop"], stats.EventNames);
    }

    [Fact]
    public void ActionRepeatLosesNoEventOfTheFramesItSkips()
    {
        // Seven raw steps as frame_skip(k=4): two agent steps; bumps at raw steps 3 and 6, the stop at 7.
        using var v = new SyncVectorEnv([new FrameSkip(new BumpyEnv(), 4)]);
        v.Reset(1);
        v.Step([0f]);
        Assert.Equal([new EnvEvent(0, 3, 1, 1.5f)], v.Buffers.Events(0).ToArray());
        v.Step([0f]);
        Assert.Equal([new EnvEvent(0, 6, 1, 1.5f), new EnvEvent(1, 7, 1)], v.Buffers.Events(0).ToArray());
        Assert.True(v.Buffers.Terminated[0]);
    }
}
