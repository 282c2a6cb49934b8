using System.Runtime.InteropServices;

namespace ControlRL.Envs.MuJoCo.Rendering;

/// <summary>
/// Headless OpenGL through EGL (Khronos EGL 1.5 with EGL_MESA_platform_surfaceless): one display for the
/// process, initialised on first use and kept until exit; contexts are made by <see cref="EglContext"/>.
/// libEGL.so.1 is the only GL library this process loads: MuJoCo's loader finds it among the loaded libraries
/// and resolves every GL function through its eglGetProcAddress (MuJoCo 2.2.2, src/render/glad/glad.c,
/// mjGlad_open_gl). Entry points are taken with dlsym, so nothing is bound before the first render.
/// </summary>
internal static unsafe class Egl
{
    /// <summary>Debian packages that give a headless (software, llvmpipe) OpenGL through EGL.</summary>
    public const string Packages = "libegl1 libegl-mesa0 libgl1-mesa-dri";

    private static readonly string[] Candidates = ["libEGL.so.1", "libEGL.so"];

    // EGL constants (EGL/egl.h, EGL/eglext.h).
    private const int EGL_SUCCESS = 0x3000;
    private const int EGL_NONE = 0x3038;
    private const int EGL_RED_SIZE = 0x3024;
    private const int EGL_GREEN_SIZE = 0x3023;
    private const int EGL_BLUE_SIZE = 0x3022;
    private const int EGL_ALPHA_SIZE = 0x3021;
    private const int EGL_DEPTH_SIZE = 0x3025;
    private const int EGL_STENCIL_SIZE = 0x3026;
    private const int EGL_SURFACE_TYPE = 0x3033;
    private const int EGL_PBUFFER_BIT = 0x0001;
    private const int EGL_RENDERABLE_TYPE = 0x3040;
    private const int EGL_OPENGL_BIT = 0x0008;
    private const int EGL_VENDOR = 0x3053;
    private const int EGL_VERSION = 0x3054;
    private const int EGL_EXTENSIONS = 0x3055;
    private const int EGL_DRAW = 0x3059;
    private const int EGL_READ = 0x305A;
    public const int EGL_OPENGL_API = 0x30A2;
    private const int EGL_PLATFORM_SURFACELESS_MESA = 0x31DD;
    private const int EGL_PLATFORM_DEVICE_EXT = 0x313F;
    private const int EGL_COLOR_BUFFER_TYPE = 0x303F;
    private const int EGL_RGB_BUFFER = 0x308E;

    // GL constants (GL/gl.h, GL/glext.h).
    private const int GL_VENDOR = 0x1F00;
    private const int GL_RENDERER = 0x1F01;
    private const int GL_VERSION = 0x1F02;
    private const int GL_MAX_RENDERBUFFER_SIZE = 0x84E8;
    private const int GL_MAX_VIEWPORT_DIMS = 0x0D3A;

    private static readonly object Gate = new();
    private static bool s_tried;
    private static string? s_failure;
    private static IntPtr s_display;
    private static IntPtr s_config;

    internal static delegate* unmanaged[Cdecl]<byte*, IntPtr> GetProcAddress;
    private static delegate* unmanaged[Cdecl]<IntPtr, IntPtr> s_getDisplay;
    private static delegate* unmanaged[Cdecl]<IntPtr, int*, int*, int> s_initialize;
    private static delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr*, int, int*, int> s_chooseConfig;
    internal static delegate* unmanaged[Cdecl]<int, int> BindApi;
    internal static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, int*, IntPtr> CreateContext;
    internal static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int> DestroyContext;
    internal static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, IntPtr, int> MakeCurrent;
    internal static delegate* unmanaged[Cdecl]<IntPtr> GetCurrentContext;
    internal static delegate* unmanaged[Cdecl]<IntPtr> GetCurrentDisplay;
    internal static delegate* unmanaged[Cdecl]<int, IntPtr> GetCurrentSurface;
    internal static delegate* unmanaged[Cdecl]<int> GetError;
    private static delegate* unmanaged[Cdecl]<IntPtr, int, byte*> s_queryString;

