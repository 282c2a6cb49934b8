using System.CommandLine;
using ControlRL.Cli.Hosting;
using ControlRL.Cli.Plotting;
using ControlRL.Cli.Runs;

namespace ControlRL.Cli.Commands;

/// <summary><c>controlrl plot &lt;runs...&gt;</c>: learning curves of one run, or mean ± std over seeds.</summary>
public static class PlotCommand
{
    public static Command Create(CliServices services)
    {
        var runs = new Argument<string[]>("runs") { Description = "Run directories (or progress.csv files).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out", "-o") { Description = "PNG to write. [default: <run>/plots/learning_curve.png for one run, ./learning_curves.png for several]" };
        var title = new Option<string?>("--title") { Description = "Plot title." };
        var last = new Option<int>("--last") { Description = "Episodes averaged for each run's final return in the printed summary.", DefaultValueFactory = _ => 10 };
        var tag = new Option<string>("--tag") { Description = "progress.csv column to plot.", DefaultValueFactory = _ => LearningCurvePlot.DefaultTag };
        var cmd = new Command("plot", """
            Plot learning curves from progress.csv. One run: every episode return (faint) and a moving average.
            Several runs: grouped by env (the run folder name's first part), mean ± std across each group's seeds.
            Example: controlrl plot runs/Hopper-v5__ppo__* --out hopper.png --title "Hopper-v5, 3 seeds"
            """)
        {
            runs, output, title, tag, last,
        };
        cmd.SetAction(parse => CommandRunner.Run(services, _ =>
        {
            var inputs = parse.GetValue(runs)!;
            string t = parse.GetValue(tag)!;
            var csvs = inputs.Select(CsvOf).ToArray();
            string? outPath = parse.GetValue(output);
            if (csvs.Length == 1)
            {
                outPath ??= Directory.Exists(inputs[0])
                    ? Path.Combine(inputs[0], "plots", "learning_curve.png")
                    : "learning_curve.png";
                LearningCurvePlot.RenderRun(csvs[0], outPath, parse.GetValue(title) ?? GroupOf(csvs[0]), t);
            }
            else
            {
                outPath ??= "learning_curves.png";
                var groups = csvs.GroupBy(GroupOf).Select(g => new RunGroup(g.Key, g.ToArray())).ToArray();
                LearningCurvePlot.RenderGroups(groups, outPath, parse.GetValue(title), t);
            }
            services.Out.WriteLine($"wrote {outPath}");
            var summaryGroups = csvs.GroupBy(GroupOf).Select(g => new RunGroup(g.Key, g.ToArray())).ToArray();
            services.Out.Write(RunSummary.Format(summaryGroups, t, parse.GetValue(last)));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static string CsvOf(string input)
    {
        if (File.Exists(input)) return input;
        string csv = Path.Combine(input, RunDirectory.ProgressFileName);
        if (File.Exists(csv)) return csv;
        throw new CliUsageException(Directory.Exists(input)
            ? $"'{input}' has no {RunDirectory.ProgressFileName}."
            : $"'{input}' does not exist.");
    }

    /// <summary>The env part of <c>{env}__ppo__{seed}__{time}</c>; the folder name when it has another form.</summary>
    private static string GroupOf(string csvPath)
    {
        string name = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(csvPath))) ?? csvPath;
        int sep = name.IndexOf("__", StringComparison.Ordinal);
        return sep > 0 ? name[..sep] : name;
    }
}
