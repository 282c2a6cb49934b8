using ControlRL.Cli.Logging;
using ControlRL.Cli.Plotting;

namespace ControlRL.Cli.Tests;

public class CsvMetricsSinkTests
{
    private static string[][] Cells(string path) =>
        File.ReadAllLines(path).Select(l => CsvMetricsSink.SplitCsvLine(l).ToArray()).ToArray();

    [Fact]
    public void OneRowPerStepWithStableColumns()
    {
        using var tmp = new TempDir();
        string path = tmp.File("progress.csv");
        using (var sink = new CsvMetricsSink(path))
        {
            sink.Scalar("charts/episodic_return", 10.5, 1000);
            sink.Scalar("losses/value_loss", 0.25, 1000);
            sink.Scalar("losses/value_loss", 0.125, 2048);
            sink.Scalar("charts/episodic_return", 12, 2048);
            sink.Flush();
        }
        var rows = Cells(path);
        Assert.Equal(["global_step", "wall_time", "charts/episodic_return", "losses/value_loss"], rows[0]);
        Assert.Equal(3, rows.Length);
        Assert.Equal(["1000", "10.5", "0.25"], [rows[1][0], rows[1][2], rows[1][3]]);
        Assert.Equal(["2048", "12", "0.125"], [rows[2][0], rows[2][2], rows[2][3]]);
        Assert.True(double.Parse(rows[1][1], System.Globalization.CultureInfo.InvariantCulture) > 1.7e9);
    }

    [Fact]
    public void NewTagLaterWidensTheFileWithoutMovingColumns()
    {
        using var tmp = new TempDir();
        string path = tmp.File("progress.csv");
        using (var sink = new CsvMetricsSink(path))
        {
            sink.Scalar("a", 1, 1);
            sink.Scalar("a", 2, 2);
            sink.Flush();
            sink.Scalar("a", 3, 3);
            sink.Scalar("eval/return", 99, 3);
            sink.Flush();
        }
        var rows = Cells(path);
        Assert.Equal(["global_step", "wall_time", "a", "eval/return"], rows[0]);
        Assert.All(rows, r => Assert.Equal(4, r.Length));
        Assert.Equal("", rows[1][3]);
        Assert.Equal("99", rows[3][3]);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void SameTagTwiceInOneStepMakesTwoRows()
    {
        using var tmp = new TempDir();
        string path = tmp.File("progress.csv");
        using (var sink = new CsvMetricsSink(path))
        {
            sink.Scalar("charts/episodic_return", 5, 4000);
            sink.Scalar("charts/episodic_return", 7, 4000);
        }
        var (steps, values) = ProgressCsv.Read(path).Series("charts/episodic_return");
        Assert.Equal([4000.0, 4000.0], steps);
        Assert.Equal([5.0, 7.0], values);
    }

    [Fact]
    public void ReopeningAppendsWithTheExistingHeader()
    {
        using var tmp = new TempDir();
        string path = tmp.File("progress.csv");
        using (var sink = new CsvMetricsSink(path))
        {
            sink.Scalar("x", 1, 10);
            sink.Scalar("y", 2, 10);
        }
        File.AppendAllText(path, "20,17"); // a partial line, as a killed run leaves
        using (var sink = new CsvMetricsSink(path))
        {
            Assert.Equal(["global_step", "wall_time", "x", "y"], sink.Columns);
            sink.Scalar("y", 4, 30);
        }
        var rows = Cells(path);
        Assert.Equal(4, rows.Length);
        Assert.Equal(["30", "", "4"], [rows[3][0], rows[3][2], rows[3][3]]);
        var (steps, _) = ProgressCsv.Read(path).Series("y");
        Assert.Equal([10.0, 30.0], steps);
    }

    [Fact]
    public void TagsWithCommasAreQuoted()
    {
        using var tmp = new TempDir();
        string path = tmp.File("progress.csv");
        using (var sink = new CsvMetricsSink(path)) sink.Scalar("reward/a,b", 1, 1);
        Assert.Equal("reward/a,b", Cells(path)[0][2]);
    }
}
