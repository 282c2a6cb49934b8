using ControlRL.Learning.Ppo;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace ControlRL.Cli.Config;

/// <summary>What the user asked for; <see cref="ConfigLoader.Resolve"/> turns it into a validated config.</summary>
public sealed record ConfigRequest
{
    /// <summary>--env; also selects configs/ppo/&lt;env&gt;.yaml.</summary>
    public string? EnvId { get; init; }

    /// <summary>--config file.yaml.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>--set key=value, in command-line order (later wins).</summary>
    public IReadOnlyList<string> Sets { get; init; } = [];

    /// <summary>Explicit CLI flags (--total-timesteps, --seed, ...) by config key; they win over everything.</summary>
    public IReadOnlyDictionary<string, object?> Flags { get; init; } = new Dictionary<string, object?>();

    /// <summary>
    /// When resuming: the run's own config.yaml. It replaces the defaults and the per-task file, so a resumed run
    /// keeps its hyperparameters unless --config/--set/flags change them.
    /// </summary>
    public string? BaseConfigFile { get; init; }

    /// <summary>Folder holding the per-task files (&lt;env&gt;.yaml).</summary>
    public string TaskConfigDirectory { get; init; } = ConfigLoader.DefaultTaskConfigDirectory;
}

/// <summary>A validated config and the layers it came from, lowest precedence first.</summary>
public sealed record ResolvedConfig(PpoConfig Config, IReadOnlyList<string> Sources);

/// <summary>
/// Resolves PPO hyperparameters. Precedence, lowest first: <see cref="PpoConfig"/> defaults &lt;
/// configs/ppo/&lt;env&gt;.yaml (if present) &lt; --config file &lt; --set overrides &lt; explicit CLI flags.
/// Keys are the snake_case property names of <see cref="PpoConfig"/>; unknown keys and bad values throw
/// <see cref="CliUsageException"/> naming the key and the file.
/// </summary>
public static class ConfigLoader
{
    public static string DefaultTaskConfigDirectory => Path.Combine(AppContext.BaseDirectory, "configs", "ppo");

    private sealed record Layer(string Source, IReadOnlyList<KeyValuePair<string, object?>> Values);

    public static ResolvedConfig Resolve(ConfigRequest request)
    {
        var upper = new List<Layer>();
        if (request.ConfigFile is not null) upper.Add(LoadYamlFile(request.ConfigFile, mustExist: true)!);
        if (request.Sets.Count > 0) upper.Add(new Layer("--set", request.Sets.Select(ParseSet).ToArray()));
        if (request.Flags.Count > 0) upper.Add(new Layer("command-line flags", request.Flags.ToArray()));

        var layers = new List<Layer>();
        string envId;
        if (request.BaseConfigFile is not null)
        {
            var baseLayer = LoadYamlFile(request.BaseConfigFile, mustExist: true)!;
            layers.Add(baseLayer);
            envId = FindEnvId(upper) ?? FindEnvId([baseLayer]) ?? new PpoConfig().EnvId;
        }
        else
        {
            envId = FindEnvId(upper) ?? new PpoConfig().EnvId;
            layers.Add(new Layer("defaults", []));
            var task = LoadYamlFile(TaskConfigPath(request.TaskConfigDirectory, envId), mustExist: false);
            if (task is not null) layers.Add(task);
        }
        layers.AddRange(upper);

        var config = new PpoConfig();
        foreach (var layer in layers)
        {
            foreach (var (key, value) in layer.Values) ConfigKeys.Apply(config, key, value, layer.Source);
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

    /// <summary>The per-task file for <paramref name="envId"/> (it need not exist).</summary>
    public static string TaskConfigPath(string directory, string envId) => Path.Combine(directory, envId + ".yaml");

    /// <summary>Parses one --set argument, <c>key=value</c>; dashes in the key are read as underscores.</summary>
    public static KeyValuePair<string, object?> ParseSet(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0)
            throw new CliUsageException($"--set '{text}': expected key=value (e.g. --set learning_rate=1e-4).");
        string key = text[..eq].Trim().Replace('-', '_');
        ConfigKeys.RequireKey(key, "--set");
        return new(key, text[(eq + 1)..]);
    }

    private static string? FindEnvId(IEnumerable<Layer> layers)
    {
        string? id = null;
        foreach (var layer in layers)
        {
            foreach (var (key, value) in layer.Values)
            {
                if (key == "env_id" && value is string s && s.Trim().Length > 0) id = s.Trim();
            }
        }
        return id;
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

    /// <summary>Parses a flat YAML mapping of config keys; keys are checked here so errors name the file.</summary>
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
            string key = k?.ToString() ?? "";
            ConfigKeys.RequireKey(key, source);
            result.Add(new(key, v));
        }
        return result;
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
