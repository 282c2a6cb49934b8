using ControlRL.Core.Envs;
using ControlRL.Envs.Driving.Bev;
using ControlRL.Envs.Driving.Env;

namespace ControlRL.Envs.Driving;

/// <summary>Registers the driving simulator's ids: <c>Driving-v0</c> (64x64 BEV at 1 px/m, for CPU training) and <c>DrivingCaRL-v0</c> (CaRL's 256x256 at 2 px/m).</summary>
public static class DrivingEnvs
{
    public const string CaRLEnvId = "DrivingCaRL-v0";

    public static IReadOnlyList<string> Ids { get; } = [DrivingEnv.EnvId, CaRLEnvId];

    public static DrivingEnvOptions Options(string id) => id switch
    {
        DrivingEnv.EnvId => new DrivingEnvOptions(),
        CaRLEnvId => new DrivingEnvOptions { Id = CaRLEnvId, Bev = BevConfig.CaRL },
        _ => throw new ArgumentException($"'{id}' is not a driving env id ({string.Join(", ", Ids)})."),
    };

    public static void Register(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (string id in Ids)
        {
            var options = Options(id);
            registry.Register(id, () => new DrivingEnv(options), () => DrivingEnv.Describe(options));
        }
    }
}
