using ControlRL.Learning.Algorithms;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace ControlRL.Cli.Config;

/// <summary>What the user asked for; <see cref="ConfigLoader.Resolve"/> turns it into a validated config.</summary>
public sealed record ConfigRequest
{
    /// <summary>--env; also selects configs/&lt;algo&gt;/&lt;env&gt;.yaml.</summary>
    public string? EnvId { get; init; }

    /// <summary>--config file.yaml.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>--set key=value, in command-line order (later wins).</summary>
    public IReadOnlyList<string> Sets { get; init; } = [];

    /// <summary>Explicit CLI flags (--algo, --total-timesteps, --seed, ...) by config key; they win over everything.</summary>
    public IReadOnlyDictionary<string, object?> Flags { get; init; } = new Dictionary<string, object?>();

    /// <summary>
    /// When resuming: the run's own config.yaml. It replaces the defaults and the per-task file, so a resumed run
    /// keeps its algorithm and hyperparameters unless --config/--set/flags change them.
    /// </summary>
    public string? BaseConfigFile { get; init; }

    /// <summary>
    /// When resuming: the config saved in the checkpoint itself (its meta.json), the authority over the run's
    /// settings (config.yaml is only a readable copy). Like <see cref="BaseConfigFile"/> it replaces the defaults and
    /// the per-task file; <see cref="BaseConfigSource"/> names it in messages.
    /// </summary>
    public AlgorithmConfig? BaseConfig { get; init; }
    public string BaseConfigSource { get; init; } = "checkpoint";

    /// <summary>Folder holding one folder of per-task files per algorithm (configs/ppo/&lt;env&gt;.yaml).</summary>
    public string ConfigRoot { get; init; } = ConfigLoader.DefaultConfigRoot;
}

/// <summary>A validated config and the layers it came from, lowest precedence first.</summary>
public sealed record ResolvedConfig(AlgorithmConfig Config, IReadOnlyList<string> Sources);

/// <summary>
/// Resolves a run's config. The algorithm comes first: <c>algo</c> from the flags (--algo), --set, --config or,
/// when resuming, the run's config.yaml (default ppo); it selects the config type and its per-task folder. Then,
/// lowest precedence first: the algorithm's defaults &lt; configs/&lt;algo&gt;/&lt;env&gt;.yaml (if present) &lt;
/// --config file &lt; --set overrides &lt; explicit CLI flags. Keys are the snake_case property names of the
/// algorithm's config type (<see cref="ConfigKeys"/>); unknown keys, unknown algorithms and bad values throw
/// <see cref="CliUsageException"/> naming the key and the file.
/// </summary>
public static class ConfigLoader
{
    public static string DefaultConfigRoot => Path.Combine(AppContext.BaseDirectory, "configs");

    private sealed record Layer(string Source, IReadOnlyList<KeyValuePair<string, object?>> Values);

    public static ResolvedConfig Resolve(ConfigRequest request)
    {
        var upper = new List<Layer>();
        if (request.ConfigFile is not null) upper.Add(LoadYamlFile(request.ConfigFile, mustExist: true)!);
        if (request.Sets.Count > 0) upper.Add(new Layer("--set", request.Sets.Select(ParseSet).ToArray()));
        if (request.Flags.Count > 0) upper.Add(new Layer("command-line flags", request.Flags.ToArray()));
        var baseLayer = request.BaseConfig is { } saved ? LayerOf(saved, request.BaseConfigSource)
            : request.BaseConfigFile is null ? null : LoadYamlFile(request.BaseConfigFile, mustExist: true)!;

        // The algorithm decides which keys exist and where the per-task file is, so it is settled before any key.
        var (algo, algoSource) = FindValue(upper, ConfigKeys.AlgoKey)
            ?? (baseLayer is null ? null : FindValue([baseLayer], ConfigKeys.AlgoKey))
            ?? (AlgorithmRegistry.Default, "default");
        var info = AlgorithmRegistry.Find(algo)
            ?? throw new CliUsageException($"{algoSource}: {AlgorithmRegistry.UnknownMessage(algo)}.");
        var config = info.CreateConfig();
        var keys = ConfigKeys.For(info.ConfigType);

        var layers = new List<Layer>();
        string envId;
        if (baseLayer is not null)
        {
            layers.Add(baseLayer);
            envId = FindValue(upper, "env_id")?.Value ?? FindValue([baseLayer], "env_id")?.Value ?? config.EnvId;
        }
        else
        {
            envId = FindValue(upper, "env_id")?.Value ?? config.EnvId;
            layers.Add(new Layer("defaults", []));
            var task = LoadYamlFile(TaskConfigPath(request.ConfigRoot, info, envId), mustExist: false);
            if (task is not null) layers.Add(task);
        }
        layers.AddRange(upper);

        foreach (var layer in layers)
        {
            foreach (var (key, value) in layer.Values) keys.Apply(config, key, value, layer.Source);
        }
        config.EnvId = envId;
        try
        {
            config.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException($"invalid config: {ex.Message}");
        }
        return new ResolvedConfig(config, layers.Select(l => l.Source).ToArray());
    }

