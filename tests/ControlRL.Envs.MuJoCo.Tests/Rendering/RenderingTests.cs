using ControlRL.Core.Random;
using ControlRL.Core.Spaces;
using ControlRL.Envs.MuJoCo.Native;
using ControlRL.Envs.MuJoCo.Rendering;
using ControlRL.Envs.MuJoCo.Tasks;
using ControlRL.Envs.MuJoCo.Tests.Tasks;

namespace ControlRL.Envs.MuJoCo.Tests.Rendering;

public class RenderingTests
{
    /// <summary>
    /// Flat colours with no lighting (headlight off, no lights, emission 1): blue sky, green floor, a red ball
    /// above the horizon in the middle and a yellow box on the horizon to the right, seen by a level camera at the
    /// horizon's height.
    /// </summary>
    private const string KnownScene = """
        <mujoco model="known_scene">
          <visual><headlight ambient="0 0 0" diffuse="0 0 0" specular="0 0 0"/></visual>
          <asset>
            <texture name="sky" type="skybox" builtin="flat" rgb1="0 0 1" rgb2="0 0 1" width="8" height="8"/>
            <material name="glow" emission="1" specular="0" shininess="0"/>
          </asset>
          <worldbody>
            <geom name="floor" type="plane" size="50 50 0.1" rgba="0 1 0 1" material="glow"/>
            <geom name="ball" type="sphere" pos="0 0 1" size="0.3" rgba="1 0 0 1" material="glow"/>
            <geom name="marker" type="box" pos="1.5 0 0.5" size="0.2 0.2 0.2" rgba="1 1 0 1" material="glow"/>
            <camera name="front" pos="0 -5 0.5" xyaxes="1 0 0 0 0 1"/>
          </worldbody>
        </mujoco>
        """;

    private static readonly (byte, byte, byte) Blue = (0, 0, 255), Green = (0, 255, 0), Red = (255, 0, 0), Yellow = (255, 255, 0);

    [RenderFact]
    public void KnownSceneHasItsColoursAtTheirPixelsTopRowFirst()
    {
        using MjModel model = MjModel.FromXmlString(KnownScene);
        using var data = new MjData(model);
        data.Forward();
        using var renderer = new MuJoCoRenderer(model, data);
        renderer.SelectCamera(model.Name2Id(MjObj.Camera, "front"), MuJoCoCameraConfig.None);
        const int w = 64, h = 48;
        var rgb = new byte[w * h * 3];
        renderer.Render(w, h, rgb);

        // MJCF cameras default to fovy 45: at 5 m the 48 rows span 2 * 5 * tan(22.5 deg) = 4.14 m, 11.6 px/m, with
        // the horizon (the camera's height) between rows 23 and 24 and x = 0 between columns 31 and 32.
        for (int y = 0; y <= 12; y++)
            for (int x = 0; x < w; x++) AssertColour(Blue, rgb, w, x, y);
        for (int y = 30; y < h; y++)
            for (int x = 0; x < w; x++) AssertColour(Green, rgb, w, x, y);
        AssertColour(Red, rgb, w, 32, 18);     // the ball, 0.5 m above the horizon: 5.8 rows above it
        AssertColour(Blue, rgb, w, 32, 10);    // above the ball
        AssertColour(Green, rgb, w, 32, 27);   // below the ball
        AssertColour(Yellow, rgb, w, 49, 23);  // the box, 1.5 m to the right: 17.4 columns right of the middle
        AssertColour(Blue, rgb, w, 14, 23);    // its mirror image is sky: left and right are not swapped
    }

    [RenderFact]
    public void HalfCheetahFrameHasSkyAtTheTopFloorAtTheBottomAndTheCheetahBetween()
    {
        using MuJoCoEnv env = TaskTestSupport.MakeRaw(HalfCheetahEnv.EnvId);
        ResetToReference(env);
        const int w = 64, h = 48;
        env.SetRenderSize(w, h);
        var rgb = new byte[env.FrameBytes];
        env.Render(rgb);

        for (int x = 0; x < w; x++)
        {
            var (r, g, b) = RenderSupport.Pixel(rgb, w, x, 0);
            Assert.True(r == g && g == b && r > 128, $"top row pixel {x} is ({r}, {g}, {b}), not the grey sky");
            (r, g, b) = RenderSupport.Pixel(rgb, w, x, h - 1);
            Assert.True(g >= r && g >= b, $"bottom row pixel {x} is ({r}, {g}, {b}), not the green-grey floor");
        }
        // The torso (material rgba 0.8 0.6 0.4, lit) is brown: R > G > B.
        static bool IsBody((byte R, byte G, byte B) p) => p.R > p.G + 10 && p.G > p.B + 10;
        Assert.DoesNotContain(Enumerable.Range(0, h / 4 * w), i => IsBody(RenderSupport.Pixel(rgb, w, i % w, i / w)));
        Assert.Contains(Enumerable.Range(h / 3 * w, h / 3 * w), i => IsBody(RenderSupport.Pixel(rgb, w, i % w, i / w)));
    }

