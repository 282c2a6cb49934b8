using System.Buffers.Binary;
using ControlRL.Cli.Logging;
using ControlRL.Cli.Plotting;

namespace ControlRL.Cli.Tests;

public class PlotTests
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    internal static void WriteFakeProgress(string path, int seed, int episodes = 120)
    {
        var rng = new Random(seed);
        using var sink = new CsvMetricsSink(path);
        for (int i = 1; i <= episodes; i++)
        {
            long step = i * 1000L + seed;
            sink.Scalar("charts/episodic_return", 10 * Math.Sqrt(i) + rng.NextDouble() * 20 - 10, step);
            sink.Scalar("charts/SPS", 1500, step);
        }
    }

    private static void AssertPng(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 5000, $"PNG is only {bytes.Length} bytes");
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(LearningCurvePlot.Width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(LearningCurvePlot.Height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Fact]
    public void SingleRunCurveIsAValidPng()
    {
        using var tmp = new TempDir();
        WriteFakeProgress(tmp.File("progress.csv"), 1);
        string png = Path.Combine(tmp.Path, "plots", "learning_curve.png");
        LearningCurvePlot.RenderRun(tmp.File("progress.csv"), png, "Fake");
        AssertPng(png);
    }

    [Fact]
    public void SeveralSeedsGiveAMeanStdBandPng()
    {
        using var tmp = new TempDir();
        var csvs = Enumerable.Range(1, 3).Select(s =>
        {
            string p = tmp.File($"seed{s}.csv");
            WriteFakeProgress(p, s);
            return p;
        }).ToArray();
        string png = tmp.File("curves.png");
        LearningCurvePlot.RenderGroups([new RunGroup("Fake-v0", csvs), new RunGroup("Other-v0", csvs[..1])], png, "Fake, 3 seeds");
        AssertPng(png);
    }

    [Fact]
    public void MeanStdInterpolatesOnTheSharedRange()
    {
        var (grid, mean, std) = LearningCurvePlot.MeanStd([([0.0, 10], [0.0, 10]), ([0.0, 10], [2.0, 12])], points: 3);
        Assert.Equal([0.0, 5, 10], grid);
        Assert.Equal([1.0, 6, 11], mean);
        Assert.All(std, s => Assert.Equal(1.0, s, 9));
        Assert.Equal([1.0, 1.5, 2.5], LearningCurvePlot.MovingAverage([1, 2, 3], 2));
    }

    [Fact]
    public void MissingTagIsAUsageError()
    {
        using var tmp = new TempDir();
        using (var sink = new CsvMetricsSink(tmp.File("progress.csv"))) sink.Scalar("losses/x", 1, 1);
        var ex = Assert.Throws<CliUsageException>(() => LearningCurvePlot.RenderRun(tmp.File("progress.csv"), tmp.File("a.png")));
        Assert.Contains("charts/episodic_return", ex.Message);
    }
}
