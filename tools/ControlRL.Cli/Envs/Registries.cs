using ControlRL.Core.Envs;

namespace ControlRL.Cli;

/// <summary>Every env id the <c>controlrl</c> command knows, from each env package linked into it.</summary>
public static class Registries
{
    public static EnvRegistry CreateEnvRegistry()
    {
        var reg = new EnvRegistry();
        ControlRL.Envs.MuJoCo.MuJoCoEnvs.Register(reg);
        ControlRL.Envs.Classic.ClassicEnvs.Register(reg);
        ControlRL.Envs.Box2D.Box2DEnvs.Register(reg);
        ControlRL.Envs.Driving.DrivingEnvs.Register(reg);
        return reg;
    }
}
