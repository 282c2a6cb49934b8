using ControlRL.Cli.Hosting;

namespace ControlRL.Cli.Tests;

/// <summary>The real trainer, evaluator and env registry behind the command line, on a short budget.</summary>
public class EndToEndTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) =>
        RealCli.Run(Registries.CreateEnvRegistry, args);

    [Fact]
    public void TrainThenEvalTheCheckpoint()
    {
        using var tmp = new TempDir();
        var (code, output, error) = Run("train", "--env", "InvertedPendulum-v5", "--total-timesteps", "4096", "--seed", "3",
            "--run-dir", tmp.Path, "--set", "num_steps=1024", "--set", "num_minibatches=16", "--set", "eval_every=2048", "--set", "eval_episodes=1");
        Assert.True(code == 0, $"train exited {code}: {output} {error}");
        string run = Directory.GetDirectories(tmp.Path).Single();
        Assert.StartsWith("InvertedPendulum-v5__ppo__3__", Path.GetFileName(run));
        Assert.True(File.Exists(Path.Combine(run, "config.yaml")));
        Assert.Contains("episodic_return", File.ReadAllText(Path.Combine(run, "progress.csv")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(run, "tb"), "events.out.tfevents.*"));
        Assert.True(File.Exists(Path.Combine(run, "plots", "learning_curve.png")));
        Assert.Equal(["best", "step_0000004096"], Directory.GetDirectories(Path.Combine(run, "checkpoints")).Select(Path.GetFileName).Order());
        Assert.Contains("final eval:", output);
        Assert.Contains("eval/mean_return", File.ReadAllText(Path.Combine(run, "progress.csv")));

        var eval = Run("eval", run, "--episodes", "2", "--seed", "5");
        Assert.True(eval.Code == 0, $"eval exited {eval.Code}: {eval.Out} {eval.Err}");
        Assert.Contains("InvertedPendulum-v5: 2 episodes", eval.Out);

        // A resumed run continues from the checkpoint's step in the same folder.
        var resumed = Run("train", "--resume", run, "--total-timesteps", "6144");
        Assert.True(resumed.Code == 0, $"resume exited {resumed.Code}: {resumed.Out} {resumed.Err}");
        Assert.Contains("resumed at update 4, step 4,096", resumed.Out);
        Assert.Equal(3, Directory.GetDirectories(Path.Combine(run, "checkpoints")).Length);
    }

    [Fact]
    public void EvalOfACorruptCheckpointIsAClearError()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp.File("ckpt"));
        File.WriteAllText(tmp.File("ckpt/meta.json"), "{ not json");
        var (code, _, error) = Run("eval", tmp.File("ckpt"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("meta.json", error);
    }

    [Fact]
    public void EnvsCheckPassesForHalfCheetah()
    {
        var (code, output, _) = Run("envs", "check", "HalfCheetah-v5", "--steps", "50");
        Assert.Equal(0, code);
        Assert.Contains("HalfCheetah-v5: passed", output);
    }
}
