using System.CommandLine;
using ControlRL.Cli.Config;
using ControlRL.Cli.Hosting;
using ControlRL.Cli.Plotting;
using ControlRL.Cli.Runs;

namespace ControlRL.Cli.Commands;

/// <summary>
/// <c>controlrl plot &lt;runs...&gt;</c>: learning curves of one run, or mean ± std over seeds; with <c>--eval</c> the
/// checkpoint evaluations of <c>eval --all-checkpoints</c> (e.g. % of test tasks mastered) instead.
/// </summary>
public static class PlotCommand
{
    public static Command Create(CliServices services)
    {
        var runs = new Argument<string[]>("runs") { Description = "Run directories (or progress.csv files).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out", "-o") { HelpName = "file.png", Description = "PNG to write. [default: <run>/plots/learning_curve.png for one run, ./learning_curves.png for several]" };
        var title = new Option<string?>("--title") { Description = "Plot title." };
        var last = new Option<int>("--last") { Description = "Episodes (with --eval: checkpoints, default 1) averaged for each run's final value in the printed summary.", DefaultValueFactory = _ => 10 }
            .WholeNumber(1);
        var tag = new Option<string?>("--tag") { HelpName = "column", Description = $"CSV column to plot. [default: {LearningCurvePlot.DefaultTag}; with --eval: mastered_fraction, or mean_return when the eval had no test set]" };
        var eval = new Option<bool>("--eval") { Description = $"Plot each run's {EvalOverSteps.CsvName} (written by eval --all-checkpoints) instead of progress.csv." };
        var cmd = new Command("plot", """
            Plot learning curves from progress.csv. One run: every episode return (faint) and a moving average.
            Several runs: grouped by env (the run folder name's first part) and curriculum (config.yaml), mean ± std
            across each group's seeds.
            Example: controlrl plot runs/Hopper-v5__ppo__* --out hopper.png --title "Hopper-v5, 3 seeds"
            Example: controlrl plot alp/* random/* --eval --out mastered.png   (after eval <run> --all-checkpoints --test-tasks 50)
            """)
        {
            runs, output, title, tag, last, eval,
        };
        cmd.SetAction(parse => CommandRunner.Run(services, _ =>
        {
            var inputs = parse.GetValue(runs)!;
            if (parse.GetValue(eval))
            {
                int lastCheckpoints = parse.GetResult(last) is { Implicit: false } ? parse.GetValue(last) : 1;
                return PlotEvals(services, inputs, parse.GetValue(output), parse.GetValue(title), parse.GetValue(tag), lastCheckpoints);
            }
            string t = parse.GetValue(tag) ?? LearningCurvePlot.DefaultTag;
            var csvs = inputs.Select(i => CsvOf(i, RunDirectory.ProgressFileName)).ToArray();
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

    /// <summary>Checkpoint evaluations of several runs, grouped like learning curves; prints each group's last value.</summary>
    private static int PlotEvals(CliServices services, string[] inputs, string? outPath, string? title, string? tag, int lastCheckpoints)
    {
        var csvs = inputs.Select(i => CsvOf(i, EvalOverSteps.CsvName)).ToArray();
        string t = tag ?? (csvs.All(c => ProgressCsv.Read(c).Series("mastered_fraction").Steps.Length > 0) ? "mastered_fraction" : "mean_return");
        bool mastered = t == "mastered_fraction";
        var style = new CurveStyle(Smooth: false, Scale: mastered ? 100 : 1, YLabel: mastered ? "% of test tasks mastered" : t);
        var groups = csvs.GroupBy(GroupOf).Select(g => new RunGroup(g.Key, g.ToArray())).ToArray();
        outPath ??= csvs.Length == 1 ? Path.Combine(Path.GetDirectoryName(csvs[0])!, "plots", "eval_over_steps.png") : "eval_over_steps.png";
        LearningCurvePlot.RenderGroups(groups, outPath, title ?? (mastered ? "% of test tasks mastered over training" : "Evaluation over training"), t, style);
        services.Out.WriteLine($"wrote {outPath}");
        services.Out.Write(RunSummary.Format(groups, t, Math.Max(1, lastCheckpoints), style.Scale, mastered ? "final % mastered" : $"final {t}", "checkpoints"));
        return ExitCodes.Ok;
    }

    private static string CsvOf(string input, string fileName)
    {
        if (File.Exists(input)) return input;
        string csv = Path.Combine(input, fileName);
        if (File.Exists(csv)) return csv;
        throw new CliUsageException(Directory.Exists(input)
            ? $"'{input}' has no {fileName}{(fileName == EvalOverSteps.CsvName ? " (run eval <run> --all-checkpoints first)" : "")}."
            : $"'{input}' does not exist.");
    }

    /// <summary>
    /// The env part of <c>{env}__ppo__{seed}__{time}</c> (the folder name when it has another form), with the run's
    /// curriculum from its config.yaml so that teachers compared on one env get separate curves.
    /// </summary>
    private static string GroupOf(string csvPath)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(csvPath)) ?? ".";
        string name = Path.GetFileName(dir);
        int sep = name.IndexOf("__", StringComparison.Ordinal);
        string env = sep > 0 ? name[..sep] : name;
        return CurriculumOf(Path.Combine(dir, RunDirectory.ConfigFileName)) is { } teacher ? $"{env} ({teacher})" : env;
    }

    /// <summary>The <c>curriculum:</c> value of a config.yaml as <see cref="ConfigWriter"/> writes it; null when none.</summary>
    internal static string? CurriculumOf(string configPath)
    {
        if (!File.Exists(configPath)) return null;
        foreach (string line in File.ReadLines(configPath))
        {
            if (!line.StartsWith("curriculum:", StringComparison.Ordinal)) continue;
            string v = line["curriculum:".Length..].Trim().Trim('"', '\'');
            return v is "" or "null" or "~" or "none" ? null : v;
        }
        return null;
    }
}
