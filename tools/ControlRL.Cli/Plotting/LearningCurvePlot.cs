using ScottPlot;

namespace ControlRL.Cli.Plotting;

/// <summary>One curve source for <see cref="LearningCurvePlot.RenderGroups"/>: a label and its runs' CSV files (progress.csv or eval_over_steps.csv).</summary>
public sealed record RunGroup(string Label, IReadOnlyList<string> ProgressCsvPaths);

/// <summary>
/// How <see cref="LearningCurvePlot.RenderGroups"/> draws a column: training returns are noisy per episode and get
/// smoothed; checkpoint evaluations are already averages and are drawn as measured, optionally scaled (fraction to %).
/// </summary>
public sealed record CurveStyle(bool Smooth = true, double Scale = 1, string? YLabel = null)
{
    public static readonly CurveStyle Training = new();
}

/// <summary>
/// Learning curves as PNG (ScottPlot 5, SkiaSharp's self-contained Linux natives, so no system libraries).
/// A single run: every episodic return as a faint point plus a moving average. Several runs of one setting
/// (seeds): each run smoothed, resampled on a shared step grid, drawn as mean ± one standard deviation.
/// </summary>
public static class LearningCurvePlot
{
    public const string DefaultTag = "charts/episodic_return";
    public const int Width = 900;
    public const int Height = 540;

    /// <summary>plots/learning_curve.png of one run.</summary>
    public static void RenderRun(string progressCsvPath, string pngPath, string? title = null, string tag = DefaultTag)
    {
        var (xs, ys) = ProgressCsv.Read(progressCsvPath).Series(tag);
        if (xs.Length == 0) throw new CliUsageException($"'{progressCsvPath}' has no '{tag}' values to plot yet.");
        var plot = NewPlot(title ?? "Learning curve", tag);
        var color = Palette(0);
        var raw = plot.Add.ScatterPoints(xs, ys);
        raw.Color = color.WithAlpha(0.25);
        raw.MarkerSize = 3;
        raw.LegendText = "episodes";
        var smooth = plot.Add.ScatterLine(xs, MovingAverage(ys, SmoothingWindow(ys.Length)));
        smooth.Color = color;
        smooth.LineWidth = 2;
        smooth.LegendText = "moving average";
        Save(plot, pngPath);
    }

    /// <summary>One mean ± std band per group (e.g. per env or per variant), for BENCHMARKS.md.</summary>
    public static void RenderGroups(IReadOnlyList<RunGroup> groups, string pngPath, string? title = null, string tag = DefaultTag, CurveStyle? style = null)
    {
        if (groups.Count == 0) throw new CliUsageException("nothing to plot: no runs given.");
        style ??= CurveStyle.Training;
        var plot = NewPlot(title ?? "Learning curves", tag);
        if (style.YLabel is not null) plot.YLabel(style.YLabel);
        for (int g = 0; g < groups.Count; g++)
        {
            var curves = new List<(double[] X, double[] Y)>();
            foreach (var path in groups[g].ProgressCsvPaths)
            {
                var (xs, ys) = ProgressCsv.Read(path).Series(tag);
                if (xs.Length == 0) throw new CliUsageException($"'{path}' has no '{tag}' values to plot.");
                for (int i = 0; i < ys.Length; i++) ys[i] *= style.Scale;
                curves.Add((xs, style.Smooth ? MovingAverage(ys, SmoothingWindow(ys.Length)) : ys));
            }
            var (grid, mean, std) = MeanStd(curves, points: 200);
            var color = Palette(g);
            string label = $"{groups[g].Label} ({curves.Count} run{(curves.Count == 1 ? "" : "s")})";
            if (curves.Count > 1)
            {
                var band = plot.Add.FillY(grid, mean.Zip(std, (m, s) => m - s).ToArray(), mean.Zip(std, (m, s) => m + s).ToArray());
                band.FillColor = color.WithAlpha(0.2);
                band.LineWidth = 0;
            }
            var line = plot.Add.ScatterLine(grid, mean);
            line.Color = color;
            line.LineWidth = 2;
            line.LegendText = label;
            if (!style.Smooth)
            {
                // Measured points (checkpoint evaluations) stay visible under the interpolated mean.
                foreach (var (x, y) in curves)
                {
                    var pts = plot.Add.ScatterPoints(x, y);
                    pts.Color = color.WithAlpha(0.5);
                    pts.MarkerSize = 4;
                }
            }
        }
        Save(plot, pngPath);
    }

    /// <summary>
    /// Resamples every curve onto a grid from the largest first step to the smallest last step (the range all
    /// runs cover) by linear interpolation, then takes the mean and population std across runs.
    /// </summary>
    public static (double[] Grid, double[] Mean, double[] Std) MeanStd(IReadOnlyList<(double[] X, double[] Y)> curves, int points)
    {
        double lo = curves.Max(c => c.X[0]);
        double hi = curves.Min(c => c.X[^1]);
        if (hi <= lo) (lo, hi) = (curves.Min(c => c.X[0]), curves.Max(c => c.X[^1]));
        int n = hi > lo ? points : 1;
        var grid = new double[n];
        var mean = new double[n];
        var std = new double[n];
        for (int i = 0; i < n; i++)
        {
            grid[i] = n == 1 ? lo : lo + (hi - lo) * i / (n - 1);
            var vals = curves.Select(c => Interpolate(c.X, c.Y, grid[i])).ToArray();
            mean[i] = vals.Average();
            std[i] = Math.Sqrt(vals.Select(v => (v - mean[i]) * (v - mean[i])).Average());
        }
        return (grid, mean, std);
    }

    /// <summary>Trailing moving average (the first points average what exists so far).</summary>
    public static double[] MovingAverage(double[] ys, int window)
    {
        var result = new double[ys.Length];
        double sum = 0;
        for (int i = 0; i < ys.Length; i++)
        {
            sum += ys[i];
            if (i >= window) sum -= ys[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }

    private static int SmoothingWindow(int n) => Math.Clamp(n / 20, 1, 100);

    private static double Interpolate(double[] xs, double[] ys, double x)
    {
        if (x <= xs[0]) return ys[0];
        if (x >= xs[^1]) return ys[^1];
        int hi = Array.BinarySearch(xs, x);
        if (hi >= 0) return ys[hi];
        hi = ~hi;
        int lo = hi - 1;
        double t = xs[hi] > xs[lo] ? (x - xs[lo]) / (xs[hi] - xs[lo]) : 0;
        return ys[lo] + t * (ys[hi] - ys[lo]);
    }

    private static Plot NewPlot(string title, string tag)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("global step");
        plot.YLabel(tag == DefaultTag ? "episodic return" : tag);
        return plot;
    }

    private static Color Palette(int i) => new ScottPlot.Palettes.Category10().GetColor(i);

    private static void Save(Plot plot, string pngPath)
    {
        plot.ShowLegend(Alignment.UpperLeft);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(pngPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        plot.SavePng(pngPath, Width, Height);
    }
}
