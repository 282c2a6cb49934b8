using System.Reflection;
using System.Runtime.InteropServices;

namespace ControlRL.Envs.Box2D.Native;

/// <summary>Mirror of <c>bw_walker_def</c> in Native/shim/box2d_shim.h (sequential, blittable).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct WalkerDef
{
    public const int MaxPairs = 2;
    public const int MaxHullVertices = 8;

    public double LidarRange;
    public int Pairs;
    public int MonitoredPairs;
    public int HullCount;
    public int LidarMode;
    public fixed float HullVertices[2 * MaxHullVertices];
    public float LegW, LegH, LegDown;
    public float LowerHalfW;
    public float UpperY, LowerY;
    public float InitX, InitY;
    public fixed float AnchorX[MaxPairs];
    public fixed float BodyX[MaxPairs];
    public float MotorsTorque;
    public float InitialForceX;
    public float TimeStep;
    public int VelocityIterations;
    public int PositionIterations;
}

/// <summary>Lidar semantics of the shim (<c>BW_LIDAR_*</c>).</summary>
internal enum LidarMode
{
    /// <summary>Nearest ground hit (Gymnasium v3).</summary>
    Closest = 0,

    /// <summary>First ground fixture the broad-phase reports (teachDeepRL; Gymnasium's v2 behaviour).</summary>
    First = 1,
}

/// <summary>
/// Entry points of libbox2d_shim.so, which the project builds from Native/shim and copies next to the assembly.
/// </summary>
internal static unsafe partial class Box2DNative
{
    public const string Library = "box2d_shim";
    public const string FileName = "libbox2d_shim.so";

    /// <summary><c>BW_ABI_VERSION</c> these bindings were written for.</summary>
    public const int AbiVersion = 2;

    /// <summary>Floats before the per-joint block of the step output (<c>BW_OUT_HEADER</c>).</summary>
    public const int OutputHeader = 7;

    public const int LidarRays = 10;

    static Box2DNative()
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Box2DNative).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Already set for this assembly (only this class sets one).
        }
        int abi = bw_abi_version();
        if (abi != AbiVersion)
        {
            throw new InvalidOperationException(
                $"{FileName} has ABI version {abi} but ControlRL.Envs.Box2D expects {AbiVersion}; rebuild the project.");
        }
    }

    /// <summary>Touches the class so the resolver and ABI check run (cheap after the first call).</summary>
    public static void EnsureLoaded() { }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library) return IntPtr.Zero;
        string dir = Path.GetDirectoryName(assembly.Location) is { Length: > 0 } d ? d : AppContext.BaseDirectory;
        string candidate = Path.Combine(dir, FileName);
        if (NativeLibrary.TryLoad(candidate, out IntPtr h)) return h;
        if (NativeLibrary.TryLoad(Path.Combine(AppContext.BaseDirectory, FileName), out h)) return h;
        throw new DllNotFoundException(
            $"{FileName} could not be loaded from {dir}. It is built by ControlRL.Envs.Box2D's csproj and needs Box2D 2.4.1 " +
            "at run time (Debian: libbox2d-dev via tools/setup.sh).");
    }

    [LibraryImport(Library)]
    public static partial int bw_abi_version();

    [LibraryImport(Library)]
    public static partial IntPtr bw_create();

    [LibraryImport(Library)]
    public static partial void bw_destroy(IntPtr handle);

    [LibraryImport(Library)]
    public static partial int bw_reset(WalkerHandle handle, double* edges, int edgeCount, double* polygonXy,
        int* polygonCounts, int polygonCount, WalkerDef* def);

    [LibraryImport(Library)]
    public static partial int bw_step(WalkerHandle handle, float* motor, float* output);

    [LibraryImport(Library)]
    public static partial int bw_output_size(int pairs);

    /// <summary>(x, y, angle) of the hull, then of each joint's second body in joint order; reads only.</summary>
    [LibraryImport(Library)]
    public static partial int bw_read_bodies(WalkerHandle handle, float* output);
}
