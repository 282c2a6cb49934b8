using System.Globalization;
using ControlRL.Cli.Hosting;
using ScottPlot;

namespace ControlRL.Cli.Plotting;

/// <summary>
/// <c>eval --all-checkpoints</c>: one row per checkpoint (step, mean return, std, and the mastered share with a
/// test set) in <c>eval_over_steps.csv</c>, and <c>plots/eval_over_steps.png</c> of the mastered share (or the mean
/// return without a test set) against the training step.
/// </summary>
public static class EvalOverSteps
{
    public const string CsvName = "eval_over_steps.csv";

    public static (string Csv, string Png) Write(string runDir, IReadOnlyList<(long Step, EvalResult Result)> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        string csv = Path.Combine(runDir, CsvName);
        var lines = new List<string> { "global_step,episodes,mean_return,std_return,mastered_fraction" };
        foreach (var (step, r) in rows)
        {
            double mean = r.EpisodeReturns.Count == 0 ? double.NaN : r.EpisodeReturns.Average();
            double std = r.EpisodeReturns.Count == 0 ? double.NaN : Math.Sqrt(r.EpisodeReturns.Select(x => (x - mean) * (x - mean)).Average());
            lines.Add(string.Join(",", step.ToString(inv), r.EpisodeReturns.Count.ToString(inv), mean.ToString("R", inv),
                std.ToString("R", inv), r.MasteredFraction is double f ? f.ToString("R", inv) : ""));
        }
        File.WriteAllLines(csv, lines);

        bool mastered = rows.All(r => r.Result.MasteredFraction is not null);
        var xs = rows.Select(r => (double)r.Step).ToArray();
        var ys = rows.Select(r => mastered ? 100 * r.Result.MasteredFraction!.Value : r.Result.EpisodeReturns.Average()).ToArray();
        var plot = new Plot();
        plot.Title($"{rows[0].Result.EnvId}: {(mastered ? "% of test tasks mastered" : "eval return")} over training");
        plot.XLabel("global step");
        plot.YLabel(mastered ? $"% mastered (return > {rows[0].Result.MasteredReturn:0.##})" : "mean eval return");
        var line = plot.Add.Scatter(xs, ys);
        line.LineWidth = 2;
        line.MarkerSize = 6;
        string png = Path.Combine(runDir, "plots", "eval_over_steps.png");
        Directory.CreateDirectory(Path.GetDirectoryName(png)!);
        plot.SavePng(png, LearningCurvePlot.Width, LearningCurvePlot.Height);
        return (csv, png);
    }
}
