using ControlRL.Core.Random;

namespace ControlRL.Envs.MuJoCo.Tasks;

/// <summary>
/// Hopper-v5: a one-legged planar hopper. Observation (11) = qpos[1:] (5) ++ clip(qvel, -10, 10) (6).
/// Reward = forward_reward (dx/dt of rootx) + ctrl_cost (-1e-3 * sum(a^2)) + healthy_reward (1 while healthy).
/// Healthy: every value of (qpos, qvel)[2:] in (-100, 100), z = qpos[1] > 0.7 and |angle = qpos[2]| < 0.2;
/// the episode terminates when unhealthy. Reset: qpos0 + U(+-5e-3), qvel U(+-5e-3).
/// </summary>
public sealed class HopperEnv : MuJoCoEnv
{
    public const string EnvId = "Hopper-v5";
    public const int ObservationSize = 11;
    public const double ForwardRewardWeight = 1.0;
    public const double CtrlCostWeight = 1e-3;
    public const double HealthyRewardValue = 1.0;
    public const double HealthyStateLimit = 100.0;
    public const double HealthyZMin = 0.7;
    public const double HealthyAngleLimit = 0.2;
    public const double VelocityClip = 10.0;
    public const double ResetNoiseScale = 5e-3;
    public static readonly IReadOnlyList<string> RewardTermNames = ["forward_reward", "ctrl_cost", "healthy_reward"];

    private double _xBefore;

    public HopperEnv()
        : base(EnvId, "hopper.xml", frameSkip: 4, ObservationSize, RewardTermNames, TaskNotes.Common)
    {
        RequireModel(nq: 6, nv: 6, nu: 3, nbody: 5);
    }

    /// <summary>Gymnasium's is_healthy for the current state.</summary>
    public bool IsHealthy
    {
        get
        {
            ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel;
            // state_vector()[2:] covers qpos[2:] and all of qvel; NaN fails every comparison, so it is unhealthy.
            for (int i = 2; i < qpos.Length; i++)
                if (!(qpos[i] > -HealthyStateLimit && qpos[i] < HealthyStateLimit)) return false;
            for (int i = 0; i < qvel.Length; i++)
                if (!(qvel[i] > -HealthyStateLimit && qvel[i] < HealthyStateLimit)) return false;
            double z = qpos[1], angle = qpos[2];
            return z > HealthyZMin && z < double.PositiveInfinity && angle > -HealthyAngleLimit && angle < HealthyAngleLimit;
        }
    }

    protected override void ResetModel(Rng rng, Span<double> qpos, Span<double> qvel)
    {
        ReadOnlySpan<double> q0 = InitQpos, v0 = InitQvel;
        for (int i = 0; i < qpos.Length; i++) qpos[i] = q0[i] + rng.Uniform(-ResetNoiseScale, ResetNoiseScale);
        for (int i = 0; i < qvel.Length; i++) qvel[i] = v0[i] + rng.Uniform(-ResetNoiseScale, ResetNoiseScale);
    }

    protected override void BeforeSimulation() => _xBefore = Data.Qpos[0];

    protected override (double Reward, bool Terminated) AfterSimulation(
        ReadOnlySpan<float> action, Span<float> observation, Span<float> rewardTerms)
    {
        double forward = ForwardRewardWeight * (Data.Qpos[0] - _xBefore) / Dt;
        double ctrl = -CtrlCostWeight * SumOfSquares(action);
        bool healthy = IsHealthy;
        double alive = healthy ? HealthyRewardValue : 0.0;
        WriteObservation(observation);
        rewardTerms[0] = (float)forward;
        rewardTerms[1] = (float)ctrl;
        rewardTerms[2] = (float)alive;
        return (forward + alive + ctrl, !healthy);
    }

    protected override void WriteObservation(Span<float> observation)
    {
        int n = Copy(Data.Qpos[1..], observation);
        CopyClipped(Data.Qvel, observation[n..], -VelocityClip, VelocityClip);
    }
}
