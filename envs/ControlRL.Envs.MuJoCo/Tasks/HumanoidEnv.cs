using ControlRL.Core.Random;
using ControlRL.Envs.MuJoCo.Rendering;

namespace ControlRL.Envs.MuJoCo.Tasks;

/// <summary>
/// Humanoid-v5: a 3D humanoid on a free joint. Observation (348) = qpos[2:] (22) ++ qvel (23) ++ cinert[1:]
/// (13 x 10) ++ cvel[1:] (13 x 6) ++ qfrc_actuator[6:] (17) ++ cfrc_ext[1:] (13 x 6); the world body's rows and
/// the free joint's actuator forces are left out (the v5 layout; v4 had 376 with the world rows and all 23).
/// Reward = forward_reward (1.25 * dx/dt of the mass-weighted centre of the bodies' xipos) + ctrl_cost
/// (-0.1 * sum(ctrl^2)) + contact_cost (-min(5e-7 * sum(cfrc_ext^2), 10)) + healthy_reward (5 while healthy).
/// Healthy: 1.0 &lt; torso z = qpos[2] &lt; 2.0; terminates when unhealthy. Reset: qpos0 + U(+-1e-2), qvel U(+-1e-2).
/// </summary>
public sealed class HumanoidEnv : MuJoCoEnv
{
    public const string EnvId = "Humanoid-v5";
    public const int ObservationSize = 348;
    public const double ForwardRewardWeight = 1.25;
    public const double CtrlCostWeight = 0.1;
    public const double ContactCostWeight = 5e-7;
    public const double ContactCostMax = 10.0;
    public const double HealthyRewardValue = 5.0;
    public const double HealthyZMin = 1.0;
    public const double HealthyZMax = 2.0;
    public const double ResetNoiseScale = 1e-2;
    public static readonly IReadOnlyList<string> RewardTermNames =
        ["forward_reward", "ctrl_cost", "contact_cost", "healthy_reward"];

    private readonly double _totalMass;
    private double _xBefore;

    public HumanoidEnv()
        : base(EnvId, "humanoid.xml", frameSkip: 5, ObservationSize, RewardTermNames, TaskNotes.Common)
    {
        RequireModel(nq: 24, nv: 23, nu: 17, nbody: 14);
        double total = 0;
        foreach (double m in Model.BodyMass) total += m;
        _totalMass = total;
    }

    /// <summary>Gymnasium's is_healthy for the current state.</summary>
    public bool IsHealthy
    {
        get
        {
            double z = Data.Qpos[2];
            return z > HealthyZMin && z < HealthyZMax;
        }
    }

    /// <summary>x of the centre of mass: sum(body_mass * xipos.x) / sum(body_mass) (Gymnasium's mass_center).</summary>
    public double CenterOfMassX
    {
        get
        {
            ReadOnlySpan<double> mass = Model.BodyMass;
            ReadOnlySpan<double> xipos = Data.Xipos;
            double sum = 0;
            for (int b = 0; b < mass.Length; b++) sum += mass[b] * xipos[3 * b];
            return sum / _totalMass;
        }
    }

    protected override void ResetModel(Rng rng, Span<double> qpos, Span<double> qvel)
    {
        ReadOnlySpan<double> q0 = InitQpos, v0 = InitQvel;
        for (int i = 0; i < qpos.Length; i++) qpos[i] = q0[i] + rng.Uniform(-ResetNoiseScale, ResetNoiseScale);
        for (int i = 0; i < qvel.Length; i++) qvel[i] = v0[i] + rng.Uniform(-ResetNoiseScale, ResetNoiseScale);
    }

    protected override void BeforeSimulation() => _xBefore = CenterOfMassX;

    protected override (double Reward, bool Terminated) AfterSimulation(
        ReadOnlySpan<float> action, Span<float> observation, Span<float> rewardTerms)
    {
        double forward = ForwardRewardWeight * (CenterOfMassX - _xBefore) / Dt;
        // Gymnasium v5 charges data.ctrl, which holds the (unclipped) action.
        double ctrlSum = 0;
        foreach (double c in Data.Ctrl) ctrlSum += c * c;
        double ctrl = -CtrlCostWeight * ctrlSum;
        double forceSum = 0;
        foreach (double f in Data.CfrcExt) forceSum += f * f;
        double contact = -Math.Min(ContactCostWeight * forceSum, ContactCostMax);
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
        n += Copy(Data.Cinert[10..], observation[n..]);
        n += Copy(Data.Cvel[6..], observation[n..]);
        n += Copy(Data.QfrcActuator[6..], observation[n..]);
        Copy(Data.CfrcExt[6..], observation[n..]);
    }

    /// <summary>DEFAULT_CAMERA_CONFIG of gymnasium/envs/mujoco/humanoid_v5.py (used by the free camera).</summary>
    public static readonly MuJoCoCameraConfig GymnasiumCameraConfig = new() { TrackBodyId = 1, Distance = 4.0, LookAt = (0.0, 0.0, 2.0), Elevation = -20.0 };

    public override MuJoCoCameraConfig DefaultCameraConfig => GymnasiumCameraConfig;
}
