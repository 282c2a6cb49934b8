using System.CommandLine;
using System.Globalization;
using ControlRL.Cli.Config;

namespace ControlRL.Cli.Commands;

/// <summary>
/// Options several commands share, built fresh per command (an option belongs to one parent), and the parsing and
/// range checks every numeric option uses.
/// </summary>
internal static class SharedOptions
{
    public static Option<string[]> Set() => new("--set")
    {
        HelpName = "key=value",
        Description = "Override one config key, key=value (repeatable). Lists: hidden_sizes=[256,256]; null: target_kl=null; " +
                      "integers also as 1e6 or 1_000_000. " +
                      string.Join(" ", Learning.Algorithms.AlgorithmRegistry.Names.Select(a =>
                          $"Keys of {a}: {string.Join(", ", ConfigKeys.For(a).All)}.")) +
                      " 'controlrl config keys [--algo <name>]' explains each key: its type, default, units and meaning.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string?> Device()
    {
        var o = new Option<string?>("--device") { HelpName = "cpu|cuda",  Description = "Torch device: cpu or cuda (cuda:N for a given GPU). [default: cpu]" };
        o.Validators.Add(r =>
        {
            string? v = r.GetValueOrDefault<string?>();
            if (v is not null && v != "cpu" && v != "cuda" && !v.StartsWith("cuda:", StringComparison.Ordinal))
                r.AddError($"--device must be cpu, cuda or cuda:N (got '{v}').");
        });
        return o;
    }

    /// <summary>
    /// Makes an integer option (int, long, ulong or their nullable forms) parse 1000000, 1_000_000 and 1e6 alike and
    /// accept only whole numbers in [<paramref name="min"/>, <paramref name="max"/>] (default: the type's maximum).
    /// Anything else is a parse error naming the option and the range, so the command exits with
    /// <see cref="ExitCodes.BadInput"/> before running. The range is appended to the option's help.
    /// </summary>
    public static Option<T> WholeNumber<T>(this Option<T> option, decimal min, decimal? max = null)
    {
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        decimal typeMax = type == typeof(int) ? int.MaxValue
            : type == typeof(long) ? long.MaxValue
            : type == typeof(ulong) ? ulong.MaxValue
            : throw new ArgumentException($"{option.Name}: {type.Name} is not an integer type.", nameof(option));
        decimal hi = Math.Min(max ?? typeMax, typeMax);
        option.HelpName ??= "N";
        string range = RangeText(min, hi, typeMax);
        option.Description = $"{option.Description} [range: {range}]".TrimStart();
        option.CustomParser = r =>
        {
            if (r.Tokens.Count == 0) return default;
            string text = r.Tokens[0].Value;
            if (CheckWhole(option.Name, text, min, hi, typeMax, out decimal value) is { } error)
            {
                r.AddError(error);
                return default;
            }
            return (T)Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
        };
        return option;
    }

    /// <summary>Accepts only one of <paramref name="values"/>; anything else is an error naming the option and the values.</summary>
    public static Option<T> OneOf<T>(this Option<T> option, params string[] values)
    {
        option.HelpName ??= string.Join('|', values);
        option.CompletionSources.Add(values);
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0) return;
            string v = r.Tokens[0].Value;
            if (!values.Contains(v, StringComparer.Ordinal))
                r.AddError($"{option.Name} must be {values.Length switch { 1 => values[0], 2 => $"{values[0]} or {values[1]}", _ => "one of " + string.Join(", ", values) }} (got '{v}').");
        });
        return option;
    }

    /// <summary>A finite number, optionally at least <paramref name="min"/>; NaN and infinities are refused.</summary>
    public static Option<double> FiniteNumber(this Option<double> option, double? min = null)
    {
        option.HelpName ??= "X";
        if (min is { } lo) option.Description = $"{option.Description} [range: >= {lo.ToString(CultureInfo.InvariantCulture)}]";
        option.CustomParser = r =>
        {
            if (r.Tokens.Count == 0) return default;
            string text = r.Tokens[0].Value;
            if (!double.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ||
                !double.IsFinite(v) || (min is { } m && v < m))
            {
                r.AddError($"{option.Name} must be a finite number{(min is { } m2 ? $" >= {m2.ToString(CultureInfo.InvariantCulture)}" : "")} (got '{text}').");
                return default;
            }
            return v;
        };
        return option;
    }

    /// <summary>
    /// The error for <paramref name="text"/> as a value of <paramref name="name"/> (null when it is a whole number in
    /// [<paramref name="min"/>, <paramref name="max"/>]), e.g. "--episodes must be a whole number >= 1 (got '0')".
    /// </summary>
    internal static string? CheckWhole(string name, string text, decimal min, decimal max, decimal typeMax, out decimal value)
    {
        string range = RangeText(min, max, typeMax);
        if (!TryParseWhole(text, out value, out string? problem))
            return $"{name} must be a whole number {range} (got '{text}': {problem}; 1000000, 1_000_000 and 1e6 are accepted).";
        if (value < min || value > max) return $"{name} must be a whole number {range} (got {text}).";
        return null;
    }

    private static string RangeText(decimal min, decimal max, decimal typeMax) => max >= typeMax
        ? string.Create(CultureInfo.InvariantCulture, $">= {min}")
        : string.Create(CultureInfo.InvariantCulture, $"from {min} to {max}");

    /// <summary>
    /// The one parser of whole numbers on the command line and in configs: 1000000, 1_000_000, 1e6 and 2.5e3 are
    /// whole numbers; 1.5, 1e-3, 'abc' and anything beyond ±7.9e28 are not (<paramref name="problem"/> says why).
    /// </summary>
    public static bool TryParseWhole(string text, out decimal value, out string? problem)
    {
        value = 0;
        problem = null;
        string t = text.Trim();
        // Underscores group digits: only between two digits.
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] == '_' && (i == 0 || i == t.Length - 1 || !char.IsAsciiDigit(t[i - 1]) || !char.IsAsciiDigit(t[i + 1])))
            {
                problem = "not a number";
                return false;
            }
        }
        t = t.Replace("_", "", StringComparison.Ordinal);
        const NumberStyles styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if (!decimal.TryParse(t, styles, CultureInfo.InvariantCulture, out value))
        {
            problem = double.TryParse(t, styles, CultureInfo.InvariantCulture, out double d) && !double.IsNaN(d)
                ? Math.Abs(d) < 1 ? "not a whole number" : "too large"
                : "not a number";
            return false;
        }
        // decimal rounds 1e-30 to 0; a value that parsed to 0 must be written with zeros only.
        if (value != decimal.Truncate(value) || (value == 0 && t.TrimStart('+', '-').Split('e', 'E')[0].Any(c => c is >= '1' and <= '9')))
        {
            problem = "not a whole number";
            return false;
        }
        return true;
    }
}
