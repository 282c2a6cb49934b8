using ControlRL.Cli.Plotting;

namespace ControlRL.Cli.Tests;

public class RunSummaryTests
{
    [Fact]
    public void FinalReturnIsTheMeanOfTheLastEpisodesAndGroupsGiveMeanAndStd()
    {
        using var tmp = new TempDir();
        string Write(string run, params double[] returns)
        {
            string dir = Path.Combine(tmp.Path, run);
            Directory.CreateDirectory(dir);
            string path = Path.Combine(dir, "progress.csv");
            var lines = new List<string> { "global_step,wall_time,charts/episodic_return" };
            for (int i = 0; i < returns.Length; i++) lines.Add($"{(i + 1) * 100},0,{returns[i]}");
            File.WriteAllLines(path, lines);
            return path;
        }
        var a = Write("Env-v0__ppo__1__x", 0, 0, 10, 20);
        var b = Write("Env-v0__ppo__2__x", 0, 0, 30, 40);
        string text = RunSummary.Format([new RunGroup("Env-v0", [a, b])], "charts/episodic_return", 2);
        Assert.Contains("last 2 mean 15.0", text);
        Assert.Contains("last 2 mean 35.0", text);
        // mean of 15 and 35 = 25; sample std = sqrt(((10)^2 + (10)^2) / 1) = 14.1
        Assert.Contains("Env-v0: 2 run(s), final return 25.0 ± 14.1", text);
    }
}
