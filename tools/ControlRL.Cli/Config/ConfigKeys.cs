using System.Globalization;
using System.Reflection;
using ControlRL.Learning.Ppo;
using YamlDotNet.Serialization.NamingConventions;

namespace ControlRL.Cli.Config;

/// <summary>
/// The settable properties of <see cref="PpoConfig"/> under their snake_case YAML keys, and conversion of text
/// or YAML values into each property's type. Derived read-only properties (batch_size, ...) are not keys.
/// </summary>
public static class ConfigKeys
{
    private static readonly Dictionary<string, PropertyInfo> Props = BuildMap();

    /// <summary>All keys in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = Props.Keys.ToArray();

    public static string ToKey(string propertyName) => UnderscoredNamingConvention.Instance.Apply(propertyName);

    public static bool IsKey(string key) => Props.ContainsKey(key);

    /// <summary>Throws <see cref="CliUsageException"/> naming <paramref name="key"/> and close matches when it is unknown.</summary>
    public static void RequireKey(string key, string source)
    {
        if (!Props.ContainsKey(key)) throw UnknownKey(key, source);
    }

    /// <summary>Sets <paramref name="key"/> on <paramref name="config"/> from a YAML/text value.</summary>
    /// <param name="source">Where the value came from, for the error message (e.g. a file name or "--set").</param>
    public static void Apply(PpoConfig config, string key, object? value, string source)
    {
        if (!Props.TryGetValue(key, out var prop)) throw UnknownKey(key, source);
        object? converted;
        try
        {
            converted = Convert(value, prop.PropertyType, IsNullableReference(prop));
        }
        catch (FormatException ex)
        {
            throw new CliUsageException(
                $"{source}: bad value for '{key}': {ex.Message} (expected {TypeName(prop.PropertyType)}).");
        }
        prop.SetValue(config, converted);
    }

    public static object? Get(PpoConfig config, string key) =>
        Props.TryGetValue(key, out var prop) ? prop.GetValue(config) : throw UnknownKey(key, "config");

    /// <summary>Up to three keys that look like <paramref name="key"/>.</summary>
    public static IReadOnlyList<string> CloseMatches(string key) => Suggest.Close(key, All);

    private static CliUsageException UnknownKey(string key, string source)
    {
        var close = CloseMatches(key);
        string hint = close.Count > 0 ? $" Did you mean: {string.Join(", ", close)}?" : "";
        return new CliUsageException(
            $"{source}: unknown config key '{key}'.{hint} (all keys: 'controlrl train --help' lists them)");
    }

    private static Dictionary<string, PropertyInfo> BuildMap()
    {
        var map = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
        foreach (var p in typeof(PpoConfig).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.CanWrite && p.SetMethod is { IsPublic: true }) map[ToKey(p.Name)] = p;
        }
        return map;
    }

    // A `string?` property (e.g. curriculum) takes null / ~ / none like a nullable value type.
    private static bool IsNullableReference(PropertyInfo p) =>
        !p.PropertyType.IsValueType && new NullabilityInfoContext().Create(p).WriteState == NullabilityState.Nullable;

    private static object? Convert(object? value, Type type, bool nullableReference = false)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        bool mayBeNull = nullable is not null || nullableReference;
        if (value is null || (value is string s0 && mayBeNull && IsNullWord(s0)))
        {
            if (mayBeNull || !type.IsValueType && type != typeof(string)) return null;
            throw new FormatException("a value is required");
        }
        type = nullable ?? type;
        if (type.IsInstanceOfType(value)) return value;
        if (type.IsArray)
        {
            var elem = type.GetElementType()!;
            IEnumerable<object?> items = value switch
            {
                string text => SplitList(text),
                IEnumerable<object?> list => list,
                _ => [value],
            };
            var src = items.ToArray();
            var arr = Array.CreateInstance(elem, src.Length);
            for (int i = 0; i < src.Length; i++) arr.SetValue(Convert(src[i], elem), i);
            return arr;
        }
        if (value is not string str)
            throw new FormatException($"got a {(value is System.Collections.IEnumerable ? "list or mapping" : value.GetType().Name)}");
        str = str.Trim();
        if (type == typeof(string)) return str;
        if (type == typeof(bool)) return ParseBool(str);
        if (type == typeof(int)) return checked((int)ParseInteger(str));
        if (type == typeof(long)) return ParseInteger(str);
        if (type == typeof(ulong))
        {
            long v = ParseInteger(str);
            if (v < 0) throw new FormatException($"'{str}' is negative");
            return (ulong)v;
        }
        if (type == typeof(double)) return ParseDouble(str);
        if (type == typeof(float)) return (float)ParseDouble(str);
        throw new FormatException($"type {type.Name} is not supported by the config loader");
    }

    private static bool IsNullWord(string s) => s.Trim() is "" or "null" or "~" or "none" or "None" or "Null";

    /// <summary>Lists in text: "[64, 64]", "64,64" or a single "64".</summary>
    private static IEnumerable<object?> SplitList(string text)
    {
        string t = text.Trim();
        if (t.StartsWith('[') && t.EndsWith(']')) t = t[1..^1];
        if (t.Trim().Length == 0) return [];
        // Commas inside parentheses or brackets belong to an item (wrappers: "resize(height=64, width=64)").
        return ControlRL.Core.Pipeline.WrapperSpec.SplitTopLevel(t).Select(x => (object?)x);
    }

    private static bool ParseBool(string s) => s.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "1" => true,
        "false" or "no" or "off" or "0" => false,
        _ => throw new FormatException($"'{s}' is not a boolean"),
    };

    /// <summary>Integers, also written as 1_000_000 or 1e6 (common in hyperparameter files).</summary>
    private static long ParseInteger(string s)
    {
        string t = s.Replace("_", "");
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)) return v;
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) &&
            d == Math.Floor(d) && Math.Abs(d) < 9.2e18)
            return (long)d;
        throw new FormatException($"'{s}' is not an integer");
    }

    private static double ParseDouble(string s)
    {
        string t = s.Replace("_", "");
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        throw new FormatException($"'{s}' is not a number");
    }

    private static string TypeName(Type t)
    {
        var n = Nullable.GetUnderlyingType(t);
        if (n is not null) return TypeName(n) + " or null";
        if (t.IsArray) return "a list of " + TypeName(t.GetElementType()!);
        return t == typeof(bool) ? "true/false" : t == typeof(string) ? "text" :
            t == typeof(double) || t == typeof(float) ? "a number" : "an integer";
    }
}
