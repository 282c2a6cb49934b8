using System.Runtime.InteropServices;
using ControlRL.Envs.MuJoCo.Native;
using R = ControlRL.Envs.MuJoCo.Native.MjLayout.Render;

namespace ControlRL.Envs.MuJoCo.Rendering;

/// <summary>
/// Offscreen RGB frames of one model/data pair, drawn the way Gymnasium's <c>OffScreenViewer</c> draws them
/// (gymnasium/envs/mujoco/mujoco_rendering.py): mjv_updateScene with default mjvOption/mjvPerturb and every
/// geom category, mjr_render into MuJoCo's offscreen framebuffer sized to the frame, mjr_readPixels, rows
/// flipped to top-first. Differences, for speed on software OpenGL: no multisampling, shadows or reflections.
/// </summary>
/// <remarks>
/// Nothing touches OpenGL before the first <see cref="Render"/>, which creates the EGL context and the
/// mjrContext; a size change remakes the mjrContext (MuJoCo allocates its offscreen buffer at the size in
/// <c>mjModel.vis.global.offwidth/offheight</c>, which are set for that call and then put back). Frames need
/// no allocation. Not thread-safe: one thread at a time, any thread.
/// </remarks>
internal sealed unsafe class MuJoCoRenderer : IDisposable
{
    /// <summary>Geoms the scene holds (Gymnasium's <c>max_geom</c> default).</summary>
    public const int MaxGeom = 1000;

    private readonly MjModel _model;
    private readonly MjData _data;
    private readonly byte* _scene;
    private readonly byte* _camera;
    private readonly byte* _option;
    private readonly byte* _perturb;
    private readonly byte* _context;
    private readonly double[] _medianScratch;
    private EglContext? _gl;
    private bool _sceneMade;
    private int _bufferWidth;
    private int _bufferHeight;
    private int _maxBufferSize;
    private byte[] _row = [];
    private int _fixedCameraId = -1;
    private MuJoCoCameraConfig _freeConfig = MuJoCoCameraConfig.None;
    private bool _cameraPending = true;
    private bool _disposed;

    public MuJoCoRenderer(MjModel model, MjData data)
    {
        _model = model;
        _data = data;
        _scene = Alloc(R.SizeOfScene);
        _camera = Alloc(R.SizeOfCamera);
        _option = Alloc(R.SizeOfOption);
        _perturb = Alloc(R.SizeOfPerturb);
        _context = Alloc(R.SizeOfContext);
        MjNative.mjv_defaultScene(_scene);
        MjNative.mjv_defaultCamera(_camera);
        MjNative.mjv_defaultOption(_option);
        MjNative.mjv_defaultPerturb(_perturb);
        MjNative.mjr_defaultContext(_context);
        _medianScratch = new double[model.Ngeom];
    }

    private static byte* Alloc(int size) => (byte*)NativeMemory.AllocZeroed((nuint)size);

    /// <summary>GL renderer, version and EGL version of the context; null before the first frame.</summary>
    public string? Backend { get; private set; }

    /// <summary>Size of the current offscreen buffer (0 x 0 before the first frame).</summary>
    public (int Width, int Height) BufferSize => (_bufferWidth, _bufferHeight);

    /// <summary>
    /// Chooses the camera for the next frames: a fixed camera of the model (id &gt;= 0), or the free camera
    /// (-1) posed from <paramref name="freeConfig"/> at the next frame, from the state of that frame.
    /// </summary>
    public void SelectCamera(int fixedCameraId, MuJoCoCameraConfig freeConfig)
    {
        int ncam = *(int*)(_model.Ptr + MjLayout.ModelInt.ncam);
        if (fixedCameraId < -1 || fixedCameraId >= ncam)
            throw new ArgumentOutOfRangeException(nameof(fixedCameraId), fixedCameraId, $"The model has {ncam} cameras.");
        _fixedCameraId = fixedCameraId;
        _freeConfig = freeConfig;
        _cameraPending = true;
    }

    /// <summary>Draws the data's current state into <paramref name="rgb"/> (height x width x 3, top row first).</summary>
    public void Render(int width, int height, Span<byte> rgb)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int stride = width * 3;
        if (rgb.Length < stride * height)
            throw new ArgumentException($"Frame buffer holds {rgb.Length} bytes, needs {stride * height}.", nameof(rgb));

        _gl ??= EglContext.Create();
        using EglContext.Scope current = _gl.Bind();
        EnsureBuffer(width, height);
        if (_cameraPending) PoseCamera();

