using ControlRL.Core.Envs;
using ControlRL.Core.Pipeline;
using ControlRL.Core.Spaces;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;
using ControlRL.Learning.Curricula;

namespace ControlRL.Learning.Ppo;

/// <summary>
/// Builds the vector env PPO trains on. Each sub-env is the registry's raw env wrapped by the config's pipeline
/// (<see cref="PpoConfig.Wrappers"/>: frame skip, grayscale, resize, frame stack, time limit; the spec's time limit
/// inside them by default). Then, on the vector env: the curriculum (if any), episode statistics on raw rewards,
/// and CleanRL's order of action clipping to the Box bounds, observation normalization (+ clip; float leaves only,
/// never images) and reward normalization (+ clip) — or the vector wrappers the pipeline lists, in its order.
/// </summary>
public static class PpoEnvironment
{
    /// <summary>The spec of one wrapped sub-env, without building anything.</summary>
    public static EnvSpec Describe(EnvRegistry registry, PpoConfig config) =>
        config.Pipeline().Describe(registry, config.EnvId);

    public static IVectorEnv Build(EnvRegistry registry, PpoConfig config, bool training = true)
    {
        var pipeline = config.Pipeline();
        // env_workers counts every thread that steps envs, the caller included; 0 means one per core.
        int threads = config.EnvWorkers > 0 ? config.EnvWorkers : Environment.ProcessorCount;
        IVectorEnv env = CreateVector(registry, pipeline, config.EnvId, config.NumEnvs, config.VectorEnv == "threaded", threads - 1);
        try
        {
            // The teacher must see raw returns, so the curriculum sits directly on the vector env.
            if (config.Curriculum is { } teacher && training)
            {
                var space = env.TaskSpace ?? throw new ArgumentException(
                    $"curriculum '{teacher}' needs a parameterized env, and {config.EnvId} has no task parameters.");
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
            if (config.NormalizeReward && training)
                env = new NormalizeReward(env, config.Gamma, clip: (float)config.RewardClip);
            return env;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    private static bool HasFloatLeaf(Space space) => space.Leaves.Any(l => l.Space.DType == DType.Float32);

    private static IVectorEnv CreateVector(EnvRegistry registry, EnvPipeline pipeline, string envId, int numEnvs, bool threaded, int workers)
    {
        var envs = new List<IEnv>(numEnvs);
        try
        {
            for (int i = 0; i < numEnvs; i++) envs.Add(pipeline.Make(registry, envId));
            return threaded ? new ThreadedVectorEnv(envs, workers) : new SyncVectorEnv(envs);
        }
        catch
        {
            foreach (var e in envs) e.Dispose();
            throw;
        }
    }
}