    [RenderFact]
    public void SameStateGivesTheSameBytesInOneEnvAndAcrossEnvs()
    {
        using MuJoCoEnv first = TaskTestSupport.MakeRaw(HopperEnv.EnvId);
        using MuJoCoEnv second = TaskTestSupport.MakeRaw(HopperEnv.EnvId);
        Rollout(first, seed: 3, steps: 5);
        Rollout(second, seed: 3, steps: 5);
        first.SetRenderSize(48, 32);
        second.SetRenderSize(48, 32);

        byte[] a = Frame(first), b = Frame(first), c = Frame(second);
        Assert.Equal(a, b);
        Assert.Equal(a, c);
        Rollout(second, seed: 4, steps: 5);
        Assert.NotEqual(a, Frame(second));
    }

    [RenderFact]
    public void RenderingChangesNoStateAndTheNextStepsAreIdentical()
    {
        using MuJoCoEnv rendered = TaskTestSupport.MakeRaw(AntEnv.EnvId);
        using MuJoCoEnv plain = TaskTestSupport.MakeRaw(AntEnv.EnvId);
        var rng = new Rng(7);
        var (obs, act, terms) = TaskTestSupport.Buffers(rendered);
        var (obs2, _, terms2) = TaskTestSupport.Buffers(plain);
        rendered.Reset(obs, 5);
        plain.Reset(obs2, 5);
        for (int t = 0; t < 3; t++)
        {
            TaskTestSupport.Sample(rng, (Box)rendered.Spec.ActionSpace, act);
            rendered.Step(act, obs, terms);
            plain.Step(act, obs2, terms2);
        }

        StateSnapshot before = StateSnapshot.Of(rendered);
        rendered.SetRenderSize(40, 30);
        var frame = new byte[rendered.FrameBytes];
        rendered.Render(frame);
        rendered.Camera = MuJoCoEnv.FreeCamera;
        rendered.Render(frame);
        rendered.SetRenderSize(30, 20);
        rendered.Render(frame);
        StateSnapshot.Of(rendered).AssertEqual(before);

        for (int t = 0; t < 20; t++)
        {
            TaskTestSupport.Sample(rng, (Box)rendered.Spec.ActionSpace, act);
            var r1 = rendered.Step(act, obs, terms);
            var r2 = plain.Step(act, obs2, terms2);
            Assert.Equal(obs2, obs);
            Assert.Equal(terms2, terms);
            Assert.Equal(r2, r1);
            if (t % 5 == 0) rendered.Render(frame);
        }
    }

    [RenderFact]
    public void SizeChangesTakeEffectAtTheNextFrame()
    {
        using MuJoCoEnv env = TaskTestSupport.MakeRaw(InvertedPendulumEnv.EnvId);
        ResetToReference(env);
        Assert.Equal((480, 480, 480 * 480 * 3), (env.RenderWidth, env.RenderHeight, env.FrameBytes));

        env.SetRenderSize(40, 30);
        byte[] wide = Frame(env);
        Assert.Equal(40 * 30 * 3, wide.Length);
        env.SetRenderSize(30, 40);
        Assert.Equal((30, 40), (env.RenderWidth, env.RenderHeight));
        byte[] tall = Frame(env);
        Assert.Equal(30 * 40 * 3, tall.Length);
        Assert.NotEqual(wide, tall);
        env.SetRenderSize(40, 30);
        Assert.Equal(wide, Frame(env));
    }

