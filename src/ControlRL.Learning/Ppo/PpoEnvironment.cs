using ControlRL.Core.Envs;
using ControlRL.Core.Vector;
using ControlRL.Learning.Algorithms;

namespace ControlRL.Learning.Ppo;

/// <summary>
/// The vector env PPO trains on: <see cref="AlgorithmEnvironment"/> with PPO's reward normalization
/// (<see cref="PpoConfig.NormalizeReward"/>, discounted with <see cref="PpoConfig.Gamma"/>).
/// </summary>
public static class PpoEnvironment
{
    /// <summary>The spec of one wrapped sub-env, without building anything.</summary>
    public static EnvSpec Describe(EnvRegistry registry, PpoConfig config) => AlgorithmEnvironment.Describe(registry, config);

    public static IVectorEnv Build(EnvRegistry registry, PpoConfig config, bool training = true) =>
        AlgorithmEnvironment.Build(registry, config, training,
            config.NormalizeReward ? new RewardNormalization(config.Gamma, config.RewardClip) : null);
}
