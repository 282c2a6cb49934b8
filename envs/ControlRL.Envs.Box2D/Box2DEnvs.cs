using ControlRL.Core.Envs;

namespace ControlRL.Envs.Box2D;

/// <summary>Registers Gymnasium's BipedalWalker ids.</summary>
public static class Box2DEnvs
{
    /// <summary>The ids <see cref="Register"/> adds.</summary>
    public static IReadOnlyList<string> Ids { get; } =
        [BipedalWalkerEnv.EnvId, BipedalWalkerEnv.HardcoreEnvId];

    /// <summary>Adds every id; <c>registry.Make(id)</c> wraps each in its time limit (1600 / 2000 steps).</summary>
    public static void Register(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(BipedalWalkerEnv.EnvId, () => new BipedalWalkerEnv(hardcore: false));
        registry.Register(BipedalWalkerEnv.HardcoreEnvId, () => new BipedalWalkerEnv(hardcore: true));
    }
}
