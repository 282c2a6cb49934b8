using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;
using ControlRL.Learning.Curricula;

namespace ControlRL.Learning.Ppo;

/// <summary>
/// Builds the vector env PPO trains on, with CleanRL's wrapper order (after the curriculum, if any): episode statistics on raw rewards,
/// action clipping to the Box bounds, observation normalization (+ clip), reward normalization (+ clip).
/// </summary>
public static class PpoEnvironment
{
    public static IVectorEnv Build(EnvRegistry registry, PpoConfig config, bool training = true)
    {
        // env_workers counts every thread that steps envs, the caller included; 0 means one per core.
        int threads = config.EnvWorkers > 0 ? config.EnvWorkers : Environment.ProcessorCount;
        IVectorEnv env = VectorEnvFactory.Create(registry, config.EnvId, config.NumEnvs, config.VectorEnv == "threaded", threads - 1);
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
            if (env.Spec.ActionSpace is Box) env = new ClipAction(env);
            if (config.NormalizeObservation)
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
}
