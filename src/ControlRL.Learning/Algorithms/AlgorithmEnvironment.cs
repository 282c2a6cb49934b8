using ControlRL.Core.Envs;
using ControlRL.Core.Pipeline;
using ControlRL.Core.Spaces;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;
using ControlRL.Learning.Curricula;

namespace ControlRL.Learning.Algorithms;

/// <summary>Reward normalization of a training env (an algorithm's own setting, e.g. PPO's normalize_reward).</summary>
public sealed record RewardNormalization(double Gamma, double Clip);

/// <summary>
/// Builds the vector env an algorithm trains or is evaluated on from the settings every
/// <see cref="AlgorithmConfig"/> has. Each sub-env is the registry's raw env wrapped by the config's pipeline
/// (<see cref="AlgorithmConfig.Wrappers"/>: frame skip, grayscale, resize, frame stack, time limit; the spec's time
/// limit inside them by default). Then, on the vector env: the curriculum (if any, training only), episode
/// statistics on raw rewards, and CleanRL's order of action clipping to the Box bounds, observation normalization
/// (+ clip; float leaves only, never images) and reward normalization (+ clip, training only) — or the vector
/// wrappers the pipeline lists, in its order.
/// </summary>
public static class AlgorithmEnvironment
{
    /// <summary>The spec of one wrapped sub-env, without building anything.</summary>
    public static EnvSpec Describe(EnvRegistry registry, AlgorithmConfig config, string? envId = null) =>
        config.Pipeline().Describe(registry, envId ?? config.EnvId);

    /// <summary>The training env: num_envs sub-envs on the configured vector env.</summary>
    /// <param name="rewardNormalization">Applied when the pipeline lists no vector wrappers; null for none.</param>
    public static IVectorEnv Build(EnvRegistry registry, AlgorithmConfig config, bool training = true,
        RewardNormalization? rewardNormalization = null)
    {
        // env_workers counts every thread that steps envs, the caller included; 0 means one per core.
        int threads = config.EnvWorkers > 0 ? config.EnvWorkers : Environment.ProcessorCount;
        return Build(registry, config, config.EnvId, config.NumEnvs, config.VectorEnv == "threaded", threads - 1,
            training, rewardNormalization);
    }

    /// <summary>
    /// The env a checkpoint's policy is evaluated in: one sub-env of <paramref name="envId"/> (default the
    /// config's) with the trained pipeline and observation normalization (frozen), raw rewards, no curriculum.
    /// Nothing else of the config matters, so this works for any algorithm.
    /// </summary>
    /// <param name="numEnvs">Sub-envs (a benchmark drives several routes at once); more than one steps them on threads.</param>
    public static IVectorEnv BuildForEval(EnvRegistry registry, AlgorithmConfig config, string? envId = null, int numEnvs = 1) =>
        Build(registry, config, envId ?? config.EnvId, numEnvs, threaded: numEnvs > 1,
            workers: Math.Min(numEnvs, Environment.ProcessorCount) - 1, training: false, rewardNormalization: null);

    private static IVectorEnv Build(EnvRegistry registry, AlgorithmConfig config, string envId, int numEnvs, bool threaded,
        int workers, bool training, RewardNormalization? rewardNormalization)
    {
        var pipeline = config.Pipeline();
        IVectorEnv env = VectorEnvFactory.Create(() => pipeline.Make(registry, envId), numEnvs, threaded, workers);
        try
        {
            // The teacher must see raw returns, so the curriculum sits directly on the vector env.
            if (config.Curriculum is { } teacher && training)
            {
                var space = env.TaskSpace ?? throw new ArgumentException(
                    $"curriculum '{teacher}' needs a parameterized env, and {envId} has no task parameters.");
                env = new CurriculumWrapper(env, TeacherFactory.Create(teacher, space, unchecked(config.Seed * 0x9E3779B97F4A7C15UL + 0xC0FFEE),
                    new TeacherOptions { ReturnLow = config.CurriculumReturnRange[0], ReturnHigh = config.CurriculumReturnRange[1] }));
            }
            env = new RecordEpisodeStatistics(env);
            if (pipeline.VectorWrappers.Count > 0)
            {
                foreach (var w in pipeline.VectorWrappers)
                {
                    env = w switch
                    {
                        ClipActionOptions => new ClipAction(env),
                        NormalizeObservationOptions o => new NormalizeObservation(env, o.Epsilon, o.Clip, o.Keys) { Training = training },
                        NormalizeRewardOptions r when training => new NormalizeReward(env, r.Gamma, r.Epsilon, r.Clip),
                        NormalizeRewardOptions => env,
                        _ => throw new ArgumentException($"Unknown vector wrapper {w.Name}."),
                    };
                }
                return env;
            }
            if (env.Spec.ActionSpace is Box) env = new ClipAction(env);
            if (config.NormalizeObservation && HasFloatLeaf(env.Buffers.ObservationSpace))
                env = new NormalizeObservation(env, clip: (float)config.ObsClip) { Training = training };
            if (rewardNormalization is { } rn && training)
                env = new NormalizeReward(env, rn.Gamma, clip: (float)rn.Clip);
            return env;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    private static bool HasFloatLeaf(Space space) => space.Leaves.Any(l => l.Space.DType == DType.Float32);
}
