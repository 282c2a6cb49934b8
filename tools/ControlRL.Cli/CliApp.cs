using System.CommandLine;
using ControlRL.Cli.Commands;
using ControlRL.Cli.Hosting;

namespace ControlRL.Cli;

/// <summary>The <c>controlrl</c> command tree and its entry point.</summary>
public static class CliApp
{
    public static RootCommand BuildRoot(CliServices services) =>
        new("""
            controlrl: train, evaluate and benchmark control policies (PPO on MuJoCo and classic-control tasks).
            Start with: controlrl train --env HalfCheetah-v5   (then: tensorboard --logdir runs)
            """)
        {
            TrainCommand.Create(services),
            EvalCommand.Create(services),
            EnvsCommand.Create(services),
            BenchCommand.Create(services),
            PlotCommand.Create(services),
            ConfigCommand.Create(services),
            ScoreCommand.Create(services),
        };

    /// <summary>
    /// Parses and runs. Parse errors print one line on stderr and return <see cref="ExitCodes.BadInput"/>
    /// (System.CommandLine would print the full help instead).
    /// </summary>
    public static int Run(string[] args, CliServices services)
    {
        var root = BuildRoot(services);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            string cmd = string.Join(' ', parse.CommandResult.Command is RootCommand
                ? ["controlrl"]
                : new[] { "controlrl" }.Concat(CommandPath(parse.CommandResult)));
            services.Err.WriteLine($"error: {OneLine(FriendlyTypes(parse.Errors[0].Message))} (see '{cmd} --help')");
            return ExitCodes.BadInput;
        }
        return parse.Invoke(new InvocationConfiguration
        {
            Output = services.Out,
            Error = services.Err,
            EnableDefaultExceptionHandler = false,
        });
    }

    /// <summary>Errors are one line on stderr: line breaks and the tabs after them become one space.</summary>
    internal static string OneLine(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message.Trim(), @"\s*\r?\n\s*", " ");

    /// <summary>Parse errors name CLR types ('System.Nullable`1[System.UInt64]'); say what is expected instead.</summary>
    internal static string FriendlyTypes(string message) => System.Text.RegularExpressions.Regex.Replace(
        message, @"(?:as expected type )?'System\.(?:Nullable`1\[System\.)?(\w+)\]?'", m => "(expected " + m.Groups[1].Value switch
        {
            "Int32" or "Int64" => "an integer",
            "UInt64" => "a non-negative integer",
            "Double" or "Single" => "a number",
            "Boolean" => "true or false",
            var other => other,
        } + ")");

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var r = result; r is not null && r.Command is not RootCommand; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Push(r.Command.Name);
        return names;
    }
}
