using ControlRL.Core.Envs;

namespace ControlRL.Envs.Classic;

public static class ClassicEnvs
{
    /// <summary>Registers CartPole-v1 and Pendulum-v1.</summary>
    public static void Register(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(CartPole.Id, () => new CartPole(), CartPole.Describe);
        registry.Register(Pendulum.Id, () => new Pendulum(), Pendulum.Describe);
    }
}
