namespace ControlRL.Envs.MuJoCo.Rendering;

/// <summary>
/// Pose of the free camera (mjvCamera fields), Gymnasium's <c>default_camera_config</c>: each value that is set
/// replaces what the free camera starts with (lookat = per-axis median of the geom positions, distance = the
/// model's extent, azimuth 90, elevation -45; gymnasium/envs/mujoco/mujoco_rendering.py,
/// <c>OffScreenViewer._init_camera</c> and <c>MujocoRenderer._set_cam_config</c>).
/// </summary>
public sealed record MuJoCoCameraConfig
{
    /// <summary>No overrides: the free camera as <c>_init_camera</c> leaves it.</summary>
    public static MuJoCoCameraConfig None { get; } = new();

    /// <summary>
    /// mjvCamera.trackbodyid. Kept for fidelity with the Gymnasium configs, but inert: Gymnasium renders with a
    /// FREE (never a TRACKING) camera, and MuJoCo reads trackbodyid only for TRACKING cameras.
    /// </summary>
    public int? TrackBodyId { get; init; }

    /// <summary>Distance from the look-at point (m).</summary>
    public double? Distance { get; init; }

    /// <summary>The point the camera looks at (world frame, m).</summary>
    public (double X, double Y, double Z)? LookAt { get; init; }

    /// <summary>Azimuth in degrees (90 looks along +y).</summary>
    public double? Azimuth { get; init; }

    /// <summary>Elevation in degrees (negative looks down).</summary>
    public double? Elevation { get; init; }
}
