using System.Globalization;

namespace ControlRL.Core.Pipeline;

/// <summary>
/// One wrapper of an env pipeline as a config names it, e.g. <c>{ name: frame_skip, k: 4 }</c>. Argument values
/// are what a config reader produces: numbers (int, long, double), bools, strings, lists of those.
/// </summary>
public sealed record WrapperSpec(string Name, IReadOnlyDictionary<string, object?> Args)
{
    public WrapperSpec(string name) : this(name, new Dictionary<string, object?>()) { }

    /// <summary>A spec from name/value pairs: <c>WrapperSpec.Of("resize", ("height", 64), ("width", 64))</c>.</summary>
    public static WrapperSpec Of(string name, params (string Key, object? Value)[] args) =>
        new(name, args.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal));

    /// <summary>
    /// Parses the one-line form configs use: <c>grayscale</c>, <c>frame_skip(k=4)</c>,
    /// <c>resize(height=64, width=64)</c>, <c>normalize_observation(keys=[state, speed])</c>. Values stay text (or
    /// lists of text); the pipeline converts and validates them per argument.
    /// </summary>
    public static WrapperSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        int open = t.IndexOf('(');
        if (open < 0)
        {
            if (t.Length == 0 || t.Contains(')')) throw Bad(text, "expected name or name(arg=value, ...)");
            return new WrapperSpec(t);
        }
        if (!t.EndsWith(')')) throw Bad(text, "missing ')'");
        string name = t[..open].Trim();
        if (name.Length == 0) throw Bad(text, "missing wrapper name");
        var args = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (string part in SplitTopLevel(t[(open + 1)..^1]))
        {
            if (part.Length == 0) continue;
            int eq = part.IndexOf('=');
            if (eq <= 0) throw Bad(text, $"argument '{part}' is not key=value");
            string key = part[..eq].Trim();
            string value = part[(eq + 1)..].Trim();
            object? v = value.StartsWith('[') && value.EndsWith(']')
                ? SplitTopLevel(value[1..^1]).Where(x => x.Length > 0).ToList()
                : value;
            if (!args.TryAdd(key, v)) throw Bad(text, $"argument '{key}' appears twice");
        }
        return new WrapperSpec(name, args);
    }

    /// <summary>Splits on commas outside brackets and parentheses, trimming each part.</summary>
    public static IReadOnlyList<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '(' or '[') depth++;
            else if (c is ')' or ']') depth--;
            else if (c == ',' && depth == 0)
            {
                parts.Add(text[start..i].Trim());
                start = i + 1;
            }
        }
        parts.Add(text[start..].Trim());
        return parts;
    }

    private static ArgumentException Bad(string text, string why) => new($"Wrapper '{text}': {why}.");

    public override string ToString() =>
        Args.Count == 0 ? Name : $"{Name}({string.Join(", ", Args.Select(a => $"{a.Key}={Format(a.Value)}"))})";

    private static string Format(object? v) => v switch
    {
        null => "null",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Format)) + "]",
        _ => v.ToString() ?? "",
    };
}

/// <summary>A wrapper the vector stage applies (after the sub-envs are batched), parsed and validated.</summary>
public abstract record VectorWrapperOptions(string Name);

/// <summary><c>clip_action</c>: clip actions to the Box action space (<see cref="Wrappers.ClipAction"/>).</summary>
public sealed record ClipActionOptions() : VectorWrapperOptions("clip_action");

/// <summary>
/// <c>normalize_observation</c>: running mean/std normalization of the observation leaves named by
/// <paramref name="Keys"/>; null means every leaf that is not a uint8 image (pixels are left to the network).
/// </summary>
public sealed record NormalizeObservationOptions(IReadOnlyList<string>? Keys = null, double Epsilon = 1e-8, float Clip = 10f)
    : VectorWrapperOptions("normalize_observation")
{
    /// <summary>Leaf indices of <paramref name="space"/> to normalize; throws for unknown or non-float keys.</summary>
    public int[] ResolveLeaves(Spaces.Space space)
    {
        ArgumentNullException.ThrowIfNull(space);
        var leaves = space.Leaves;
        string known = string.Join(", ", leaves.Select(l => l.Key.Length == 0 ? "\"\"" : l.Key));
        if (Keys is null)
        {
            var picked = Enumerable.Range(0, leaves.Count).Where(i => leaves[i].Space.DType != Spaces.DType.UInt8).ToArray();
            if (picked.Length == 0)
                throw new ArgumentException($"normalize_observation: the observation {space.Describe()} has no non-image leaf; name the keys to normalize.");
            return picked;
        }
        var result = new int[Keys.Count];
        for (int k = 0; k < Keys.Count; k++)
        {
            int i = Enumerable.Range(0, leaves.Count).FirstOrDefault(j => leaves[j].Key == Keys[k], -1);
            if (i < 0) throw new ArgumentException($"normalize_observation: the observation has no key '{Keys[k]}' (keys: {known}).");
            result[k] = i;
        }
        return result;
    }
}

/// <summary><c>normalize_reward</c>: discounted-return scaling (<see cref="Wrappers.NormalizeReward"/>).</summary>
public sealed record NormalizeRewardOptions(double Gamma = 0.99, float Clip = 10f, double Epsilon = 1e-8)
    : VectorWrapperOptions("normalize_reward");
