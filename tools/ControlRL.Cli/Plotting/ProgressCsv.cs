using System.Globalization;
using ControlRL.Cli.Logging;

namespace ControlRL.Cli.Plotting;

/// <summary>A progress.csv read back: one (step, value) series per column, empty cells skipped.</summary>
public sealed class ProgressCsv
{
    private readonly Dictionary<string, (List<double> Steps, List<double> Values)> _series = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Columns { get; private init; } = [];

    private void DropFrom(double step)
    {
        foreach (var (steps, values) in _series.Values)
        {
            int keep = steps.Count;
            while (keep > 0 && steps[keep - 1] >= step) keep--;
            steps.RemoveRange(keep, steps.Count - keep);
            values.RemoveRange(keep, values.Count - keep);
        }
    }

    public static ProgressCsv Read(string path)
    {
        if (!File.Exists(path)) throw new CliUsageException($"'{path}' does not exist.");
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        string? header = reader.ReadLine();
        if (header is null) throw new CliUsageException($"'{path}' is empty.");
        var cols = CsvMetricsSink.SplitCsvLine(header);
        int stepCol = cols.IndexOf("global_step");
        if (stepCol < 0) throw new CliUsageException($"'{path}' has no global_step column.");
        var csv = new ProgressCsv { Columns = cols };
        foreach (var c in cols) csv._series[c] = ([], []);
        string? line;
        double lastStep = double.NegativeInfinity;
        while ((line = reader.ReadLine()) is not null)
        {
            var cells = CsvMetricsSink.SplitCsvLine(line);
            if (cells.Count <= stepCol || !double.TryParse(cells[stepCol], NumberStyles.Float, CultureInfo.InvariantCulture, out double step))
                continue; // a partial last line of a run still writing
            // Steps going back mean a run resumed from a checkpoint without trimming what was logged after it
            // (files written before resume trimmed them): the later, resumed rows replace the earlier ones.
            if (step < lastStep) csv.DropFrom(step);
            lastStep = step;
            for (int i = 0; i < Math.Min(cells.Count, cols.Count); i++)
            {
                if (i == stepCol || cells[i].Length == 0) continue;
                if (double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
                {
                    csv._series[cols[i]].Steps.Add(step);
                    csv._series[cols[i]].Values.Add(v);
                }
            }
        }
        return csv;
    }

    /// <summary>
    /// The finite values of <paramref name="column"/> with their global steps, ordered by step (a resumed run
    /// re-logs the steps after its checkpoint); empty when absent.
    /// </summary>
    public (double[] Steps, double[] Values) Series(string column)
    {
        if (!_series.TryGetValue(column, out var s)) return ([], []);
        var order = Enumerable.Range(0, s.Steps.Count).OrderBy(i => s.Steps[i]).ToArray(); // stable
        return (order.Select(i => s.Steps[i]).ToArray(), order.Select(i => s.Values[i]).ToArray());
    }
}
