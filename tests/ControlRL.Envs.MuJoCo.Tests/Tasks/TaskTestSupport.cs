using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;
using ControlRL.Core.Wrappers;

namespace ControlRL.Envs.MuJoCo.Tests.Tasks;

/// <summary>Expected facts per task (Gymnasium gymnasium/envs/mujoco/*_v5.py).</summary>
public sealed record TaskFacts(
    string Id, int ObsSize, int ActSize, float ActLow, float ActHigh, int FrameSkip, double Timestep, string[] Terms);

internal static class TaskTestSupport
{
    public static readonly TaskFacts[] Facts =
    [
        new("HalfCheetah-v5", 17, 6, -1f, 1f, 5, 0.01, ["forward_reward", "ctrl_cost"]),
        new("Hopper-v5", 11, 3, -1f, 1f, 4, 0.002, ["forward_reward", "ctrl_cost", "healthy_reward"]),
        new("Walker2d-v5", 17, 6, -1f, 1f, 4, 0.002, ["forward_reward", "ctrl_cost", "healthy_reward"]),
        new("Ant-v5", 105, 8, -1f, 1f, 5, 0.01, ["forward_reward", "ctrl_cost", "contact_cost", "healthy_reward"]),
        new("Humanoid-v5", 348, 17, -0.4f, 0.4f, 5, 0.003, ["forward_reward", "ctrl_cost", "contact_cost", "healthy_reward"]),
        new("InvertedPendulum-v5", 4, 1, -3f, 3f, 2, 0.02, ["alive"]),
    ];

    public static IEnumerable<object[]> Ids => Facts.Select(f => new object[] { f.Id });

    public static TaskFacts For(string id) => Facts.Single(f => f.Id == id);

    public static EnvRegistry Registry()
    {
        var registry = new EnvRegistry();
        MuJoCoEnvs.Register(registry);
        return registry;
    }

    public static MuJoCoEnv MakeRaw(string id) => (MuJoCoEnv)Registry().MakeRaw(id);

    /// <summary>The MuJoCo env under a registry-made env (through its time limit).</summary>
    public static MuJoCoEnv Unwrap(IEnv env) => env switch
    {
        MuJoCoEnv m => m,
        TimeLimit t => Unwrap(t.Inner),
        _ => throw new InvalidOperationException($"Unexpected wrapper {env.GetType().Name}."),
    };

    /// <summary>Uniform random action inside the box.</summary>
    public static void Sample(Rng rng, Box box, Span<float> action)
    {
        for (int i = 0; i < action.Length; i++) action[i] = (float)rng.Uniform(box.Low[i], box.High[i]);
    }

    /// <summary>Buffers sized for one env.</summary>
    public static (float[] Obs, float[] Act, float[] Terms) Buffers(IEnv env) =>
        (new float[env.Spec.ObservationSpace.FlatSize], new float[env.Spec.ActionSpace.FlatSize],
            new float[env.Spec.RewardTerms.Count]);
}