        IntPtr m = _model.Handle;
        IntPtr d = _data.Handle;
        var viewport = new MjrRect(0, 0, width, height);
        MjNative.mjv_updateScene(m, d, _option, _perturb, _camera, R.mjCAT_ALL, _scene);
        MjNative.mjr_render(viewport, _scene, _context);
        fixed (byte* pixels = rgb)
        {
            MjNative.mjr_readPixels(pixels, null, viewport, _context);
        }
        FlipRows(rgb, stride, height);
    }

    private void EnsureBuffer(int width, int height)
    {
        if (width == _bufferWidth && height == _bufferHeight) return;
        IntPtr m = _model.Handle;
        if (!_sceneMade)
        {
            Backend = Egl.DescribeCurrentGl();
            _maxBufferSize = Egl.MaxBufferSize();
            MjNative.mjv_makeScene(m, _scene, MaxGeom);
            _sceneMade = true;
            _scene[R.SceneFlags + R.mjRND_SHADOW] = 0;
            _scene[R.SceneFlags + R.mjRND_REFLECTION] = 0;
        }
        if (width > _maxBufferSize || height > _maxBufferSize)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"{width} x {height}",
                $"This OpenGL ({Backend}) draws offscreen buffers of at most {_maxBufferSize} pixels per side.");
        }

        // mjr_makeContext copies the offscreen size and multisampling from mjModel.vis (as Gymnasium sets them in
        // mujoco_env.py, _initialize_simulation) and allocates a shadow map of vis.quality.shadowsize; shadows are
        // off, so none is made. The model's values are restored afterwards: they do not touch the simulation.
        byte* mp = _model.Ptr;
        int* offWidth = (int*)(mp + R.ModelOffWidth);
        int* offHeight = (int*)(mp + R.ModelOffHeight);
        int* offSamples = (int*)(mp + R.ModelOffSamples);
        int* shadowSize = (int*)(mp + R.ModelShadowSize);
        (int w0, int h0, int s0, int z0) = (*offWidth, *offHeight, *offSamples, *shadowSize);
        *offWidth = width;
        *offHeight = height;
        *offSamples = 0;
        *shadowSize = 0;
        try
        {
            // Frees the previous mjrContext first (MuJoCo 2.2.2, mjr_makeContext_offSize).
            MjNative.mjr_makeContext(m, _context, R.mjFONTSCALE_150);
        }
        finally
        {
            (*offWidth, *offHeight, *offSamples, *shadowSize) = (w0, h0, s0, z0);
        }
        MjNative.mjr_setBuffer(R.mjFB_OFFSCREEN, _context);
        if (*(int*)(_context + R.ContextCurrentBuffer) != R.mjFB_OFFSCREEN ||
            *(int*)(_context + R.ContextOffWidth) != width || *(int*)(_context + R.ContextOffHeight) != height)
        {
            throw new InvalidOperationException($"MuJoCo did not make a {width} x {height} offscreen buffer.");
        }
        _bufferWidth = width;
        _bufferHeight = height;
        if (_row.Length < width * 3) _row = new byte[width * 3];
    }

    // Gymnasium: OffScreenViewer._init_camera (FREE, lookat = per-axis median of geom_xpos, distance = extent),
    // then MujocoRenderer._set_cam_config (default_camera_config), then render() sets type and fixedcamid from
    // camera_id (-1: FREE; otherwise FIXED).
    private void PoseCamera()
    {
        byte* cam = _camera;
        MjNative.mjv_defaultCamera(cam);
        if (_fixedCameraId >= 0)
        {
            *(int*)(cam + R.CameraType) = R.mjCAMERA_FIXED;
            *(int*)(cam + R.CameraFixedCamId) = _fixedCameraId;
            _cameraPending = false;
            return;
        }

        *(int*)(cam + R.CameraType) = R.mjCAMERA_FREE;
        *(int*)(cam + R.CameraFixedCamId) = -1;
        var lookat = (double*)(cam + R.CameraLookAt);
        Span<double> geomXpos = MjLayout.DataArray.geom_xpos(_model.Ptr, (byte*)_data.Handle);
        for (int axis = 0; axis < 3; axis++) lookat[axis] = Median(geomXpos, axis);
        *(double*)(cam + R.CameraDistance) = *(double*)(_model.Ptr + R.ModelStatExtent);

        MuJoCoCameraConfig c = _freeConfig;
        if (c.TrackBodyId is { } body) *(int*)(cam + R.CameraTrackBodyId) = body;
        if (c.Distance is { } distance) *(double*)(cam + R.CameraDistance) = distance;
        if (c.LookAt is { } at) (lookat[0], lookat[1], lookat[2]) = at;
        if (c.Azimuth is { } azimuth) *(double*)(cam + R.CameraAzimuth) = azimuth;
        if (c.Elevation is { } elevation) *(double*)(cam + R.CameraElevation) = elevation;
        _cameraPending = false;
    }

    // numpy.median of one column of an n x 3 array: the middle value, or the mean of the two middle values.
    private double Median(ReadOnlySpan<double> xyz, int axis)
    {
        int n = _medianScratch.Length;
        if (n == 0) return 0;
        for (int i = 0; i < n; i++) _medianScratch[i] = xyz[3 * i + axis];
        Array.Sort(_medianScratch);
        return n % 2 == 1 ? _medianScratch[n / 2] : (_medianScratch[n / 2 - 1] + _medianScratch[n / 2]) / 2;
    }

    // OpenGL's rows start at the bottom; frames start at the top.
    private void FlipRows(Span<byte> rgb, int stride, int height)
    {
        Span<byte> row = _row.AsSpan(0, stride);
        for (int top = 0, bottom = height - 1; top < bottom; top++, bottom--)
        {
            Span<byte> a = rgb.Slice(top * stride, stride);
            Span<byte> b = rgb.Slice(bottom * stride, stride);
            a.CopyTo(row);
            b.CopyTo(a);
            row.CopyTo(b);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_gl is not null)
        {
            try
            {
                using EglContext.Scope current = _gl.Bind();
                if (_bufferWidth > 0) MjNative.mjr_freeContext(_context);
            }
            catch (InvalidOperationException)
            {
                // Current on another thread: the GL objects go with the context below.
            }
            _gl.Dispose();
        }
        if (_sceneMade) MjNative.mjv_freeScene(_scene);
        NativeMemory.Free(_scene);
        NativeMemory.Free(_camera);
        NativeMemory.Free(_option);
        NativeMemory.Free(_perturb);
        NativeMemory.Free(_context);
    }
}
