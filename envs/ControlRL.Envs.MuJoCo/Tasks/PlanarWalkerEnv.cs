using ControlRL.Core.Random;

namespace ControlRL.Envs.MuJoCo.Tasks;

/// <summary>
/// What Hopper-v5 and Walker2d-v5 share (Gymnasium v5 defaults): observation qpos[1:] ++ clip(qvel, -10, 10);
/// reward forward_reward (dx/dt of rootx) + ctrl_cost (-1e-3 * sum(a^2)) + healthy_reward (1 while healthy);
/// termination when unhealthy; reset qpos0 + U(+-5e-3), qvel U(+-5e-3). Each task defines <see cref="IsHealthy"/>.
/// </summary>
public abstract class PlanarWalkerEnv : MuJoCoEnv
{
    public const double ForwardRewardWeight = 1.0;
    public const double CtrlCostWeight = 1e-3;
    public const double HealthyRewardValue = 1.0;
    public const double VelocityClip = 10.0;
    public const double ResetNoiseScale = 5e-3;
    public static readonly IReadOnlyList<string> RewardTermNames = ["forward_reward", "ctrl_cost", "healthy_reward"];

    private double _xBefore;

    protected PlanarWalkerEnv(string id, string assetFile, int observationSize)
        : base(id, assetFile, frameSkip: 4, observationSize, RewardTermNames, TaskNotes.Common)
    {
    }

    /// <summary>Gymnasium's is_healthy for the current state.</summary>
    public abstract bool IsHealthy { get; }

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