    private static delegate* unmanaged[Cdecl]<int, byte*> s_glGetString;
    private static delegate* unmanaged[Cdecl]<int, int*, void> s_glGetIntegerv;

    public static IntPtr Display => s_display;
    public static IntPtr Config => s_config;

    /// <summary>Loads libEGL and initialises the display once; throws the same explanation on every later call.</summary>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (!s_tried)
            {
                s_tried = true;
                s_failure = Initialize();
            }
            if (s_failure is not null) throw new RenderingUnavailableException(s_failure);
        }
    }

    /// <summary>Loads the first of <paramref name="candidates"/>; on failure returns why, naming the packages.</summary>
    internal static string? LoadLibrary(IReadOnlyList<string> candidates, out IntPtr lib)
    {
        var loadErrors = new List<string>();
        foreach (string name in candidates)
        {
            try
            {
                lib = NativeLibrary.Load(name);
                PromoteToGlobalScope(name);
                return null;
            }
            catch (DllNotFoundException e)
            {
                loadErrors.Add(e.Message);
            }
        }
        lib = IntPtr.Zero;
        return $"MuJoCo offscreen rendering needs EGL, but {string.Join(" / ", candidates)} could not be loaded " +
               $"({string.Join("; ", loadErrors)}). Install the Debian packages {Packages} (tools/setup.sh does).";
    }

    // MuJoCo's loader first looks for eglGetProcAddress in the global scope and only then walks the loaded
    // libraries for the first GL platform one (glad.c, mjGlad_open_gl). NativeLibrary loads with RTLD_LOCAL;
    // reopening with RTLD_NOLOAD | RTLD_GLOBAL makes libEGL's symbols global, so MuJoCo takes EGL even if some
    // other component has loaded a GLX library. Best effort: without it the walk finds libEGL anyway.
    private static void PromoteToGlobalScope(string name)
    {
        const int RTLD_NOW = 0x2, RTLD_NOLOAD = 0x4, RTLD_GLOBAL = 0x100;
        if (!NativeLibrary.TryLoad("libc.so.6", out IntPtr libc) || !NativeLibrary.TryGetExport(libc, "dlopen", out IntPtr dlopen))
            return;
        byte* ascii = stackalloc byte[name.Length + 1];
        for (int i = 0; i < name.Length; i++) ascii[i] = (byte)name[i];
        ascii[name.Length] = 0;
        // The extra reference is kept for the life of the process, as the library itself is.
        _ = ((delegate* unmanaged[Cdecl]<byte*, int, IntPtr>)dlopen)(ascii, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
    }

    private static string? Initialize()
    {
        if (LoadLibrary(Candidates, out IntPtr lib) is { } loadFailure) return loadFailure;

        try
        {
            GetProcAddress = (delegate* unmanaged[Cdecl]<byte*, IntPtr>)Export(lib, "eglGetProcAddress");
            s_getDisplay = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)Export(lib, "eglGetDisplay");
            s_initialize = (delegate* unmanaged[Cdecl]<IntPtr, int*, int*, int>)Export(lib, "eglInitialize");
            s_chooseConfig = (delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr*, int, int*, int>)Export(lib, "eglChooseConfig");
            BindApi = (delegate* unmanaged[Cdecl]<int, int>)Export(lib, "eglBindAPI");
            CreateContext = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, int*, IntPtr>)Export(lib, "eglCreateContext");
            DestroyContext = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int>)Export(lib, "eglDestroyContext");
            MakeCurrent = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, IntPtr, int>)Export(lib, "eglMakeCurrent");
            GetCurrentContext = (delegate* unmanaged[Cdecl]<IntPtr>)Export(lib, "eglGetCurrentContext");
            GetCurrentDisplay = (delegate* unmanaged[Cdecl]<IntPtr>)Export(lib, "eglGetCurrentDisplay");
            GetCurrentSurface = (delegate* unmanaged[Cdecl]<int, IntPtr>)Export(lib, "eglGetCurrentSurface");
            GetError = (delegate* unmanaged[Cdecl]<int>)Export(lib, "eglGetError");
            s_queryString = (delegate* unmanaged[Cdecl]<IntPtr, int, byte*>)Export(lib, "eglQueryString");
        }
        catch (EntryPointNotFoundException e)
        {
            return $"MuJoCo offscreen rendering: the loaded libEGL lacks an EGL 1.4 entry point ({e.Message}). " +
                   $"Install the Debian packages {Packages}.";
        }

        // Client extensions (EGL_EXT_client_extensions): a NULL answer means none.
        string clientExtensions = ReadString(s_queryString(IntPtr.Zero, EGL_EXTENSIONS));
        var attempts = new List<string>();
        IntPtr display = IntPtr.Zero;
        if (HasExtension(clientExtensions, "EGL_MESA_platform_surfaceless") &&
            ProcAddress("eglGetPlatformDisplayEXT") is var getPlatformDisplay && getPlatformDisplay != IntPtr.Zero)
        {
            var fn = (delegate* unmanaged[Cdecl]<int, IntPtr, int*, IntPtr>)getPlatformDisplay;
            display = TryInitialize(fn(EGL_PLATFORM_SURFACELESS_MESA, IntPtr.Zero, null), "surfaceless platform (EGL_MESA_platform_surfaceless)", attempts);
        }
        else
        {
            attempts.Add("surfaceless platform: EGL_MESA_platform_surfaceless is not among the client extensions");
        }
        if (display == IntPtr.Zero)
            display = TryDevicePlatform(clientExtensions, attempts);
        if (display == IntPtr.Zero)
            display = TryInitialize(s_getDisplay(IntPtr.Zero), "eglGetDisplay(EGL_DEFAULT_DISPLAY)", attempts);
        if (display == IntPtr.Zero)
        {
            return $"MuJoCo offscreen rendering: EGL could not initialise a display ({string.Join("; ", attempts)}). " +
                   $"A headless machine needs Mesa's EGL and software driver: install the Debian packages {Packages}. " +
                   "EGL_LOG_LEVEL=debug makes Mesa say why it failed.";
        }

        IntPtr config = ChooseConfig(display);
        if (config == IntPtr.Zero)
        {
            return $"MuJoCo offscreen rendering: EGL display ({ReadString(s_queryString(display, EGL_VENDOR))} " +
                   $"{ReadString(s_queryString(display, EGL_VERSION))}) offers no OpenGL config " +
                   $"(eglChooseConfig: {ErrorName(GetError())}). Install the Debian packages {Packages}.";
        }
        s_display = display;
        s_config = config;
        return null;
    }

    // The first EGL device (EGL_EXT_platform_device), as MuJoCo's Python EGL context does
    // (python/mujoco/egl/__init__.py): drivers without the Mesa surfaceless platform (NVIDIA's) offer this.
    private static IntPtr TryDevicePlatform(string clientExtensions, List<string> attempts)
    {
        IntPtr queryDevices = ProcAddress("eglQueryDevicesEXT");
        IntPtr getPlatformDisplay = ProcAddress("eglGetPlatformDisplayEXT");
        if (!HasExtension(clientExtensions, "EGL_EXT_platform_device") || queryDevices == IntPtr.Zero || getPlatformDisplay == IntPtr.Zero)
        {
            attempts.Add("device platform: EGL_EXT_platform_device is not offered");
            return IntPtr.Zero;
        }
        IntPtr* devices = stackalloc IntPtr[8];
        int count = 0;
        if (((delegate* unmanaged[Cdecl]<int, IntPtr*, int*, int>)queryDevices)(8, devices, &count) == 0 || count < 1)
        {
            attempts.Add($"device platform: no EGL device ({ErrorName(GetError())})");
            return IntPtr.Zero;
        }
        var fn = (delegate* unmanaged[Cdecl]<int, IntPtr, int*, IntPtr>)getPlatformDisplay;
        for (int i = 0; i < count; i++)
        {
            IntPtr display = TryInitialize(fn(EGL_PLATFORM_DEVICE_EXT, devices[i], null), $"device platform, device {i}", attempts);
            if (display != IntPtr.Zero) return display;
        }
        return IntPtr.Zero;
    }

    private static IntPtr TryInitialize(IntPtr display, string what, List<string> attempts)
    {
        if (display == IntPtr.Zero)
        {
            attempts.Add($"{what}: no display ({ErrorName(GetError())})");
            return IntPtr.Zero;
        }
        int major, minor;
        if (s_initialize(display, &major, &minor) == 0)
        {
            attempts.Add($"{what}: eglInitialize failed ({ErrorName(GetError())})");
            return IntPtr.Zero;
        }
        return display;
    }

    private static IntPtr ChooseConfig(IntPtr display)
    {
        // As MuJoCo's Python EGL context (mujoco/egl/__init__.py): 8-bit RGBA, 24-bit depth, 8-bit stencil,
        // pbuffer-capable, desktop OpenGL. MuJoCo draws into its own framebuffer object, so a config without
        // pbuffers or depth would do as well: the second list asks for desktop OpenGL only.
        int* full = stackalloc int[]
        {
            EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8, EGL_DEPTH_SIZE, 24,
            EGL_STENCIL_SIZE, 8, EGL_COLOR_BUFFER_TYPE, EGL_RGB_BUFFER, EGL_SURFACE_TYPE, EGL_PBUFFER_BIT,
            EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE,
        };
        int* minimal = stackalloc int[] { EGL_SURFACE_TYPE, 0, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE };
        IntPtr config;
        int count;
        if (s_chooseConfig(display, full, &config, 1, &count) != 0 && count > 0) return config;
        if (s_chooseConfig(display, minimal, &config, 1, &count) != 0 && count > 0) return config;
        return IntPtr.Zero;
    }

    /// <summary>GL_VENDOR, GL_RENDERER and GL_VERSION of the context current on this thread.</summary>
    public static string DescribeCurrentGl()
    {
        LoadGl();
        return $"{ReadString(s_glGetString(GL_RENDERER))}; OpenGL {ReadString(s_glGetString(GL_VERSION))} " +
               $"({ReadString(s_glGetString(GL_VENDOR))}); EGL {ReadString(s_queryString(s_display, EGL_VERSION))}";
    }

    /// <summary>The largest offscreen buffer the current context can hold (renderbuffer and viewport limits).</summary>
    public static int MaxBufferSize()
    {
        LoadGl();
        int renderbuffer = 0;
        int* viewport = stackalloc int[2];
        s_glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &renderbuffer);
        s_glGetIntegerv(GL_MAX_VIEWPORT_DIMS, viewport);
        return Math.Min(renderbuffer, Math.Min(viewport[0], viewport[1]));
    }

    private static void LoadGl()
    {
        if (s_glGetString != null) return;
        IntPtr getString = ProcAddress("glGetString");
        IntPtr getIntegerv = ProcAddress("glGetIntegerv");
        if (getString == IntPtr.Zero || getIntegerv == IntPtr.Zero)
            throw new RenderingUnavailableException("MuJoCo offscreen rendering: eglGetProcAddress gave no glGetString/glGetIntegerv.");
        s_glGetIntegerv = (delegate* unmanaged[Cdecl]<int, int*, void>)getIntegerv;
        s_glGetString = (delegate* unmanaged[Cdecl]<int, byte*>)getString;
    }

    private static IntPtr ProcAddress(string name)
    {
        byte* ascii = stackalloc byte[name.Length + 1];
        for (int i = 0; i < name.Length; i++) ascii[i] = (byte)name[i];
        ascii[name.Length] = 0;
        return GetProcAddress(ascii);
    }

    private static IntPtr Export(IntPtr lib, string name) => NativeLibrary.GetExport(lib, name);

    private static bool HasExtension(string list, string name) =>
        list.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(name);

    private static string ReadString(byte* s) => s == null ? "" : Marshal.PtrToStringUTF8((IntPtr)s) ?? "";

    /// <summary>EGL error code as its name (EGL/egl.h).</summary>
    public static string ErrorName(int code) => code switch
    {
        EGL_SUCCESS => "EGL_SUCCESS",
        0x3001 => "EGL_NOT_INITIALIZED",
        0x3002 => "EGL_BAD_ACCESS",
        0x3003 => "EGL_BAD_ALLOC",
        0x3004 => "EGL_BAD_ATTRIBUTE",
        0x3005 => "EGL_BAD_CONFIG",
        0x3006 => "EGL_BAD_CONTEXT",
        0x3007 => "EGL_BAD_CURRENT_SURFACE",
        0x3008 => "EGL_BAD_DISPLAY",
        0x3009 => "EGL_BAD_MATCH",
        0x300A => "EGL_BAD_NATIVE_PIXMAP",
        0x300B => "EGL_BAD_NATIVE_WINDOW",
        0x300C => "EGL_BAD_PARAMETER",
        0x300D => "EGL_BAD_SURFACE",
        0x300E => "EGL_CONTEXT_LOST",
        _ => $"EGL error 0x{code:X4}",
    };

    internal static int DrawSurfaceKind => EGL_DRAW;
    internal static int ReadSurfaceKind => EGL_READ;
}