    // Every key of a config object as a layer (algo first), so a saved config resolves like a file would.
    private static Layer LayerOf(AlgorithmConfig config, string source)
    {
        var keys = ConfigKeys.For(config);
        return new Layer(source, keys.All.Select(k => new KeyValuePair<string, object?>(k, Copy(keys.Get(config, k)))).ToArray());
    }

    private static object? Copy(object? value) => value is Array a ? a.Clone() : value;

    /// <summary>The per-task file for <paramref name="envId"/> in a folder of such files (it need not exist).</summary>
    public static string TaskConfigPath(string directory, string envId) => Path.Combine(directory, envId + ".yaml");

    /// <summary>configs/&lt;algorithm's folder&gt;/&lt;env&gt;.yaml under <paramref name="configRoot"/> (it need not exist).</summary>
    public static string TaskConfigPath(string configRoot, AlgorithmInfo algorithm, string envId) =>
        TaskConfigPath(Path.Combine(configRoot, algorithm.ConfigFolder), envId);

    /// <summary>Parses one --set argument, <c>key=value</c>; dashes in the key are read as underscores.</summary>
    public static KeyValuePair<string, object?> ParseSet(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0)
            throw new CliUsageException($"--set '{text}': expected key=value (e.g. --set learning_rate=1e-4).");
        // Keys are checked once the algorithm is known (ConfigKeys.Apply names "--set" as the source).
        return new(text[..eq].Trim().Replace('-', '_'), text[(eq + 1)..]);
    }

    /// <summary>The last non-empty text value of <paramref name="key"/> in <paramref name="layers"/>, with its layer.</summary>
    private static (string Value, string Source)? FindValue(IEnumerable<Layer> layers, string key)
    {
        (string, string)? found = null;
        foreach (var layer in layers)
        {
            foreach (var (k, value) in layer.Values)
            {
                if (k == key && value is string s && s.Trim().Length > 0) found = (s.Trim(), layer.Source);
            }
        }
        return found;
    }

    private static Layer? LoadYamlFile(string path, bool mustExist)
    {
        if (!File.Exists(path))
        {
            if (!mustExist) return null;
            throw new CliUsageException($"config file '{path}' does not exist.");
        }
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"cannot read config file '{path}': {ex.Message}");
        }
        return new Layer(path, ParseYaml(text, path));
    }

    /// <summary>Parses a flat YAML mapping of config keys (checked against the algorithm's keys when applied, naming the file).</summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> ParseYaml(string text, string source)
    {
        object? root;
        try
        {
            root = new DeserializerBuilder().Build().Deserialize<object?>(text);
        }
        catch (YamlException ex)
        {
            throw new CliUsageException(
                $"{source}: not valid YAML (line {ex.Start.Line}, column {ex.Start.Column}): {FirstLine(ex.InnerException?.Message ?? ex.Message)}");
        }
        if (root is null) return [];
        if (root is not IDictionary<object, object?> map)
            throw new CliUsageException($"{source}: expected a mapping of config keys (key: value), got a {(root is string ? "scalar" : "list")}.");
        var result = new List<KeyValuePair<string, object?>>();
        foreach (var (k, v) in map)
        {
            result.Add(new(k?.ToString() ?? "", v));
        }
        return result;
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
