using System.Globalization;
using System.Reflection;
using ControlRL.Learning.Algorithms;
using YamlDotNet.Serialization.NamingConventions;

namespace ControlRL.Cli.Config;

/// <summary>
/// The settable properties of one <see cref="AlgorithmConfig"/> type under their snake_case YAML keys, and
/// conversion of text or YAML values into each property's type. Derived read-only properties (batch_size, ...)
/// are not keys; <c>algo</c> is, read-only: it selects the type and may only repeat the config's own name.
/// Keys of the shared base come first, then the algorithm's own, each in declaration order.
/// </summary>
public sealed class ConfigKeys
{
    public const string AlgoKey = "algo";

    private static readonly Dictionary<Type, ConfigKeys> Cache = new();

    private readonly Dictionary<string, PropertyInfo> _props;

    private ConfigKeys(Type configType)
    {
        ConfigType = configType;
        _props = BuildMap(configType);
        All = [AlgoKey, .. _props.Keys];
    }

    /// <summary>The keys of <paramref name="configType"/> (an <see cref="AlgorithmConfig"/>), cached per type.</summary>
    public static ConfigKeys For(Type configType)
    {
        if (!typeof(AlgorithmConfig).IsAssignableFrom(configType))
            throw new ArgumentException($"{configType.Name} is not an AlgorithmConfig.", nameof(configType));
        lock (Cache)
        {
            if (!Cache.TryGetValue(configType, out var keys)) Cache[configType] = keys = new ConfigKeys(configType);
            return keys;
        }
    }

    public static ConfigKeys For(AlgorithmConfig config) => For(config.GetType());

    /// <summary>The keys of a registered algorithm.</summary>
    public static ConfigKeys For(string algo) => For(AlgorithmRegistry.Get(algo).ConfigType);

    public Type ConfigType { get; }

    /// <summary>All keys, <c>algo</c> first, then in declaration order (shared keys before the algorithm's).</summary>
    public IReadOnlyList<string> All { get; }

    public static string ToKey(string propertyName) => UnderscoredNamingConvention.Instance.Apply(propertyName);

    public bool IsKey(string key) => key == AlgoKey || _props.ContainsKey(key);

    /// <summary>Throws <see cref="CliUsageException"/> naming <paramref name="key"/> and close matches when it is unknown.</summary>
    public void RequireKey(string key, string source)
    {
        if (!IsKey(key)) throw UnknownKey(key, source);
    }

    /// <summary>Sets <paramref name="key"/> on <paramref name="config"/> from a YAML/text value.</summary>
    /// <param name="source">Where the value came from, for the error message (e.g. a file name or "--set").</param>
    public void Apply(AlgorithmConfig config, string key, object? value, string source)
    {
        if (key == AlgoKey)
        {
            // The loader picked the config type from algo already; a layer naming another algorithm contradicts it.
            string? algo = (value as string)?.Trim();
            if (algo != config.Algo)
                throw new CliUsageException($"{source}: algo '{value}' does not match the run's algorithm '{config.Algo}'.");
            return;
        }
        if (!_props.TryGetValue(key, out var prop)) throw UnknownKey(key, source);
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

    public object? Get(AlgorithmConfig config, string key) =>
        key == AlgoKey ? config.Algo
        : _props.TryGetValue(key, out var prop) ? prop.GetValue(config) : throw UnknownKey(key, "config");

    /// <summary>Up to three keys that look like <paramref name="key"/>.</summary>
    public IReadOnlyList<string> CloseMatches(string key) => Suggest.Close(key, All);

    private CliUsageException UnknownKey(string key, string source)
    {
        var close = CloseMatches(key);
        string hint = close.Count > 0 ? $" Did you mean: {string.Join(", ", close)}?" : "";
        string algo = AlgorithmRegistry.All.FirstOrDefault(a => a.ConfigType == ConfigType)?.Name ?? ConfigType.Name;
        return new CliUsageException(
            $"{source}: unknown config key '{key}' for algo {algo}.{hint} (all keys: 'controlrl train --help' lists them)");
    }

    private static Dictionary<string, PropertyInfo> BuildMap(Type type)
    {
        // Base classes first, so shared keys lead and keep one order across algorithms.
        var chain = new List<Type>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType) chain.Insert(0, t);
        var map = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
        foreach (var t in chain)
        {
            foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).OrderBy(p => p.MetadataToken))
            {
                if (p.CanWrite && p.SetMethod is { IsPublic: true }) map[ToKey(p.Name)] = p;
            }
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
