using System.Globalization;
using System.Text;

namespace ControlRL.Cli.Plotting;

/// <summary>
/// The numbers a learning-curve table reports: per run the mean of its last N episode returns (CleanRL's way of
/// quoting a final return), and per group of seeds the mean and sample standard deviation of those.
/// </summary>
public static class RunSummary
{
    public static string Format(IReadOnlyList<RunGroup> groups, string tag, int lastEpisodes) =>
        Format(groups, tag, lastEpisodes, scale: 1, quantity: "final return", rows: "episodes");

    /// <summary>
    /// <paramref name="quantity"/> names the per-group result (e.g. "final % mastered"), <paramref name="rows"/> what
    /// a CSV row is (episodes, checkpoints); values are multiplied by <paramref name="scale"/>.
    /// </summary>
    public static string Format(IReadOnlyList<RunGroup> groups, string tag, int lastEpisodes, double scale, string quantity, string rows)
    {
        var sb = new StringBuilder();
        foreach (var g in groups)
        {
            var finals = new List<double>();
            foreach (var path in g.ProgressCsvPaths)
            {
                var (steps, values) = ProgressCsv.Read(path).Series(tag);
                if (values.Length == 0) continue;
                double final = scale * values.TakeLast(lastEpisodes).Average();
                finals.Add(final);
                sb.Append(CultureInfo.InvariantCulture, $"  {Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)))}: {values.Length} {rows} to step {steps[^1]:N0}, last {Math.Min(lastEpisodes, values.Length)} mean {final:F1}\n");
            }
            if (finals.Count == 0) continue;
            double mean = finals.Average();
            double std = finals.Count > 1 ? Math.Sqrt(finals.Sum(f => (f - mean) * (f - mean)) / (finals.Count - 1)) : 0;
            sb.Append(CultureInfo.InvariantCulture, $"{g.Label}: {finals.Count} run(s), {quantity} {mean:F1} ± {std:F1}\n");
        }
        return sb.ToString();
    }
}
