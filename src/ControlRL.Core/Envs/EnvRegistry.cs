using ControlRL.Core.Wrappers;

namespace ControlRL.Core.Envs;

/// <summary>
/// Env ids to factories, like <c>gymnasium.make</c>. A factory builds the raw env; <see cref="Make"/> adds the
/// time limit of the spec. Env packages register their ids explicitly (e.g. <c>MuJoCoEnvs.Register</c>).
/// </summary>
public sealed class EnvRegistry
{
    private readonly Dictionary<string, Func<IEnv>> _factories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EnvSpec> _specs = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Ids => _factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Registers <paramref name="id"/>. The spec is read once from a built env.</summary>
    public void Register(string id, Func<IEnv> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(factory);
        if (!_factories.TryAdd(id, factory))
            throw new InvalidOperationException($"Env id '{id}' is already registered.");
    }

    public bool Contains(string id) => _factories.ContainsKey(id);

    /// <summary>Builds the env with its time limit (when the spec has one).</summary>
    public IEnv Make(string id)
    {
        IEnv raw = MakeRaw(id);
        return raw.Spec.MaxEpisodeSteps > 0 ? new TimeLimit(raw, raw.Spec.MaxEpisodeSteps) : raw;
    }

    /// <summary>Builds the env without any wrapper.</summary>
    public IEnv MakeRaw(string id)
    {
        if (!_factories.TryGetValue(id, out var factory))
        {
            throw new KeyNotFoundException(
                $"Unknown env id '{id}'. Known ids: {string.Join(", ", Ids)}.");
        }
        return factory();
    }

    /// <summary>The spec of <paramref name="id"/> (builds one env the first time, then caches).</summary>
    public EnvSpec Describe(string id)
    {
        if (_specs.TryGetValue(id, out var spec)) return spec;
        using var env = MakeRaw(id);
        _specs[id] = env.Spec;
        return env.Spec;
    }
}