/// <summary>
/// One desktop-OpenGL context on the shared EGL display, without a surface (MuJoCo renders into its own
/// offscreen framebuffer). A context is current on at most one thread: <see cref="Bind"/> makes it current on
/// the calling thread for one render and the returned scope puts back whatever was current before, so an env
/// can render from any thread, one thread at a time.
/// </summary>
internal sealed unsafe class EglContext : IDisposable
{
    private IntPtr _context;

    private EglContext(IntPtr context) => _context = context;

    /// <exception cref="RenderingUnavailableException">EGL is missing or refuses a context.</exception>
    public static EglContext Create()
    {
        Egl.EnsureInitialized();
        // The client API is per-thread state (EGL 1.5, 3.7): bind desktop OpenGL on this thread before creating.
        if (Egl.BindApi(Egl.EGL_OPENGL_API) == 0)
        {
            throw new RenderingUnavailableException(
                $"MuJoCo offscreen rendering: eglBindAPI(EGL_OPENGL_API) failed ({Egl.ErrorName(Egl.GetError())}); " +
                $"this EGL offers no desktop OpenGL. Install the Debian packages {Egl.Packages}.");
        }
        IntPtr context = Egl.CreateContext(Egl.Display, Egl.Config, IntPtr.Zero, null);
        if (context == IntPtr.Zero)
        {
            throw new RenderingUnavailableException(
                $"MuJoCo offscreen rendering: eglCreateContext failed ({Egl.ErrorName(Egl.GetError())}).");
        }
        return new EglContext(context);
    }

