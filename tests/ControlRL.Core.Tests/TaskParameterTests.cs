using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using ControlRL.Core.Tasks;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;

namespace ControlRL.Core.Tests;

public class TaskParameterTests
{
    /// <summary>Observes its own task; episodes last 3 steps (through TimeLimit).</summary>
    private sealed class TaskEchoEnv : IParameterizedEnv
    {
        private readonly float[] _next = [0.5f, 0f];
        private readonly float[] _task = new float[2];

        public TaskSpace TaskSpace { get; } = new(["height", "spacing"], [0f, -1f], [1f, 1f]);
        public EnvSpec Spec { get; } = new("TaskEcho-v0", Box.Uniform(2, -1f, 1f), Box.Uniform(1, -1f, 1f), 0.1, 1, 3, ["r"]);

        public void SetTask(ReadOnlySpan<float> task)
        {
            TaskSpace.Validate(task, Spec.Id);
            task.CopyTo(_next);
        }

        public void Reset(ObsRow row, ulong? seed = null)
        {
            Span<float> observation = row.Float();
            _next.CopyTo(_task, 0);
            _task.CopyTo(observation);
        }

        public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default)
        {
            Span<float> observation = row.Float();
            _task.CopyTo(observation);
            rewardTerms[0] = 1f;
            return new StepOutcome(1f, false, false);
        }

        public void Dispose() { }
    }

    private static IVectorEnv Make(bool threaded)
    {
        var envs = Enumerable.Range(0, 3).Select(_ => (IEnv)new TimeLimit(new TaskEchoEnv(), 3)).ToList();
        return threaded ? new ThreadedVectorEnv(envs, 1) : new SyncVectorEnv(envs);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PendingTasksStartTheNextEpisodeAndFinishedTasksReportTheLastOne(bool threaded)
    {
        using var env = Make(threaded);
        Assert.NotNull(env.TaskSpace);
        var b = env.Buffers;
        Assert.Equal(2, b.TaskSize);
        env.Reset(1);
        Assert.Equal([0.5f, 0f], b.CurrentTask(1).ToArray()); // the centre of the space by default
        Assert.Equal([0.5f, 0f], b.Observation(1).ToArray());

        float[] next = [0.9f, -0.5f];
        next.CopyTo(b.PendingTask(1));
        var actions = new float[3];
        env.Step(actions);
        env.Step(actions);
        Assert.Equal([0.5f, 0f], b.Observation(1).ToArray()); // no change mid-episode
        env.Step(actions); // the time limit ends the episode; same-step autoreset applies the pending task
        Assert.True(b.Truncated[1]);
        Assert.Equal([0.5f, 0f], b.FinishedTask(1).ToArray());
        Assert.Equal(next, b.CurrentTask(1).ToArray());
        Assert.Equal(next, b.Observation(1).ToArray());
        Assert.Equal([0.5f, 0f], b.Observation(0).ToArray()); // env 0 kept its own pending task
    }

    [Fact]
    public void TaskOutsideTheSpaceIsRefusedByName()
    {
        using var env = Make(false);
        env.Reset(1);
        env.Buffers.PendingTask(2)[1] = 5f;
        var actions = new float[3];
        env.Step(actions);
        env.Step(actions);
        var ex = Assert.ThrowsAny<Exception>(() => env.Step(actions));
        Assert.Contains("spacing", ex.Message);
        Assert.Contains("sub-env 2", ex.Message);
    }

    [Fact]
    public void UnparameterizedEnvsHaveNoTaskBuffers()
    {
        using var env = new SyncVectorEnv([new TimeLimit(new TaskEchoEnvPlain(), 3)]);
        Assert.Null(env.TaskSpace);
        Assert.Equal(0, env.Buffers.TaskSize);
    }

    private sealed class TaskEchoEnvPlain : IEnv
    {
        public EnvSpec Spec { get; } = new("Plain-v0", Box.Uniform(2, -1f, 1f), Box.Uniform(1, -1f, 1f), 0.1, 1, 3, ["r"]);
        public void Reset(ObsRow row, ulong? seed = null) => row.Float().Clear();
        public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default) => new(0f, false, false);
        public void Dispose() { }
    }
}
