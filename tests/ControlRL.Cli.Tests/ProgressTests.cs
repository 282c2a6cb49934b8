using ControlRL.Cli.Logging;

namespace ControlRL.Cli.Tests;

public class ProgressTests
{
    [Fact]
    public void PlainModePrintsALineEveryNUpdates()
    {
        var now = TimeSpan.Zero;
        var w = new StringWriter();
        var p = new ConsoleProgress(10_000, w, ProgressMode.Plain, clock: () => now, plainEvery: 5);
        for (int i = 1; i <= 10; i++)
        {
            now = TimeSpan.FromSeconds(i);
            p.Update(i * 1000, meanReturn: i * 10.0);
        }
        p.Finish();
        var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // update 1, 5, 10 (the last also reaches the total)
        Assert.Contains("5,000/10,000", lines[1]);
        Assert.Contains("50.0%", lines[1]);
        Assert.Contains("1,000 SPS", lines[1]);
        Assert.Contains("return 50.0", lines[1]);
        Assert.Contains("ETA 00:00:05", lines[1]);
        Assert.DoesNotContain('\r', w.ToString());
    }

    [Fact]
    public void BarRedrawsAtMostFourTimesASecond()
    {
        var now = TimeSpan.Zero;
        var w = new StringWriter();
        var p = new ConsoleProgress(1_000_000, w, ProgressMode.Bar, clock: () => now);
        for (int i = 1; i <= 100; i++)
        {
            now = TimeSpan.FromMilliseconds(10 * i); // 100 updates in one second
            p.Update(i * 100);
        }
        int draws = w.ToString().Count(c => c == '\r');
        Assert.InRange(draws, 1, 5);
        p.Message("checkpoint written");
        p.Finish();
        string text = w.ToString();
        Assert.Contains("checkpoint written\n", text);
        Assert.EndsWith("\n", text);
        Assert.Contains("[", text);
    }

    [Fact]
    public void AResumedRunCountsOnlyTheStepsOfThisProcess()
    {
        var now = TimeSpan.FromSeconds(30); // loading the checkpoint took a while
        var w = new StringWriter();
        var p = new ConsoleProgress(10_000_000, w, ProgressMode.Plain, clock: () => now, plainEvery: 1);
        p.StartAt(8_000_000);
        now = TimeSpan.FromSeconds(40);
        p.Update(8_100_000);
        Assert.Equal(10_000, p.StepsPerSecond, 6);
        string line = w.ToString();
        Assert.Contains("10,000 SPS", line);
        Assert.Contains("ETA 00:03:10", line); // 1.9M steps left at 10k/s
    }

    [Fact]
    public void SilentModeWritesNothing()
    {
        var w = new StringWriter();
        var p = new ConsoleProgress(100, w, ProgressMode.Silent);
        p.Update(50);
        p.Finish();
        Assert.Equal("", w.ToString());
    }
}
