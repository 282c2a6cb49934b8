using ControlRL.Core.Envs;
using ControlRL.Core.Rewards;
using ControlRL.Envs.Driving.Bev;
using ControlRL.Envs.Driving.Env;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Rewards;

namespace ControlRL.Envs.Driving;

/// <summary>
/// Registers the driving simulator's ids, each a <see cref="DrivingEnv"/> with a reward from <c>Rewards/</c> in an
/// <see cref="InfoRewardWrapper"/> (docs/driving-rewards.md): <c>Driving-v0</c> (64x64 BEV at 1 px/m, for CPU
/// training) and <c>DrivingCaRL-v0</c> (CaRL's 256x256 at 2 px/m) with CaRL's reward; <c>DrivingRoach-v0</c> (64x64)
/// with Roach's summed shaped reward; <c>DrivingNuPlan-v0</c> (64x64) with CaRL's nuPlan reward and nuPlan's comfort
/// limits. Each id's training episodes end by its reward's termination rules.
/// </summary>
public static class DrivingEnvs
{
    public const string CaRLEnvId = "DrivingCaRL-v0";
    public const string RoachEnvId = "DrivingRoach-v0";
    public const string NuPlanEnvId = "DrivingNuPlan-v0";

    public static IReadOnlyList<string> Ids { get; } = [DrivingEnv.EnvId, CaRLEnvId, RoachEnvId, NuPlanEnvId];

    /// <summary>The options of the env under <paramref name="id"/> (without its reward).</summary>
    public static DrivingEnvOptions Options(string id) => id switch
    {
        DrivingEnv.EnvId => new DrivingEnvOptions(),
        CaRLEnvId => new DrivingEnvOptions { Id = CaRLEnvId, Bev = BevConfig.CaRL },
        RoachEnvId => new DrivingEnvOptions { Id = RoachEnvId, Rules = TerminationRules.Roach },
        NuPlanEnvId => new DrivingEnvOptions { Id = NuPlanEnvId, Rules = TerminationRules.NuPlan, Comfort = ComfortLimits.NuPlan },
        _ => throw new ArgumentException($"'{id}' is not a driving env id ({string.Join(", ", Ids)})."),
    };

    /// <summary>A new instance of the reward of <paramref name="id"/> (one per env: rewards keep per-episode state).</summary>
    public static IInfoReward Reward(string id) => id switch
    {
        DrivingEnv.EnvId or CaRLEnvId => new CaRLReward(),
        RoachEnvId => new RoachReward(),
        NuPlanEnvId => new CaRLNuPlanReward(),
        _ => throw new ArgumentException($"'{id}' is not a driving env id ({string.Join(", ", Ids)})."),
    };

    /// <summary>The env of <paramref name="id"/>: its <see cref="DrivingEnv"/> with its reward.</summary>
    public static IEnv Make(string id) => new InfoRewardWrapper(new DrivingEnv(Options(id)), Reward(id));

    /// <summary>The spec of <paramref name="id"/>, without building the env.</summary>
    public static EnvSpec Describe(string id) => InfoRewardWrapper.WrapSpec(DrivingEnv.Describe(Options(id)), Reward(id));

    public static void Register(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (string id in Ids) registry.Register(id, () => Make(id), () => Describe(id));
    }
}
