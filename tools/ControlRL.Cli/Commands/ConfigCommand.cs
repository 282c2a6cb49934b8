using System.CommandLine;
using System.Text;
using System.Text.Json;
using ControlRL.Cli.Config;
using ControlRL.Cli.Hosting;
using ControlRL.Learning.Algorithms;

namespace ControlRL.Cli.Commands;

/// <summary><c>controlrl config keys</c>: every config key an algorithm accepts, with its type, default, units and meaning.</summary>
public static class ConfigCommand
{
    public static Command Create(CliServices services)
    {
        var algo = new Option<string>("--algo") { HelpName = "name", Description = "Algorithm whose keys to list.", DefaultValueFactory = _ => AlgorithmRegistry.Default }
            .OneOf(AlgorithmRegistry.Names.ToArray());
        var json = new Option<bool>("--json") { Description = "Print the keys as one JSON document on stdout." };
        var keys = new Command("keys", """
            Every key that --set, a --config file and configs/<algo>/<env>.yaml accept: its type, default, units and
            meaning, the keys shared by every algorithm first.
            """) { algo, json };
        keys.SetAction(parse => CommandRunner.Run(services, _ =>
        {
            string name = parse.GetValue(algo)!;
            var docs = ConfigKeys.For(name).Docs();
            services.Out.Write(parse.GetValue(json) ? ToJson(name, docs) + "\n" : ToText(name, docs));
            return ExitCodes.Ok;
        }));
        return new Command("config", "Explain the config keys of train, bench ppo and config files.") { keys };
    }

    internal static string ToText(string algo, IReadOnlyList<KeyDoc> docs)
    {
        var sb = new StringBuilder();
        sb.Append($"""
            Config keys of {algo}. Set them with --set key=value, in a --config YAML file or in configs/{algo}/<env>.yaml;
            lowest precedence first: defaults < configs/{algo}/<env>.yaml < --config < --set < flags (--env, -t, ...).
            Integers also as 1e6 or 1_000_000; lists as [256, 256]; null (or ~) for optional values.

            """);
        foreach (var group in docs.GroupBy(d => d.DeclaredIn == typeof(AlgorithmConfig)))
        {
            sb.Append(group.Key ? "\nShared by every algorithm:\n" : $"\n{algo}:\n");
            foreach (var d in group)
            {
                string units = d.Units is null ? "" : ", " + d.Units;
                sb.Append($"  {d.Key} = {d.Default}   ({d.Type}{units})\n");
                foreach (string line in Wrap(d.Description ?? "(no description)", 100 - 6)) sb.Append("      ").Append(line).Append('\n');
            }
        }
        var derived = AlgorithmRegistry.Get(algo).CreateConfig().Derived();
        if (derived.Count > 0)
        {
            sb.Append("\nDerived from the keys (not settable; config.yaml's header shows them): ")
              .Append(string.Join(", ", derived.Select(d => d.Key))).Append(".\n");
        }
        return sb.ToString();
    }

    internal static string ToJson(string algo, IReadOnlyList<KeyDoc> docs) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["algo"] = algo,
        ["keys"] = docs.Select(d => new Dictionary<string, object?>
        {
            ["key"] = d.Key,
            ["type"] = d.Type,
            ["default"] = d.DefaultValue,
            ["units"] = d.Units,
            ["description"] = d.Description,
            ["shared"] = d.DeclaredIn == typeof(AlgorithmConfig),
        }).ToArray(),
    }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) yield return line.ToString();
    }
}
