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

    /// <summary>
    /// Every key with its type, default, units and meaning, <c>algo</c> first, in <see cref="All"/>'s order. The text
    /// comes from the <see cref="ConfigDocAttribute"/> on each property (null <see cref="KeyDoc.Description"/> when a
    /// property has none, which a test forbids).
    /// </summary>
    public IReadOnlyList<KeyDoc> Docs()
    {
        var defaults = AlgorithmRegistry.All.First(a => a.ConfigType == ConfigType).CreateConfig();
        var docs = new List<KeyDoc>
        {
            new(AlgoKey, "text", ConfigWriter.Format(defaults.Algo), defaults.Algo, null,
                "The algorithm, which selects these keys and configs/<algo>/<env>.yaml; set it with --algo (a file or --set may only repeat it).",
                typeof(AlgorithmConfig)),
        };
        foreach (var (key, prop) in _props)
        {
            var doc = prop.GetCustomAttribute<ConfigDocAttribute>();
            var type = IsNullableReference(prop) ? TypeName(prop.PropertyType) + " or null" : TypeName(prop.PropertyType);
            object? value = prop.GetValue(defaults);
            docs.Add(new KeyDoc(key, type, ConfigWriter.Format(value), value, doc?.Units, doc?.Description, prop.DeclaringType!));
        }
        return docs;
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
            $"{source}: unknown config key '{key}' for algo {algo}.{hint} ('controlrl config keys --algo {algo}' explains every key)");
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
        if (type == typeof(int)) return (int)ParseInteger(str, int.MinValue, int.MaxValue);
        if (type == typeof(long)) return (long)ParseInteger(str, long.MinValue, long.MaxValue);
        if (type == typeof(ulong)) return (ulong)ParseInteger(str, 0, ulong.MaxValue);
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

    /// <summary>Integers, also written as 1_000_000 or 1e6 (the command line's parser, <see cref="Commands.SharedOptions.TryParseWhole"/>).</summary>
    private static decimal ParseInteger(string s, decimal min, decimal max)
    {
        if (!Commands.SharedOptions.TryParseWhole(s, out decimal v, out string? problem))
            throw new FormatException($"'{s}' is {problem}");
        if (v < min || v > max)
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{s}' is out of range ({min} to {max})"));
        return v;
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
        if (t.IsArray) return "a list of " + Plural(TypeName(t.GetElementType()!));
        return t == typeof(bool) ? "true/false" : t == typeof(string) ? "text" :
            t == typeof(double) || t == typeof(float) ? "a number" :
            t == typeof(ulong) ? "a non-negative integer" : "an integer";
    }

    private static string Plural(string typeName) => typeName switch
    {
        "a number" => "numbers",
        "an integer" => "integers",
        "a non-negative integer" => "non-negative integers",
        var other => other,
    };
}

/// <summary>One config key as <c>controlrl config keys</c> explains it.</summary>
/// <param name="Type">What the value is ("an integer", "a list of integers", "a number or null", ...).</param>
/// <param name="Default">The algorithm's default, as config.yaml writes it.</param>
/// <param name="DefaultValue">The default itself.</param>
/// <param name="Units">Unit of the value, or null.</param>
/// <param name="Description">From the property's <see cref="ConfigDocAttribute"/>; null when missing.</param>
/// <param name="DeclaredIn">The config class declaring it (<see cref="AlgorithmConfig"/> for shared keys).</param>
public sealed record KeyDoc(string Key, string Type, string Default, object? DefaultValue, string? Units, string? Description, Type DeclaredIn);
