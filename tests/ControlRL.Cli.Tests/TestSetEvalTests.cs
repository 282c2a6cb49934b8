using ControlRL.Cli.Hosting;
using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using ControlRL.Core.Tasks;

namespace ControlRL.Cli.Tests;

/// <summary><c>eval --test-tasks</c>: a fixed, uniformly drawn test set over a parameterized env's task space.</summary>
public class TestSetEvalTests
{
    /// <summary>Return of an episode = 100 * the task's "skill" parameter (10 steps of 10 * skill); mastered above 50.</summary>
    private sealed class SkillEnv : IParameterizedEnv
    {
        private readonly float[] _next = [0.5f];
        private float _skill;
        public TaskSpace TaskSpace { get; } = new(["skill"], [0f], [1f]);
        public EnvSpec Spec { get; } = new("Skill-v0", Box.Uniform(1, 0f, 1f), Box.Uniform(1, -1f, 1f), 0.1, 1, 10, ["skill"]);
        public void SetTask(ReadOnlySpan<float> task) { TaskSpace.Validate(task, Spec.Id); task.CopyTo(_next); }
        public void Reset(ObsRow row, ulong? seed = null) { _skill = _next[0]; row.Float()[0] = _skill; }
        public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default)
        {
            Span<float> observation = row.Float();
            observation[0] = _skill;
            rewardTerms[0] = 10f * _skill;
            return new StepOutcome(rewardTerms[0], false, false);
        }
        public void Dispose() { }
    }

    private static (int, string, string) Run(params string[] args) =>
        RealCli.Run(RealCli.With(("Skill-v0", () => new SkillEnv())), args);

    /// <summary>One 64-step update on Skill-v0: a run folder with a checkpoint to evaluate.</summary>
    private static string TrainTinySkillRun(TempDir tmp)
    {
        var (code, output, error) = Run("train", "--env", "Skill-v0", "--total-timesteps", "64", "--run-dir", tmp.Path,
            "--set", "num_steps=64", "--set", "num_minibatches=1", "--set", "update_epochs=1");
        Assert.True(code == 0, output + error);
        return Directory.GetDirectories(tmp.Path).Single();
    }

    [Fact]
    public void MasteredShareMatchesTheTestSetAndTheSameSeedGivesTheSameSet()
    {
        using var tmp = new TempDir();
        string run = TrainTinySkillRun(tmp);

        var first = Run("eval", run, "--test-tasks", "20", "--mastered", "50", "--json");
        var second = Run("eval", run, "--test-tasks", "20", "--mastered", "50", "--json");
        Assert.True(first.Item1 == 0, first.Item2 + first.Item3);
        using var doc = System.Text.Json.JsonDocument.Parse(first.Item2[first.Item2.IndexOf('{')..]);
        var tasks = doc.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t[0].GetSingle()).ToArray();
        Assert.Equal(20, tasks.Length);
        double expected = tasks.Count(t => 100 * t > 50) / 20.0;
        Assert.Equal(expected, doc.RootElement.GetProperty("mastered_fraction").GetDouble(), 6);
        Assert.Equal(first.Item2[first.Item2.IndexOf('{')..], second.Item2[second.Item2.IndexOf('{')..]);
    }

    [Fact]
    public void TestSetEvalWritesWhichTasksAreMastered()
    {
        using var tmp = new TempDir();
        string run = TrainTinySkillRun(tmp);
        var eval = Run("eval", run, "--test-tasks", "12", "--mastered", "50");
        Assert.True(eval.Item1 == 0, eval.Item2 + eval.Item3);
        var rows = File.ReadAllLines(Path.Combine(run, "test_tasks.csv"));
        Assert.Equal("global_step,skill,return,length,mastered", rows[0]);
        Assert.Equal(12, rows.Length - 1);
        foreach (var r in rows.Skip(1).Select(l => l.Split(',')))
        {
            Assert.Equal("64", r[0]);
            double skill = double.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture);
            double ret = double.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(100 * skill, ret, 3); // the env's return is 100 * skill
            Assert.Equal(ret > 50 ? "1" : "0", r[4]);
        }
        Assert.True(new FileInfo(Path.Combine(run, "plots", "test_tasks.png")).Length > 1000);
        Assert.Contains("test_tasks.csv", eval.Item2);
    }

    [Fact]
    public void TestSetOnAnUnparameterizedEnvIsAClearError()
    {
        using var tmp = new TempDir();
        var trained = Run("train", "--env", FakeEnv.Id, "--total-timesteps", "64", "--run-dir", tmp.Path,
            "--set", "num_steps=64", "--set", "num_minibatches=1", "--set", "update_epochs=1");
        Assert.True(trained.Item1 == 0, trained.Item2 + trained.Item3);
        var (code, _, error) = Run("eval", Directory.GetDirectories(tmp.Path).Single(), "--test-tasks", "5");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("has no task parameters", error);
    }

    [Fact]
    public void TrainingWithACurriculumLogsTasksAndDrawsTheTaskSpace()
    {
        using var tmp = new TempDir();
        var (code, output, error) = Run("train", "--env", "Skill-v0", "--curriculum", "alp-gmm", "--total-timesteps", "640",
            "--run-dir", tmp.Path, "--set", "num_steps=64", "--set", "num_minibatches=1", "--set", "update_epochs=1");
        Assert.True(code == 0, output + error);
        string run = Directory.GetDirectories(tmp.Path).Single();
        var rows = File.ReadAllLines(Path.Combine(run, "curriculum.csv"));
        Assert.Equal("global_step,env,skill,return,progress", rows[0]);
        Assert.Equal(64, rows.Length - 1); // 640 steps of 10-step episodes
        var updates = File.ReadAllLines(Path.Combine(run, "curriculum.jsonl"));
        Assert.Equal(10, updates.Length); // one line per update
        using (var first = System.Text.Json.JsonDocument.Parse(updates[0]))
        {
            Assert.Equal(6, first.RootElement.GetProperty("episodes").GetInt32()); // 64 steps: episodes end at 10, 20, ..., 60
            Assert.InRange(first.RootElement.GetProperty("task_mean")[0].GetDouble(), 0, 1);
        }
        Assert.True(new FileInfo(Path.Combine(run, "plots", "curriculum_tasks.png")).Length > 1000);
        Assert.Contains("curriculum: \"alp-gmm\"", File.ReadAllText(Path.Combine(run, "config.yaml")));
    }

    [Fact]
    public void CurriculumOnAnUnparameterizedEnvIsAClearError()
    {
        using var tmp = new TempDir();
        var (code, _, error) = Run("train", "--env", FakeEnv.Id, "--curriculum", "riac", "--total-timesteps", "64",
            "--run-dir", tmp.Path, "--set", "num_steps=64", "--set", "num_minibatches=1");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no task parameters", error);
    }

    [Fact]
    public void UnknownCurriculumIsRejected()
    {
        var (code, _, error) = Run("train", "--env", "Skill-v0", "--curriculum", "alp");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("alp", error);
    }

    [Fact]
    public void ACurriculumRunResumesWithItsTeacher()
    {
        using var tmp = new TempDir();
        var first = Run("train", "--env", "Skill-v0", "--curriculum", "riac", "--total-timesteps", "320",
            "--run-dir", tmp.Path, "--set", "num_steps=64", "--set", "num_minibatches=1", "--set", "update_epochs=1");
        Assert.True(first.Item1 == 0, first.Item2 + first.Item3);
        string run = Directory.GetDirectories(tmp.Path).Single();
        var second = Run("train", "--resume", run, "--total-timesteps", "640");
        Assert.True(second.Item1 == 0, second.Item2 + second.Item3);
        Assert.Contains("resumed at update 5", second.Item2);
        var rows = File.ReadAllLines(Path.Combine(run, "curriculum.csv"));
        Assert.Single(rows, r => r.StartsWith("global_step", StringComparison.Ordinal));
        Assert.Equal(64, rows.Length - 1);
    }

    [Fact]
    public void AllCheckpointsGiveTheMasteredShareOverSteps()
    {
        using var tmp = new TempDir();
        var trained = Run("train", "--env", "Skill-v0", "--total-timesteps", "256", "--run-dir", tmp.Path,
            "--set", "num_steps=64", "--set", "num_minibatches=1", "--set", "update_epochs=1", "--set", "checkpoint_every=2");
        Assert.True(trained.Item1 == 0, trained.Item2 + trained.Item3);
        string run = Directory.GetDirectories(tmp.Path).Single();
        var (code, output, error) = Run("eval", run, "--all-checkpoints", "--test-tasks", "10", "--mastered", "50");
        Assert.True(code == 0, output + error);
        var rows = File.ReadAllLines(Path.Combine(run, "eval_over_steps.csv"));
        Assert.Equal("global_step,episodes,mean_return,std_return,mastered_fraction", rows[0]);
        Assert.Equal(["128", "256"], rows.Skip(1).Select(r => r.Split(',')[0]).ToArray());
        // The test set does not depend on the policy here (return = 100 * skill), so every checkpoint scores the same.
        Assert.Single(rows.Skip(1).Select(r => r.Split(',')[4]).Distinct());
        Assert.True(new FileInfo(Path.Combine(run, "plots", "eval_over_steps.png")).Length > 1000);
    }
}
