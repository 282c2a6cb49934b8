using ControlRL.Envs.MuJoCo.Rendering;

namespace ControlRL.Envs.MuJoCo.Tasks;

/// <summary>
/// Walker2d-v5: a planar biped. Observation (17) = qpos[1:] (8) ++ clip(qvel, -10, 10) (9); reward, reset and
/// termination as <see cref="PlanarWalkerEnv"/>. Healthy: 0.8 &lt; z = qpos[1] &lt; 2.0 and -1 &lt; angle = qpos[2] &lt; 1.
/// </summary>
public sealed class Walker2dEnv : PlanarWalkerEnv
{
    public const string EnvId = "Walker2d-v5";
    public const int ObservationSize = 17;
    public const double HealthyZMin = 0.8;
    public const double HealthyZMax = 2.0;
    public const double HealthyAngleLimit = 1.0;

    public Walker2dEnv()
        : base(EnvId, "walker2d.xml", ObservationSize)
    {
        RequireModel(nq: 9, nv: 9, nu: 6, nbody: 8);
    }

    public override bool IsHealthy
    {
        get
        {
            double z = Data.Qpos[1], angle = Data.Qpos[2];
            return z > HealthyZMin && z < HealthyZMax && angle > -HealthyAngleLimit && angle < HealthyAngleLimit;
        }
    }

    /// <summary>DEFAULT_CAMERA_CONFIG of gymnasium/envs/mujoco/walker2d_v5.py (used by the free camera).</summary>
    public static readonly MuJoCoCameraConfig GymnasiumCameraConfig = new() { TrackBodyId = 2, Distance = 4.0, LookAt = (0.0, 0.0, 1.15), Elevation = -20.0 };

    public override MuJoCoCameraConfig DefaultCameraConfig => GymnasiumCameraConfig;
}
