using ControlRL.Core.Checkpoints;
using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using ControlRL.Core.Tasks;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;
using ControlRL.Learning.Curricula;

namespace ControlRL.Learning.Tests.Curricula;

public class CurriculumWrapperTests
{
    /// <summary>Reward per step = the task's "level"; episodes last 3 steps (through TimeLimit).</summary>
    private sealed class LevelEnv : IParameterizedEnv
    {
        private readonly float[] _next = [0.5f];
        private float _level;

        public TaskSpace TaskSpace { get; } = new(["level"], [0f], [1f]);
        public EnvSpec Spec { get; } = new("Level-v0", Box.Uniform(1, -1f, 1f), Box.Uniform(1, -1f, 1f), 0.1, 1, 3, ["r"]);

        public void SetTask(ReadOnlySpan<float> task)
        {
            TaskSpace.Validate(task, Spec.Id);
            task.CopyTo(_next);
        }

        public void Reset(ObsRow row, ulong? seed = null)
        {
            Span<float> observation = row.Float();
            _level = _next[0];
            observation[0] = _level;
        }

        public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default)
        {
            Span<float> observation = row.Float();
            observation[0] = _level;
            rewardTerms[0] = _level;
            return new StepOutcome(_level, false, false);
        }

        public void Dispose() { }
    }

    /// <summary>Hands out 0.01, 0.02, ... and records every update.</summary>
    private sealed class ScriptedTeacher : ITeacher
    {
        private int _next;
        public List<(float Task, double Return)> Updates { get; } = [];
        public List<float> Sampled { get; } = [];
        public TaskSpace Space { get; } = new(["level"], [0f], [1f]);
        public string StateName => "curriculum";
        public TeacherDiagnostics Diagnostics => new("scripted", Updates.Count, Sampled.Count, 0, 0, 0, []);

        public void SampleTask(Span<float> task)
        {
            task[0] = ++_next / 100f;
            Sampled.Add(task[0]);
        }

        public void Update(ReadOnlySpan<float> task, double episodeReturn) => Updates.Add((task[0], episodeReturn));
        public void SaveState(IDictionary<string, double[]> state) => state["next"] = [_next];
        public void LoadState(IReadOnlyDictionary<string, double[]> state) => _next = (int)state["next"][0];
    }

    private static IVectorEnv Make(int n = 2) => new SyncVectorEnv(Enumerable.Range(0, n).Select(_ => (IEnv)new TimeLimit(new LevelEnv(), 3)).ToList());

    [Fact]
    public void TeacherChoosesTasksAndLearnsFinishedTasksWithRawReturns()
    {
        var teacher = new ScriptedTeacher();
        using var env = new CurriculumWrapper(Make(), teacher);
        var b = env.Buffers;
        env.Reset(1);
        // First episodes: 0.01, 0.02 (drawn before the reset); pending: 0.03, 0.04 (drawn after it).
        Assert.Equal(0.01f, b.CurrentTask(0)[0]);
        Assert.Equal(0.02f, b.CurrentTask(1)[0]);
        Assert.Equal(0.03f, b.PendingTask(0)[0]);
        Assert.Equal(0.04f, b.PendingTask(1)[0]);

        var actions = new float[2];
        env.Step(actions);
        env.Step(actions);
        Assert.Empty(teacher.Updates);
        env.Step(actions); // both episodes end and restart with their pending tasks
        Assert.Equal(2, teacher.Updates.Count);
        Assert.Equal(0.01f, teacher.Updates[0].Task);
        Assert.Equal(3 * (double)0.01f, teacher.Updates[0].Return, 6);
        Assert.Equal(0.02f, teacher.Updates[1].Task);
        Assert.Equal(3 * (double)0.02f, teacher.Updates[1].Return, 6);
        Assert.Equal(0.03f, b.CurrentTask(0)[0]);
        Assert.Equal(0.04f, b.CurrentTask(1)[0]);
        Assert.Equal(0.05f, b.PendingTask(0)[0]); // drawn one episode ahead
        Assert.Equal(0.06f, b.PendingTask(1)[0]);
        Assert.Equal(2, env.EpisodesReported);

        for (int i = 0; i < 3; i++) env.Step(actions);
        Assert.Equal([0.01f, 0.02f, 0.03f, 0.04f], teacher.Updates.Select(u => u.Task).ToArray());
        Assert.Equal(3 * (double)0.04f, teacher.Updates[3].Return, 6);
    }

    [Fact]
    public void RefusesEnvsWithoutTaskSpaceAndNormalizedRewards()
    {
        using var plain = new SyncVectorEnv([new TimeLimit(new PlainEnv(), 3)]);
        var ex = Assert.Throws<ArgumentException>(() => new CurriculumWrapper(plain, new ScriptedTeacher()));
        Assert.Contains("Plain-v0", ex.Message);

        using var normalized = new NormalizeReward(Make());
        var ex2 = Assert.Throws<ArgumentException>(() => new CurriculumWrapper(normalized, new ScriptedTeacher()));
        Assert.Contains("NormalizeReward", ex2.Message);

        var otherSpace = new RandomTeacher(new TaskSpace(["a", "b"], [0f, 0f], [1f, 1f]), 1);
        Assert.Throws<ArgumentException>(() => new CurriculumWrapper(Make(), otherSpace));
    }

    [Fact]
    public void RealTeacherDrivesTheEnvAndCheckpointsThroughTheWrapperChain()
    {
        var options = new TeacherOptions { ReturnLow = 0, ReturnHigh = 3, FitRate = 20, MaxComponents = 3 };
        using var env = new RecordEpisodeStatistics(new CurriculumWrapper(Make(4), new AlpGmmTeacher(new TaskSpace(["level"], [0f], [1f]), 5, options)));
        var actions = new float[4];
        env.Reset(3);
        for (int i = 0; i < 90; i++) env.Step(actions);
        var curriculum = env.Find<CurriculumWrapper>()!;
        Assert.Equal(120, curriculum.EpisodesReported);
        Assert.True(curriculum.Teacher.Diagnostics.Fits > 0);
        foreach (var rec in env.CompletedThisStep)
            Assert.Equal(3 * env.Buffers.FinishedTask(rec.EnvIndex)[0], rec.Return, 5);

        // Save through the chain's stateful components (as a checkpoint does) into a state file and back.
        var components = env.FindAll<IStatefulComponent>().ToList();
        Assert.Contains(components, c => c.StateName == "curriculum");
        string dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            string path = Path.Combine(dir, "state.bin");
            StateFile.Write(path, StatefulComponents.Save(components));
            var restored = new AlpGmmTeacher(new TaskSpace(["level"], [0f], [1f]), 0, options);
            using var env2 = new CurriculumWrapper(Make(4), restored);
            StatefulComponents.Load([env2], StateFile.Read(path).Doubles);
            var a = new float[1];
            var c = new float[1];
            for (int i = 0; i < 50; i++)
            {
                curriculum.Teacher.SampleTask(a);
                restored.SampleTask(c);
                Assert.Equal(a[0], c[0]);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void StepsWithoutFinishedEpisodesAllocateNothing()
    {
        using var env = new CurriculumWrapper(Make(4), new RiacTeacher(new TaskSpace(["level"], [0f], [1f]), 1));
        var actions = new float[4];
        env.Reset(1);
        for (int i = 0; i < 6; i++) env.Step(actions); // warm up (JIT, two finished episodes per env)
        long before = GC.GetAllocatedBytesForCurrentThread();
        env.Step(actions);
        env.Step(actions);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private sealed class PlainEnv : IEnv
    {
        public EnvSpec Spec { get; } = new("Plain-v0", Box.Uniform(1, -1f, 1f), Box.Uniform(1, -1f, 1f), 0.1, 1, 3, ["r"]);
        public void Reset(ObsRow row, ulong? seed = null) => row.Float().Clear();
        public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default) => new(0f, false, false);
        public void Dispose() { }
    }
}
