using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using ControlRL.Models.Encoders;
using ControlRL.Models.Policies;

namespace ControlRL.Learning.Ppo;

/// <summary>
/// Builds the actor-critic that fits an env's spaces. Flat float observations get CleanRL's separate MLP
/// actor and critic (Gaussian for a Box action space, categorical for Discrete); images and Dict observations
/// get an <see cref="EncodedActorCritic"/>: a shared per-key encoder (Nature-CNN or IMPALA ResNet for images)
/// and the configured action head. <c>policy: carl</c> builds CaRL's driving network (<see cref="CaRLActorCritic"/>).
/// </summary>
public static class PolicyFactory
{
    public static ActorCritic Create(EnvSpec spec, PpoConfig config)
    {
        bool encoded = config.Policy is "encoded" or "carl" || (config.Policy == "auto" && !spec.ObservationSpace.IsFlatFloat);
        if (encoded) return Describe(config).BuildPolicy(spec.ObservationSpace, spec.ActionSpace);
        if (!spec.ObservationSpace.IsFlatFloat)
            throw new NotSupportedException($"policy: mlp needs a flat float observation; {spec.Id} has {spec.ObservationSpace.Describe()} (use policy: encoded).");
        var activation = config.Activation == "relu" ? Activation.ReLU : Activation.Tanh;
        int obs = spec.ObservationSpace.FlatSize;
        return spec.ActionSpace switch
        {
            Box box => new GaussianActorCritic(obs, box.FlatSize, config.HiddenSizes, activation, config.LogStdInit, config.OrthoInit),
            Discrete d => new CategoricalActorCritic(obs, d.N, config.HiddenSizes, activation, config.OrthoInit),
            var other => throw new NotSupportedException($"PPO has no policy for action space {other.Describe()} of {spec.Id}."),
        };
    }

    /// <summary>The description of the encoded or CaRL policy a config asks for (stored in checkpoints).</summary>
    public static PolicyDescription Describe(PpoConfig config)
    {
        if (config.Policy == "carl") return new PolicyDescription { Kind = "carl", Head = "beta", Carl = new CaRLOptions() };
        return new PolicyDescription
        {
            Encoder = new EncoderOptions { Cnn = config.Cnn, CnnFeatures = config.CnnFeatures },
            Head = config.ActionHead,
            LogStdInit = config.LogStdInit,
        };
    }
}