    [Fact]
    public void BadSizesBuffersAndCamerasAreRefused()
    {
        using MuJoCoEnv env = TaskTestSupport.MakeRaw(HalfCheetahEnv.EnvId);
        env.SetRenderSize(32, 24);
        foreach (var (w, h) in new[] { (0, 10), (10, 0), (-3, 10), (MuJoCoEnv.MaxRenderSize + 1, 10), (10, MuJoCoEnv.MaxRenderSize + 1) })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => env.SetRenderSize(w, h));
            Assert.Equal((32, 24), (env.RenderWidth, env.RenderHeight));
        }
        env.SetRenderSize(MuJoCoEnv.MaxRenderSize, 1);

        env.SetRenderSize(32, 24);
        var frame = new byte[env.FrameBytes];
        Assert.Throws<InvalidOperationException>(() => env.Render(frame)); // before Reset
        ResetToReference(env);
        Assert.Throws<ArgumentException>(() => env.Render(new byte[env.FrameBytes - 1]));

        var e = Assert.Throws<ArgumentException>(() => env.Camera = "overhead");
        Assert.Contains("track, free", e.Message);
        Assert.Equal("track", env.Camera);

        env.Dispose();
        Assert.Throws<ObjectDisposedException>(() => env.Render(frame));
        Assert.Throws<ObjectDisposedException>(() => env.SetRenderSize(8, 8));
    }

    public static IEnumerable<object[]> Cameras =>
    [
        [HalfCheetahEnv.EnvId, "track", new[] { "track", "free" }],
        [HopperEnv.EnvId, "track", new[] { "track", "free" }],
        [Walker2dEnv.EnvId, "track", new[] { "track", "free" }],
        [AntEnv.EnvId, "track", new[] { "track", "free" }],
        [HumanoidEnv.EnvId, "track", new[] { "track", "right_hand", "free" }],
        [InvertedPendulumEnv.EnvId, "free", new[] { "free" }],
    ];

    [Theory]
    [MemberData(nameof(Cameras))]
    public void DefaultCameraIsGymnasiumsTrackCameraOrTheFreeCamera(string id, string camera, string[] names)
    {
        using MuJoCoEnv env = TaskTestSupport.MakeRaw(id);
        Assert.Equal(camera, env.Camera);
        Assert.Equal(names, env.CameraNames);
        Assert.Null(env.RenderBackend); // nothing rendered: no OpenGL
    }

    [Fact]
    public void FreeCameraConfigsAreGymnasiumsDefaultCameraConfigs()
    {
        // DEFAULT_CAMERA_CONFIG of gymnasium/envs/mujoco/*_v5.py.
        var expected = new Dictionary<string, MuJoCoCameraConfig>
        {
            [HalfCheetahEnv.EnvId] = new() { Distance = 4.0 },
            [HopperEnv.EnvId] = new() { TrackBodyId = 2, Distance = 3.0, LookAt = (0, 0, 1.15), Elevation = -20 },
            [Walker2dEnv.EnvId] = new() { TrackBodyId = 2, Distance = 4.0, LookAt = (0, 0, 1.15), Elevation = -20 },
            [AntEnv.EnvId] = new() { Distance = 4.0 },
            [HumanoidEnv.EnvId] = new() { TrackBodyId = 1, Distance = 4.0, LookAt = (0, 0, 2.0), Elevation = -20 },
            [InvertedPendulumEnv.EnvId] = new() { TrackBodyId = 0, Distance = 2.04 },
        };
        foreach (var (id, config) in expected)
        {
            using MuJoCoEnv env = TaskTestSupport.MakeRaw(id);
            Assert.Equal(config, env.DefaultCameraConfig);
            Assert.Equal(config, env.FreeCameraConfig);
        }
    }

    [RenderFact]
    public void CameraAndFreeCameraConfigChangeTheFrame()
    {
        using MuJoCoEnv env = TaskTestSupport.MakeRaw(Walker2dEnv.EnvId);
        ResetToReference(env);
        env.SetRenderSize(32, 32);
        byte[] track = Frame(env);
        env.Camera = MuJoCoEnv.FreeCamera;
        byte[] free = Frame(env);
        Assert.NotEqual(track, free);
        env.FreeCameraConfig = env.DefaultCameraConfig with { Distance = 9 };
        Assert.NotEqual(free, Frame(env));
        env.FreeCameraConfig = env.DefaultCameraConfig;
        Assert.Equal(free, Frame(env));
        env.Camera = "track";
        Assert.Equal(track, Frame(env));
    }

    [RenderFact]
    public void FramesAfterTheFirstAllocateNothing()
    {
        using MuJoCoEnv env = TaskTestSupport.MakeRaw(HalfCheetahEnv.EnvId);
        ResetToReference(env);
        env.SetRenderSize(32, 24);
        var frame = new byte[env.FrameBytes];
        env.Render(frame);
        env.Render(frame);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) env.Render(frame);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [RenderFact]
    public void FramesAreTheSameFromAnyThreadAndEnvsInterleaveOnOneThread()
    {
        using MuJoCoEnv cheetah = TaskTestSupport.MakeRaw(HalfCheetahEnv.EnvId);
        using MuJoCoEnv hopper = TaskTestSupport.MakeRaw(HopperEnv.EnvId);
        ResetToReference(cheetah);
        ResetToReference(hopper);
        cheetah.SetRenderSize(32, 24);
        hopper.SetRenderSize(32, 24);

        byte[] here = Frame(cheetah);
        byte[]? there = null;
        var worker = new Thread(() => there = Frame(cheetah));
        worker.Start();
        worker.Join();
        Assert.Equal(here, there);

        byte[] hop = Frame(hopper);
        Assert.NotEqual(here, hop);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(here, Frame(cheetah));
            Assert.Equal(hop, Frame(hopper));
        }
    }

    /// <summary>Qpos0 and rest, as the C reference sets them.</summary>
    internal static void ResetToReference(MuJoCoEnv env)
    {
        var obs = new float[env.Spec.ObservationSpace.FlatSize];
        env.ResetToState(env.Model.Qpos0.ToArray(), new double[env.Model.Nv], obs);
    }

    private static void Rollout(MuJoCoEnv env, ulong seed, int steps)
    {
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        var rng = new Rng(seed);
        env.Reset(obs, seed);
        for (int t = 0; t < steps; t++)
        {
            TaskTestSupport.Sample(rng, (Box)env.Spec.ActionSpace, act);
            env.Step(act, obs, terms);
        }
    }

    internal static byte[] Frame(MuJoCoEnv env)
    {
        var rgb = new byte[env.FrameBytes];
        env.Render(rgb);
        return rgb;
    }

    private static void AssertColour((byte R, byte G, byte B) expected, byte[] rgb, int width, int x, int y)
    {
        var actual = RenderSupport.Pixel(rgb, width, x, y);
        const int tolerance = 8;
        bool close = Math.Abs(actual.R - expected.R) <= tolerance && Math.Abs(actual.G - expected.G) <= tolerance &&
                     Math.Abs(actual.B - expected.B) <= tolerance;
        Assert.True(close, $"pixel ({x}, {y}) is {actual}, expected {expected}");
    }

    /// <summary>Everything a frame could disturb: the simulation state and the model's render settings.</summary>
    private sealed unsafe record StateSnapshot(double[] Qpos, double[] Qvel, double[] Act, double[] Ctrl, double[] Qacc,
        double[] Xpos, double Time, int[] ModelVis)
    {
        public static StateSnapshot Of(MuJoCoEnv env)
        {
            byte* m = (byte*)env.Model.Handle;
            int[] vis =
            [
                *(int*)(m + MjLayout.Render.ModelOffWidth), *(int*)(m + MjLayout.Render.ModelOffHeight),
                *(int*)(m + MjLayout.Render.ModelOffSamples), *(int*)(m + MjLayout.Render.ModelShadowSize),
            ];
            MjData d = env.Data;
            return new(d.Qpos.ToArray(), d.Qvel.ToArray(), d.Act.ToArray(), d.Ctrl.ToArray(), d.Qacc.ToArray(),
                d.Xpos.ToArray(), d.Time, vis);
        }

        public void AssertEqual(StateSnapshot other)
        {
            Assert.Equal(other.Qpos, Qpos);
            Assert.Equal(other.Qvel, Qvel);
            Assert.Equal(other.Act, Act);
            Assert.Equal(other.Ctrl, Ctrl);
            Assert.Equal(other.Qacc, Qacc);
            Assert.Equal(other.Xpos, Xpos);
            Assert.Equal(other.Time, Time);
            Assert.Equal(other.ModelVis, ModelVis);
        }
    }
}

