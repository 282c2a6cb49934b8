using ControlRL.Core.Envs;
using ControlRL.Envs.MuJoCo.Native;
using ControlRL.Envs.MuJoCo.Rendering;

namespace ControlRL.Envs.MuJoCo;

/// <summary>
/// Offscreen RGB frames (Gymnasium's <c>render_mode="rgb_array"</c>), with Gymnasium v5's default size and
/// cameras: 480 x 480 from the model's <c>track</c> camera when it has one, otherwise from the free camera posed
/// by the task's <c>DEFAULT_CAMERA_CONFIG</c> (gymnasium/envs/mujoco/mujoco_env.py and mujoco_rendering.py).
/// OpenGL (EGL, headless) is loaded by the first <see cref="Render"/> only, so training never touches it.
/// </summary>
public abstract partial class MuJoCoEnv : IRenderable
{
    /// <summary>Gymnasium's default frame width and height (mujoco_env.py, <c>DEFAULT_SIZE</c>).</summary>
    public const int DefaultRenderSize = 480;

    /// <summary>Largest frame side accepted by <see cref="SetRenderSize"/>.</summary>
    public const int MaxRenderSize = 4096;

    /// <summary>Camera name of the free camera (Gymnasium's <c>camera_id=-1</c>).</summary>
    public const string FreeCamera = "free";

    /// <summary>The camera Gymnasium renders from when none is named (mujoco_rendering.py, MujocoRenderer).</summary>
    public const string DefaultCameraName = "track";

    private int _renderWidth = DefaultRenderSize;
    private int _renderHeight = DefaultRenderSize;
    private string? _camera;
    private int _cameraId = -1;
    private MuJoCoCameraConfig? _freeCameraConfig;
    private string[]? _cameraNames;
    private MuJoCoRenderer? _renderer;

    public int RenderWidth => _renderWidth;

    public int RenderHeight => _renderHeight;

    /// <summary>Bytes of one frame: <see cref="RenderHeight"/> x <see cref="RenderWidth"/> x 3.</summary>
    public int FrameBytes => _renderWidth * _renderHeight * 3;

    public void SetRenderSize(int width, int height)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxRenderSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxRenderSize);
        _renderWidth = width;
        _renderHeight = height;
    }

    /// <summary>
    /// The names <see cref="Camera"/> accepts: the model's named cameras in id order, then <see cref="FreeCamera"/>.
    /// </summary>
    public IReadOnlyList<string> CameraNames => _cameraNames ??= ListCameras();

    /// <summary>
    /// The camera frames are drawn from: a camera of the model by name (a FIXED camera, following the body it is
    /// attached to in the way its MJCF <c>mode</c> says, e.g. <c>trackcom</c>), or <see cref="FreeCamera"/>.
    /// Defaults as Gymnasium v5: <c>track</c> when the model has it, otherwise the free camera.
    /// </summary>
    /// <exception cref="ArgumentException">The model has no camera of that name.</exception>
    public string Camera
    {
        get
        {
            if (_camera is null) SelectCamera(CameraNames.Contains(DefaultCameraName) ? DefaultCameraName : FreeCamera);
            return _camera!;
        }
        set
        {
            ThrowIfDisposed();
            ArgumentNullException.ThrowIfNull(value);
            SelectCamera(value);
        }
    }

    /// <summary>
    /// The free camera's pose overrides (Gymnasium's <c>default_camera_config</c>); starts as
    /// <see cref="DefaultCameraConfig"/>. Applied when the free camera is next posed: at the next frame after a
    /// change of camera or config (Gymnasium poses it once, when its renderer is made at the first frame).
    /// </summary>
    public MuJoCoCameraConfig FreeCameraConfig
    {
        get => _freeCameraConfig ??= DefaultCameraConfig;
        set
        {
            ThrowIfDisposed();
            ArgumentNullException.ThrowIfNull(value);
            _freeCameraConfig = value;
            _renderer?.SelectCamera(_cameraId, value);
        }
    }

    /// <summary>The task's <c>DEFAULT_CAMERA_CONFIG</c> in Gymnasium's *_v5.py.</summary>
    public virtual MuJoCoCameraConfig DefaultCameraConfig => MuJoCoCameraConfig.None;

    /// <summary>The OpenGL behind the frames (renderer, version, EGL version); null before the first frame.</summary>
    public string? RenderBackend => _renderer?.Backend;

    /// <summary>
    /// Draws the state after the last Reset/Step into <paramref name="rgb"/> (<see cref="FrameBytes"/> bytes, RGB,
    /// top row first). The first call creates the EGL context and MuJoCo's render context (tens to hundreds of
    /// ms); later frames reuse them and allocate nothing. Call between steps, from one thread at a time.
    /// </summary>
    /// <exception cref="RenderingUnavailableException">EGL/OpenGL cannot be initialised on this machine.</exception>
    public void Render(Span<byte> rgb)
    {
        ThrowIfDisposed();
        if (!_hasState) throw new InvalidOperationException($"{Id}: Render called before Reset.");
        RequireLength(rgb.Length, FrameBytes, "frame");
        if (_renderer is null)
        {
            _ = Camera; // resolves the default camera
            var renderer = new MuJoCoRenderer(Model, Data);
            renderer.SelectCamera(_cameraId, FreeCameraConfig);
            _renderer = renderer;
        }
        _renderer.Render(_renderWidth, _renderHeight, rgb);
    }

    private void SelectCamera(string name)
    {
        int id;
        if (name == FreeCamera)
        {
            id = -1;
        }
        else
        {
            id = Model.Name2Id(MjObj.Camera, name);
            if (id < 0)
            {
                throw new ArgumentException(
                    $"{Id}: the model has no camera named '{name}'; cameras: {string.Join(", ", CameraNames)}.", nameof(name));
            }
        }
        _camera = name;
        _cameraId = id;
        _renderer?.SelectCamera(id, FreeCameraConfig);
    }

    private string[] ListCameras()
    {
        int ncam = ModelCameraCount;
        var names = new List<string>(ncam + 1);
        for (int i = 0; i < ncam; i++)
        {
            if (Model.Id2Name(MjObj.Camera, i) is { Length: > 0 } name && name != FreeCamera) names.Add(name);
        }
        names.Add(FreeCamera);
        return names.ToArray();
    }

    private unsafe int ModelCameraCount => *(int*)(Model.Ptr + MjLayout.ModelInt.ncam);

    private void DisposeRenderer()
    {
        _renderer?.Dispose();
        _renderer = null;
    }
}
