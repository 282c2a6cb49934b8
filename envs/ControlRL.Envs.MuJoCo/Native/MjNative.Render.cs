using System.Runtime.InteropServices;

namespace ControlRL.Envs.MuJoCo.Native;

/// <summary>mjrRect (mjrender.h): a viewport, passed by value. Its layout is checked against the generated one.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MjrRect
{
    public int Left;
    public int Bottom;
    public int Width;
    public int Height;

    public MjrRect(int left, int bottom, int width, int height) => (Left, Bottom, Width, Height) = (left, bottom, width, height);
}

/// <summary>
/// Visualization (mjv_*) and OpenGL rendering (mjr_*) entry points of libmujoco 2.2.2 (mujoco.h). The structs
/// (mjvScene, mjvCamera, mjvOption, mjvPerturb, mjrContext) are opaque blocks of the generated sizes
/// (<see cref="MjLayout.Render"/>). Every mjr_* call needs an OpenGL context current on the calling thread.
/// </summary>
internal static unsafe partial class MjNative
{
    [LibraryImport(Library)]
    public static partial void mjv_defaultScene(void* scn);

    [LibraryImport(Library)]
    public static partial void mjv_makeScene(IntPtr m, void* scn, int maxgeom);

    [LibraryImport(Library)]
    public static partial void mjv_freeScene(void* scn);

    [LibraryImport(Library)]
    public static partial void mjv_defaultCamera(void* cam);

    [LibraryImport(Library)]
    public static partial void mjv_defaultOption(void* opt);

    [LibraryImport(Library)]
    public static partial void mjv_defaultPerturb(void* pert);

    [LibraryImport(Library)]
    public static partial void mjv_updateScene(IntPtr m, IntPtr d, void* opt, void* pert, void* cam, int catmask, void* scn);

    [LibraryImport(Library)]
    public static partial void mjr_defaultContext(void* con);

    [LibraryImport(Library)]
    public static partial void mjr_makeContext(IntPtr m, void* con, int fontscale);

    [LibraryImport(Library)]
    public static partial void mjr_freeContext(void* con);

    [LibraryImport(Library)]
    public static partial void mjr_setBuffer(int framebuffer, void* con);

    [LibraryImport(Library)]
    public static partial void mjr_render(MjrRect viewport, void* scn, void* con);

    [LibraryImport(Library)]
    public static partial void mjr_readPixels(byte* rgb, float* depth, MjrRect viewport, void* con);
}