public class RenderLayoutTests
{
    [Fact]
    public void MjrRectPassedByValueHasTheGeneratedLayout()
    {
        Assert.Equal(MjLayout.Render.SizeOfRect, System.Runtime.CompilerServices.Unsafe.SizeOf<MjrRect>());
        Assert.Equal(MjLayout.Render.RectLeft, (int)System.Runtime.InteropServices.Marshal.OffsetOf<MjrRect>(nameof(MjrRect.Left)));
        Assert.Equal(MjLayout.Render.RectBottom, (int)System.Runtime.InteropServices.Marshal.OffsetOf<MjrRect>(nameof(MjrRect.Bottom)));
        Assert.Equal(MjLayout.Render.RectWidth, (int)System.Runtime.InteropServices.Marshal.OffsetOf<MjrRect>(nameof(MjrRect.Width)));
        Assert.Equal(MjLayout.Render.RectHeight, (int)System.Runtime.InteropServices.Marshal.OffsetOf<MjrRect>(nameof(MjrRect.Height)));
    }

    [Fact]
    public void MissingLibEglIsReportedWithThePackagesToInstall()
    {
        string? failure = Egl.LoadLibrary(["libEGL-missing.so.9"], out IntPtr handle);
        Assert.Equal(IntPtr.Zero, handle);
        Assert.NotNull(failure);
        Assert.Contains("libEGL-missing.so.9", failure);
        Assert.Contains("libegl1 libegl-mesa0 libgl1-mesa-dri", failure);
    }
}
