using ControlRL.Learning.Ppo;

namespace ControlRL.Learning.Algorithms;

/// <summary>One registered algorithm: its name, a factory of its config (defaults) and its per-task config folder.</summary>
/// <param name="Name">The <c>algo</c> value, e.g. <c>ppo</c>; also the middle of run folder names.</param>
/// <param name="CreateConfig">A config holding the algorithm's defaults.</param>
/// <param name="ConfigFolder">Folder under <c>configs/</c> holding its per-task files (&lt;env&gt;.yaml).</param>
public sealed record AlgorithmInfo(string Name, Func<AlgorithmConfig> CreateConfig, string ConfigFolder)
{
    /// <summary>The runtime type of <see cref="CreateConfig"/>'s configs (config keys, checkpoint meta).</summary>
    public Type ConfigType { get; } = CreateConfig().GetType();
}

/// <summary>
/// The algorithms this build knows, by name. Config loading, checkpoints and eval look algorithms up here, so a new
/// algorithm registers once (a line in the static constructor, or <see cref="Register"/> at start-up) instead of
/// being wired into each of them. The trainer that runs it is registered with the CLI under the same name.
/// </summary>
public static class AlgorithmRegistry
{
    public const string Default = "ppo";

    private static readonly object Gate = new();
    private static readonly List<AlgorithmInfo> Entries = [];

    static AlgorithmRegistry()
    {
        Register(new AlgorithmInfo("ppo", () => new PpoConfig(), ConfigFolder: "ppo"));
    }

    /// <summary>Adds an algorithm; its config's <see cref="AlgorithmConfig.Algo"/> must equal its name.</summary>
    public static void Register(AlgorithmInfo info)
    {
        string algo = info.CreateConfig().Algo;
        if (algo != info.Name)
            throw new ArgumentException($"Algorithm '{info.Name}': its config says algo '{algo}'.", nameof(info));
        lock (Gate)
        {
            if (Entries.Any(e => e.Name == info.Name))
                throw new ArgumentException($"Algorithm '{info.Name}' is already registered.", nameof(info));
            Entries.Add(info);
        }
    }

    /// <summary>Registered names, in registration order.</summary>
    public static IReadOnlyList<string> Names
    {
        get { lock (Gate) return Entries.Select(e => e.Name).ToArray(); }
    }

    public static IReadOnlyList<AlgorithmInfo> All
    {
        get { lock (Gate) return Entries.ToArray(); }
    }

    public static AlgorithmInfo? Find(string name)
    {
        lock (Gate) return Entries.FirstOrDefault(e => e.Name == name);
    }

    /// <summary>The algorithm called <paramref name="name"/>; <see cref="ArgumentException"/> listing the known ones otherwise.</summary>
    public static AlgorithmInfo Get(string name) =>
        Find(name) ?? throw new ArgumentException(UnknownMessage(name));

    /// <summary>"unknown algorithm 'x' (known: ppo)".</summary>
    public static string UnknownMessage(string name) =>
        $"unknown algorithm '{name}' (known: {string.Join(", ", Names)})";
}
