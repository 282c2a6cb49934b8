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
        // Specs come from the MJCF assets alone; the registry checks each built env against them.
        registry.Register(HalfCheetahEnv.EnvId, () => new HalfCheetahEnv(),
            () => MuJoCoEnv.DescribeAsset(HalfCheetahEnv.EnvId, "half_cheetah.xml", 5, HalfCheetahEnv.ObservationSize, HalfCheetahEnv.RewardTermNames, TaskNotes.Common));
        registry.Register(HopperEnv.EnvId, () => new HopperEnv(),
            () => MuJoCoEnv.DescribeAsset(HopperEnv.EnvId, "hopper.xml", 4, HopperEnv.ObservationSize, PlanarWalkerEnv.RewardTermNames, TaskNotes.Common));
        registry.Register(Walker2dEnv.EnvId, () => new Walker2dEnv(),
            () => MuJoCoEnv.DescribeAsset(Walker2dEnv.EnvId, "walker2d.xml", 4, Walker2dEnv.ObservationSize, PlanarWalkerEnv.RewardTermNames, TaskNotes.Common));
        registry.Register(AntEnv.EnvId, () => new AntEnv(),
            () => MuJoCoEnv.DescribeAsset(AntEnv.EnvId, "ant.xml", 5, AntEnv.ObservationSize, AntEnv.RewardTermNames, TaskNotes.Common));
        registry.Register(HumanoidEnv.EnvId, () => new HumanoidEnv(),
            () => MuJoCoEnv.DescribeAsset(HumanoidEnv.EnvId, "humanoid.xml", 5, HumanoidEnv.ObservationSize, HumanoidEnv.RewardTermNames, TaskNotes.Common));
        registry.Register(InvertedPendulumEnv.EnvId, () => new InvertedPendulumEnv(),
            () => MuJoCoEnv.DescribeAsset(InvertedPendulumEnv.EnvId, "inverted_pendulum.xml", 2, InvertedPendulumEnv.ObservationSize, InvertedPendulumEnv.RewardTermNames, TaskNotes.Common));
    }
}
