using ControlRL.Envs.MuJoCo.Rendering;

namespace ControlRL.Envs.MuJoCo.Tasks;

/// <summary>
/// Hopper-v5: a one-legged planar hopper. Observation (11) = qpos[1:] (5) ++ clip(qvel, -10, 10) (6); reward,
/// reset and termination as <see cref="PlanarWalkerEnv"/>. Healthy: every value of (qpos, qvel)[2:] in
/// (-100, 100), z = qpos[1] > 0.7 and |angle = qpos[2]| &lt; 0.2.
/// </summary>
public sealed class HopperEnv : PlanarWalkerEnv
{
    public const string EnvId = "Hopper-v5";
    public const int ObservationSize = 11;
    public const double HealthyStateLimit = 100.0;
    public const double HealthyZMin = 0.7;
    public const double HealthyAngleLimit = 0.2;

    public HopperEnv()
        : base(EnvId, "hopper.xml", ObservationSize)
    {
        RequireModel(nq: 6, nv: 6, nu: 3, nbody: 5);
    }

    public override bool IsHealthy
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

    /// <summary>DEFAULT_CAMERA_CONFIG of gymnasium/envs/mujoco/hopper_v5.py (used by the free camera).</summary>
    public static readonly MuJoCoCameraConfig GymnasiumCameraConfig = new() { TrackBodyId = 2, Distance = 3.0, LookAt = (0.0, 0.0, 1.15), Elevation = -20.0 };

    public override MuJoCoCameraConfig DefaultCameraConfig => GymnasiumCameraConfig;
}
