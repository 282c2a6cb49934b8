using System.Globalization;
using ControlRL.Cli.Hosting;
using ScottPlot;

namespace ControlRL.Cli.Plotting;

/// <summary>
/// Which test tasks a checkpoint masters: <c>&lt;run&gt;/test_tasks.csv</c> (one row per test task: its parameters,
/// return, length and whether it is mastered) and <c>plots/test_tasks.png</c>, the tasks in the first two task
/// dimensions (a 1-D space plots the task against the return), mastered ones filled, the rest coloured by return.
/// Comparing these maps of two teachers shows where in the task space one of them wins, not only by how much.
/// </summary>
public static class TestTaskMap
{
    public const string CsvName = "test_tasks.csv";
    public const string PngName = "test_tasks.png";
    private const int ColorBins = 6;

    public static (string Csv, string Png) Write(string runDir, long step, EvalResult result)
    {
        var tasks = result.Tasks ?? throw new ArgumentException("the result has no test tasks", nameof(result));
        double mastered = result.MasteredReturn ?? double.PositiveInfinity;
        int dims = tasks.Count == 0 ? 0 : tasks[0].Length;
        var names = result.TaskNames is { } n && n.Count == dims ? n : Enumerable.Range(0, dims).Select(d => $"task_{d}").ToArray();
        var inv = CultureInfo.InvariantCulture;

        string csv = Path.Combine(runDir, CsvName);
        var lines = new List<string> { string.Join(",", ["global_step", .. names, "return", "length", "mastered"]) };
        for (int i = 0; i < result.EpisodeReturns.Count; i++)
        {
            lines.Add(string.Join(",", [step.ToString(inv), .. tasks[i].Select(t => t.ToString("R", inv)),
                result.EpisodeReturns[i].ToString("R", inv), result.EpisodeLengths[i].ToString(inv),
                result.EpisodeReturns[i] > mastered ? "1" : "0"]));
        }
        File.WriteAllLines(csv, lines);

        var plot = new Plot();
        double share = result.MasteredFraction ?? 0;
        plot.Title(string.Create(inv, $"{result.EnvId} at step {step:N0}: {100 * share:0.#}% of {result.EpisodeReturns.Count} test tasks mastered (return > {mastered:0.##})"));
        plot.XLabel(names.Count > 0 ? names[0] : "task");
        plot.YLabel(dims >= 2 ? names[1] : "return");
        double X(int i) => tasks[i].Length > 0 ? tasks[i][0] : 0;
        double Y(int i) => dims >= 2 ? tasks[i][1] : result.EpisodeReturns[i];
        var returns = result.EpisodeReturns;
        double lo = returns.DefaultIfEmpty(0).Min(), hi = Math.Max(returns.DefaultIfEmpty(0).Max(), lo + 1e-9);
        var cmap = new ScottPlot.Colormaps.Viridis();
        for (int bin = 0; bin < ColorBins; bin++)
        {
            var idx = Enumerable.Range(0, returns.Count)
                .Where(i => returns[i] <= mastered && Math.Min(ColorBins - 1, (int)((returns[i] - lo) / (hi - lo) * ColorBins)) == bin).ToArray();
            if (idx.Length == 0) continue;
            var pts = plot.Add.ScatterPoints(idx.Select(X).ToArray(), idx.Select(Y).ToArray());
            pts.Color = cmap.GetColor((bin + 0.5) / ColorBins);
            pts.MarkerShape = MarkerShape.OpenCircle;
            pts.MarkerSize = 9;
            pts.LegendText = string.Create(inv, $"return {lo + (hi - lo) * bin / ColorBins:0} to {lo + (hi - lo) * (bin + 1) / ColorBins:0}");
        }
        var won = Enumerable.Range(0, returns.Count).Where(i => returns[i] > mastered).ToArray();
        if (won.Length > 0)
        {
            var pts = plot.Add.ScatterPoints(won.Select(X).ToArray(), won.Select(Y).ToArray());
            pts.Color = Colors.Crimson;
            pts.MarkerShape = MarkerShape.FilledCircle;
            pts.MarkerSize = 10;
            pts.LegendText = $"mastered ({won.Length})";
        }
        plot.ShowLegend(Alignment.UpperRight);
        string png = Path.Combine(runDir, "plots", PngName);
        Directory.CreateDirectory(Path.GetDirectoryName(png)!);
        plot.SavePng(png, LearningCurvePlot.Width, LearningCurvePlot.Height);
        return (csv, png);
    }
}
