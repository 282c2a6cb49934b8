using System.Globalization;
using ScottPlot;
using SkiaSharp;

namespace ControlRL.Cli.Plotting;

/// <summary>
/// The task space as the curriculum explored it: curriculum.csv's tasks (first two parameters; a 1-D space
/// plots the task against the return) in three panels for the first, middle and last third of the run, each point
/// coloured by the teacher's progress signal (ALP) from low (dark) to high (yellow).
/// </summary>
public static class CurriculumPlot
{
    public const int PanelWidth = 520;
    public const int Height = 480;
    private const int MaxPointsPerPanel = 6000;
    private const int ColorBins = 8;

    public static void Render(string curriculumCsv, string pngPath, string? title = null)
    {
        var lines = File.ReadAllLines(curriculumCsv);
        if (lines.Length < 2) throw new CliUsageException($"'{curriculumCsv}' has no episodes to plot yet.");
        string[] header = lines[0].Split(',');
        int taskCount = header.Length - 4; // global_step, env, tasks..., return, progress
        if (taskCount < 1) throw new CliUsageException($"'{curriculumCsv}' has no task columns.");
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))
            .Where(r => r.Length == header.Length)
            .Select(r => r.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        if (rows.Length == 0) throw new CliUsageException($"'{curriculumCsv}' has no complete rows.");
        double maxProgress = Math.Max(rows.Max(r => r[^1]), 1e-12);
        string xName = header[2];
        string yName = taskCount >= 2 ? header[3] : "return";

        using var surface = SKSurface.Create(new SKImageInfo(PanelWidth * 3, Height));
        surface.Canvas.Clear(SKColors.White);
        for (int part = 0; part < 3; part++)
        {
            int lo = rows.Length * part / 3, hi = rows.Length * (part + 1) / 3;
            var panel = rows[lo..hi];
            int stride = Math.Max(1, panel.Length / MaxPointsPerPanel);
            var plot = new Plot();
            string steps = panel.Length == 0 ? "" : $"steps {panel[0][0]:N0}-{panel[^1][0]:N0}";
            plot.Title(part == 0 && title is not null ? $"{title}\n{steps}" : steps);
            plot.XLabel(xName);
            plot.YLabel(yName);
            var cmap = new ScottPlot.Colormaps.Viridis();
            for (int bin = 0; bin < ColorBins; bin++)
            {
                var xs = new List<double>();
                var ys = new List<double>();
                for (int i = 0; i < panel.Length; i += stride)
                {
                    var r = panel[i];
                    int b = Math.Min(ColorBins - 1, (int)(r[^1] / maxProgress * ColorBins));
                    if (b != bin) continue;
                    xs.Add(r[2]);
                    ys.Add(taskCount >= 2 ? r[3] : r[^2]);
                }
                if (xs.Count == 0) continue;
                var points = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray());
                points.Color = cmap.GetColor((bin + 0.5) / ColorBins).WithAlpha(0.7);
                points.MarkerSize = 4;
            }
            using var bitmap = SKBitmap.Decode(plot.GetImageBytes(PanelWidth, Height, ImageFormat.Png));
            surface.Canvas.DrawBitmap(bitmap, PanelWidth * part, 0);
        }
        string? dir = Path.GetDirectoryName(Path.GetFullPath(pngPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(pngPath);
        data.SaveTo(file);
    }
}
