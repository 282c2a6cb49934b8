using ControlRL.Core.Random;
using ControlRL.Envs.MuJoCo.Rendering;

namespace ControlRL.Envs.MuJoCo.Tasks;

/// <summary>
/// HalfCheetah-v5: a planar cheetah rewarded for forward speed. Observation (17) = qpos[1:] (8, the x position
/// left out) ++ qvel (9). Reward = forward_reward (1.0 * dx/dt of rootx) + ctrl_cost (-0.1 * sum(a^2)).
/// Never terminates. Reset: qpos0 + U(-0.1, 0.1), qvel = 0.1 * N(0, 1).
/// </summary>
public sealed class HalfCheetahEnv : MuJoCoEnv
{
    public const string EnvId = "HalfCheetah-v5";
    public const int ObservationSize = 17;
    public const double ForwardRewardWeight = 1.0;
    public const double CtrlCostWeight = 0.1;
    public const double ResetNoiseScale = 0.1;
    public static readonly IReadOnlyList<string> RewardTermNames = ["forward_reward", "ctrl_cost"];

    private double _xBefore;

    public HalfCheetahEnv()
        : base(EnvId, "half_cheetah.xml", frameSkip: 5, ObservationSize, RewardTermNames, TaskNotes.Common)
    {
        RequireModel(nq: 9, nv: 9, nu: 6, nbody: 8);
    }

    protected override void ResetModel(Rng rng, Span<double> qpos, Span<double> qvel)
    {
        ReadOnlySpan<double> q0 = InitQpos, v0 = InitQvel;
        for (int i = 0; i < qpos.Length; i++) qpos[i] = q0[i] + rng.Uniform(-ResetNoiseScale, ResetNoiseScale);
        for (int i = 0; i < qvel.Length; i++) qvel[i] = v0[i] + ResetNoiseScale * rng.Normal();
    }

    protected override void BeforeSimulation() => _xBefore = Data.Qpos[0];

    protected override (double Reward, bool Terminated) AfterSimulation(
        ReadOnlySpan<float> action, Span<float> observation, Span<float> rewardTerms)
    {
        double xVelocity = (Data.Qpos[0] - _xBefore) / Dt;
        double forward = ForwardRewardWeight * xVelocity;
        double ctrl = -CtrlCostWeight * SumOfSquares(action);
        WriteObservation(observation);
        rewardTerms[0] = (float)forward;
        rewardTerms[1] = (float)ctrl;
        return (forward + ctrl, false);
    }

    protected override void WriteObservation(Span<float> observation)
    {
        int n = Copy(Data.Qpos[1..], observation);
        Copy(Data.Qvel, observation[n..]);
    }

    /// <summary>DEFAULT_CAMERA_CONFIG of gymnasium/envs/mujoco/half_cheetah_v5.py (used by the free camera).</summary>
    public static readonly MuJoCoCameraConfig GymnasiumCameraConfig = new() { Distance = 4.0 };

    public override MuJoCoCameraConfig DefaultCameraConfig => GymnasiumCameraConfig;
}
