using System.Globalization;
using ControlRL.Envs.MuJoCo.Rendering;
using ControlRL.Envs.MuJoCo.Tasks;
using ControlRL.Envs.MuJoCo.Tests.Reference;
using ControlRL.Envs.MuJoCo.Tests.Tasks;

namespace ControlRL.Envs.MuJoCo.Tests.Rendering;

/// <summary>
/// Frames against Reference/render_reference.c, an independent C transcription of Gymnasium's rgb_array path
/// (camera selection, free-camera pose, offscreen buffer, row flip) on the same libmujoco and OpenGL: the same
/// state must give the same bytes.
/// </summary>
public class RenderReferenceTests(RenderReference reference) : IClassFixture<RenderReference>
{
    public static IEnumerable<object[]> Cases =>
    [
        [HalfCheetahEnv.EnvId, "track"],        // the default: a fixed camera in trackcom mode
        [InvertedPendulumEnv.EnvId, "free"],    // the default where the model has no track camera
        [HopperEnv.EnvId, "free"],              // a free camera with lookat, distance and elevation set
    ];

    [RenderReferenceTheory]
    [MemberData(nameof(Cases))]
    public void FrameMatchesTheReferenceByteForByte(string id, string camera)
    {
        const int width = 64, height = 48;
        using MuJoCoEnv env = TaskTestSupport.MakeRaw(id);
        var obs = new float[env.Spec.ObservationSpace.FlatSize];
        env.Reset(obs, seed: 11);
        double[] qpos = env.Data.Qpos.ToArray(), qvel = env.Data.Qvel.ToArray();
        env.ResetToState(qpos, qvel, obs);
        env.Camera = camera;
        env.SetRenderSize(width, height);
        byte[] ours = RenderingTests.Frame(env);

        byte[] theirs = reference.Render(env.AssetPath, width, height, camera, qpos, qvel, Settings(env.FreeCameraConfig));
        Assert.Equal(ours.Length, theirs.Length);
        int differing = 0, worst = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            int diff = Math.Abs(ours[i] - theirs[i]);
            if (diff != 0) differing++;
            worst = Math.Max(worst, diff);
        }
        Assert.True(differing == 0, $"{id} from '{camera}': {differing} of {ours.Length} bytes differ (worst by {worst}).");
    }

    private static string[] Settings(MuJoCoCameraConfig c)
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var list = new List<string>();
        if (c.TrackBodyId is { } body) list.Add($"trackbodyid={body}");
        if (c.Distance is { } distance) list.Add($"distance={F(distance)}");
        if (c.Azimuth is { } azimuth) list.Add($"azimuth={F(azimuth)}");
        if (c.Elevation is { } elevation) list.Add($"elevation={F(elevation)}");
        if (c.LookAt is { } at) list.Add($"lookat={F(at.X)},{F(at.Y)},{F(at.Z)}");
        return list.ToArray();
    }
}
