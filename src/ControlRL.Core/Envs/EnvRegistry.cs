using ControlRL.Core.Wrappers;

namespace ControlRL.Core.Envs;

/// <summary>
/// Env ids to factories, like <c>gymnasium.make</c>. A factory builds the raw env; <see cref="Make"/> adds the
/// time limit of the spec. Env packages register their ids explicitly (e.g. <c>MuJoCoEnvs.Register</c>) with a
/// spec provider, so <see cref="Describe"/> never constructs an env (a remote simulator would be connected to,
/// a MuJoCo task would allocate its data); <see cref="Make"/> checks the built env against that spec.
/// </summary>
public sealed class EnvRegistry
{
    private readonly Dictionary<string, Func<IEnv>> _factories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<EnvSpec>> _describers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EnvSpec> _specs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _declared = new(StringComparer.Ordinal); // ids whose spec provider does not build the env

    public IReadOnlyCollection<string> Ids => _factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Registers <paramref name="id"/> with a spec provider that does not build the env (it may read a model file
    /// or a config; it must give the spec a built env reports).
    /// </summary>
    public void Register(string id, Func<IEnv> factory, Func<EnvSpec> describe)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(describe);
        if (!_factories.TryAdd(id, factory))
            throw new InvalidOperationException($"Env id '{id}' is already registered.");
        _describers[id] = describe;
        _declared.Add(id);
    }

    /// <summary>
    /// Registers an in-process env whose spec is read from one built env the first time it is asked for (cheap
    /// envs and tests; env packages and remote envs pass a spec provider instead).
    /// </summary>
    public void Register(string id, Func<IEnv> factory)
    {
        Register(id, factory, () =>
        {
            using var env = factory();
            return env.Spec;
        });
        _declared.Remove(id);
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
        IEnv env = factory();
        if (_declared.Contains(id) && SpecMismatch(Describe(id), env.Spec) is { } why)
        {
            env.Dispose();
            throw new InvalidOperationException($"Env '{id}' built with a spec unlike the one registered: {why}.");
        }
        return env;
    }

    /// <summary>The spec of <paramref name="id"/> from its spec provider (cached), without building the env.</summary>
    public EnvSpec Describe(string id)
    {
        if (_specs.TryGetValue(id, out var spec)) return spec;
        if (!_describers.TryGetValue(id, out var describe))
            throw new KeyNotFoundException($"Unknown env id '{id}'. Known ids: {string.Join(", ", Ids)}.");
        spec = describe() ?? throw new InvalidOperationException($"The spec provider of '{id}' returned nothing.");
        if (spec.Id != id) throw new InvalidOperationException($"The spec provider of '{id}' describes '{spec.Id}'.");
        _specs[id] = spec;
        return spec;
    }

    /// <summary>Null when two specs agree on id, spaces, reward terms, info and time limit; else what differs.</summary>
    public static string? SpecMismatch(EnvSpec a, EnvSpec b)
    {
        if (a.Id != b.Id) return $"id '{b.Id}' vs '{a.Id}'";
        if (a.ObservationSpace.Describe() != b.ObservationSpace.Describe())
            return $"observation space {b.ObservationSpace.Describe()} vs {a.ObservationSpace.Describe()}";
        if (a.ActionSpace.Describe() != b.ActionSpace.Describe())
            return $"action space {b.ActionSpace.Describe()} vs {a.ActionSpace.Describe()}";
        if (!a.RewardTerms.SequenceEqual(b.RewardTerms, StringComparer.Ordinal))
            return $"reward terms [{string.Join(", ", b.RewardTerms)}] vs [{string.Join(", ", a.RewardTerms)}]";
        if (!a.Info.Select(x => x.Name).SequenceEqual(b.Info.Select(x => x.Name), StringComparer.Ordinal))
            return $"info [{string.Join(", ", b.Info.Select(x => x.Name))}] vs [{string.Join(", ", a.Info.Select(x => x.Name))}]";
        if (!a.Events.SequenceEqual(b.Events, StringComparer.Ordinal))
            return $"events [{string.Join(", ", b.Events)}] vs [{string.Join(", ", a.Events)}]";
        if (a.MaxEpisodeSteps != b.MaxEpisodeSteps) return $"time limit {b.MaxEpisodeSteps} vs {a.MaxEpisodeSteps}";
        if (a.Dt != b.Dt) return $"dt {b.Dt} vs {a.Dt}";
        return null;
    }
}
