using ControlRL.Core.Envs;
using ControlRL.Envs.MuJoCo.Tasks;

namespace ControlRL.Envs.MuJoCo;

/// <summary>Registers the Gymnasium-v5-style MuJoCo tasks.</summary>
public static class MuJoCoEnvs
{
    /// <summary>The ids <see cref="Register"/> adds.</summary>
    public static IReadOnlyList<string> Ids { get; } =
    [
        HalfCheetahEnv.EnvId,
        HopperEnv.EnvId,
        Walker2dEnv.EnvId,
        AntEnv.EnvId,
        HumanoidEnv.EnvId,
        InvertedPendulumEnv.EnvId,
    ];

    /// <summary>Adds the six tasks; <c>registry.Make(id)</c> wraps each in its 1000-step time limit.</summary>
    public static void Register(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(HalfCheetahEnv.EnvId, () => new HalfCheetahEnv());
        registry.Register(HopperEnv.EnvId, () => new HopperEnv());
        registry.Register(Walker2dEnv.EnvId, () => new Walker2dEnv());
        registry.Register(AntEnv.EnvId, () => new AntEnv());
        registry.Register(HumanoidEnv.EnvId, () => new HumanoidEnv());
        registry.Register(InvertedPendulumEnv.EnvId, () => new InvertedPendulumEnv());
    }
}
