using ControlRL.Core.Random;

namespace ControlRL.Envs.MuJoCo.Tasks;

/// <summary>
/// Walker2d-v5: a planar biped. Observation (17) = qpos[1:] (8) ++ clip(qvel, -10, 10) (9).
/// Reward = forward_reward (dx/dt of rootx) + ctrl_cost (-1e-3 * sum(a^2)) + healthy_reward (1 while healthy).
/// Healthy: 0.8 &lt; z = qpos[1] &lt; 2.0 and -1 &lt; angle = qpos[2] &lt; 1; terminates when unhealthy.
/// Reset: qpos0 + U(+-5e-3), qvel U(+-5e-3).
/// </summary>
public sealed class Walker2dEnv : MuJoCoEnv
{
    public const string EnvId = "Walker2d-v5";
    public const int ObservationSize = 17;
    public const double ForwardRewardWeight = 1.0;
    public const double CtrlCostWeight = 1e-3;
    public const double HealthyRewardValue = 1.0;
    public const double HealthyZMin = 0.8;
    public const double HealthyZMax = 2.0;
    public const double HealthyAngleLimit = 1.0;
    public const double VelocityClip = 10.0;
    public const double ResetNoiseScale = 5e-3;
    public static readonly IReadOnlyList<string> RewardTermNames = ["forward_reward", "ctrl_cost", "healthy_reward"];

    private double _xBefore;

    public Walker2dEnv()
        : base(EnvId, "walker2d.xml", frameSkip: 4, ObservationSize, RewardTermNames, TaskNotes.Common)
    {
        RequireModel(nq: 9, nv: 9, nu: 6, nbody: 8);
    }

    /// <summary>Gymnasium's is_healthy for the current state.</summary>
    public bool IsHealthy
    {
        get
        {
            double z = Data.Qpos[1], angle = Data.Qpos[2];
            return z > HealthyZMin && z < HealthyZMax && angle > -HealthyAngleLimit && angle < HealthyAngleLimit;
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