    /// <summary>Makes this context current on the calling thread until the scope is disposed.</summary>
    public Scope Bind()
    {
        ObjectDisposedException.ThrowIf(_context == IntPtr.Zero, this);
        IntPtr previous = Egl.GetCurrentContext();
        if (previous == _context) return default;
        IntPtr previousDisplay = Egl.GetCurrentDisplay();
        IntPtr previousDraw = Egl.GetCurrentSurface(Egl.DrawSurfaceKind);
        IntPtr previousRead = Egl.GetCurrentSurface(Egl.ReadSurfaceKind);
        if (Egl.MakeCurrent(Egl.Display, IntPtr.Zero, IntPtr.Zero, _context) == 0)
        {
            int error = Egl.GetError();
            string hint = error == 0x3002 ? " (the context is current on another thread: one env must not render from two threads at once)" : "";
            throw new InvalidOperationException($"MuJoCo offscreen rendering: eglMakeCurrent failed ({Egl.ErrorName(error)}){hint}.");
        }
        return new Scope(true, previous, previousDisplay, previousDraw, previousRead);
    }

    /// <summary>Restores the context (or none) that was current before <see cref="Bind"/>.</summary>
    public readonly struct Scope(bool active, IntPtr context, IntPtr display, IntPtr draw, IntPtr read) : IDisposable
    {
        public void Dispose()
        {
            if (!active) return;
            if (context == IntPtr.Zero)
                Egl.MakeCurrent(Egl.Display, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
            else
                Egl.MakeCurrent(display, draw, read, context);
        }
    }

    public void Dispose()
    {
        if (_context == IntPtr.Zero) return;
        // A context still current somewhere is destroyed once released (EGL 1.5, 3.7.1.4); Bind never leaves it so.
        Egl.DestroyContext(Egl.Display, _context);
        _context = IntPtr.Zero;
    }
}
