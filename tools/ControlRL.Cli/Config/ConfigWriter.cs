using System.Globalization;
using System.Text;
using ControlRL.Learning.Algorithms;

namespace ControlRL.Cli.Config;

/// <summary>
/// Writes the effective config as YAML that <see cref="ConfigLoader"/> reads back unchanged (every key, in
/// declaration order, <c>algo</c> first), so a run directory's config.yaml can be passed to --config to repeat the run.
/// </summary>
public static class ConfigWriter
{
    public static string ToYaml(AlgorithmConfig config, IEnumerable<string>? sources = null)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# Effective {config.Algo} config (controlrl train).\n");
        if (sources is not null) sb.Append("# Resolved from: ").Append(string.Join(" < ", sources)).Append('\n');
        var derived = config.Derived();
        if (derived.Count > 0)
            sb.Append("# Derived: ").Append(string.Join(", ", derived.Select(d => $"{d.Key}={Format(d.Value)}"))).Append('\n');
        var keys = ConfigKeys.For(config);
        foreach (string key in keys.All)
            sb.Append(key).Append(": ").Append(Format(keys.Get(config, key))).Append('\n');
        return sb.ToString();
    }

    public static void Write(AlgorithmConfig config, string path, IEnumerable<string>? sources = null)
    {
        // Temp + rename: a crash never leaves a half-written config next to a checkpoint.
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, ToYaml(config, sources));
        File.Move(tmp, path, overwrite: true);
    }

    internal static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        string s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Format)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    private static string FormatDouble(double d)
    {
        // "R" round-trips; make sure YAML still sees a float (1 -> 1.0).
        string s = d.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') || s.Contains("Infinity") || s.Contains("NaN") ? s : s + ".0";
    }
}
