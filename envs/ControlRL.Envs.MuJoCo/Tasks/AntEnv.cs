using ControlRL.Core.Random;
using ControlRL.Envs.MuJoCo.Native;
using ControlRL.Envs.MuJoCo.Rendering;

namespace ControlRL.Envs.MuJoCo.Tasks;

/// <summary>
/// Ant-v5: a four-legged robot on a free joint. Observation (105) = qpos[2:] (13, x and y left out) ++ qvel (14)
/// ++ clip(cfrc_ext[1:], -1, 1) (13 bodies x 6). Reward = forward_reward (dx/dt of the torso body's xpos)
/// + ctrl_cost (-0.5 * sum(a^2)) + contact_cost (-5e-4 * sum(clip(cfrc_ext, -1, 1)^2)) + healthy_reward
/// (1 while healthy). Healthy: qpos and qvel finite and 0.2 &lt;= torso z = qpos[2] &lt;= 1.0; terminates when
/// unhealthy. Reset: qpos0 + U(+-0.1) on every qpos entry (quaternion included, as Gymnasium), qvel = 0.1 * N(0, 1).
/// </summary>
public sealed class AntEnv : MuJoCoEnv
{
    public const string EnvId = "Ant-v5";
    public const int ObservationSize = 105;
    public const double ForwardRewardWeight = 1.0;
    public const double CtrlCostWeight = 0.5;
    public const double ContactCostWeight = 5e-4;
    public const double HealthyRewardValue = 1.0;
    public const double HealthyZMin = 0.2;
    public const double HealthyZMax = 1.0;
    public const double ContactForceLimit = 1.0;
    public const double ResetNoiseScale = 0.1;
    public static readonly IReadOnlyList<string> RewardTermNames =
        ["forward_reward", "ctrl_cost", "contact_cost", "healthy_reward"];

    private readonly int _mainBody;
    private double _xBefore;

    public AntEnv()
        : base(EnvId, "ant.xml", frameSkip: 5, ObservationSize, RewardTermNames, TaskNotes.Common)
    {
        RequireModel(nq: 15, nv: 14, nu: 8, nbody: 14);
        _mainBody = Model.Name2Id(MjObj.Body, "torso");
        if (_mainBody < 0) throw new InvalidDataException($"{EnvId}: asset {AssetPath} has no body named 'torso'.");
    }

    /// <summary>Gymnasium's is_healthy for the current state.</summary>
    public bool IsHealthy
    {
        get
        {
            double z = Data.Qpos[2];
            return AllFinite(Data.Qpos) && AllFinite(Data.Qvel) && z >= HealthyZMin && z <= HealthyZMax;
        }
    }

    protected override void ResetModel(Rng rng, Span<double> qpos, Span<double> qvel)
    {
        ReadOnlySpan<double> q0 = InitQpos, v0 = InitQvel;
        for (int i = 0; i < qpos.Length; i++) qpos[i] = q0[i] + rng.Uniform(-ResetNoiseScale, ResetNoiseScale);
        for (int i = 0; i < qvel.Length; i++) qvel[i] = v0[i] + ResetNoiseScale * rng.Normal();
    }

    // The torso's xpos comes from the last kinematics pass inside mj_step (the state before its final
    // integration), exactly what Gymnasium reads from data.body(main_body).xpos.
    protected override void BeforeSimulation() => _xBefore = Data.Xpos[3 * _mainBody];

    protected override (double Reward, bool Terminated) AfterSimulation(
        ReadOnlySpan<float> action, Span<float> observation, Span<float> rewardTerms)
    {
        double forward = ForwardRewardWeight * (Data.Xpos[3 * _mainBody] - _xBefore) / Dt;
        double ctrl = -CtrlCostWeight * SumOfSquares(action);
        double contactSum = 0;
        foreach (double f in Data.CfrcExt)
        {
            double c = Math.Clamp(f, -ContactForceLimit, ContactForceLimit);
            contactSum += c * c;
        }
        double contact = -ContactCostWeight * contactSum;
        bool healthy = IsHealthy;
        double alive = healthy ? HealthyRewardValue : 0.0;
        WriteObservation(observation);
        rewardTerms[0] = (float)forward;
        rewardTerms[1] = (float)ctrl;
        rewardTerms[2] = (float)contact;
        rewardTerms[3] = (float)alive;
        return (forward + alive + ctrl + contact, !healthy);
    }

    protected override void WriteObservation(Span<float> observation)
    {
        int n = Copy(Data.Qpos[2..], observation);
        n += Copy(Data.Qvel, observation[n..]);
        // Row 0 of cfrc_ext is the world body; it is left out.
        CopyClipped(Data.CfrcExt[6..], observation[n..], -ContactForceLimit, ContactForceLimit);
    }

    /// <summary>DEFAULT_CAMERA_CONFIG of gymnasium/envs/mujoco/ant_v5.py (used by the free camera).</summary>
    public static readonly MuJoCoCameraConfig GymnasiumCameraConfig = new() { Distance = 4.0 };

    public override MuJoCoCameraConfig DefaultCameraConfig => GymnasiumCameraConfig;
}
