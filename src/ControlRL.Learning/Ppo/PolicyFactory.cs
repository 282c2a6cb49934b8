using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using ControlRL.Models.Policies;

namespace ControlRL.Learning.Ppo;

/// <summary>Builds the actor-critic that fits an env's spaces: Gaussian for a Box action space, categorical for Discrete.</summary>
public static class PolicyFactory
{
    public static ActorCritic Create(EnvSpec spec, PpoConfig config)
    {
        var activation = config.Activation == "relu" ? Activation.ReLU : Activation.Tanh;
        int obs = spec.ObservationSpace.FlatSize;
        return spec.ActionSpace switch
        {
            Box box => new GaussianActorCritic(obs, box.FlatSize, config.HiddenSizes, activation, config.LogStdInit, config.OrthoInit),
            Discrete d => new CategoricalActorCritic(obs, d.N, config.HiddenSizes, activation, config.OrthoInit),
            var other => throw new NotSupportedException($"PPO has no policy for action space {other.Describe()} of {spec.Id}."),
        };
    }
}
