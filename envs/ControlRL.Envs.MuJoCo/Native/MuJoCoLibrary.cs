using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ControlRL.Envs.MuJoCo.Native;

/// <summary>
/// Loads libmujoco, checks that it is the 2.2.2 the layout was generated for, and installs the error/warning
/// handlers. Every binding entry point goes through <see cref="EnsureLoaded"/> first (MjNative's static ctor).
/// </summary>
public static unsafe class MuJoCoLibrary
{
    /// <summary>mj_version() of the MuJoCo build the generated layout (MjLayout.g.cs) describes.</summary>
    public const int ExpectedVersion = 222;

    // Debian's soname first; the unversioned dev symlink as fallback.
    internal static readonly string[] Candidates = ["libmujoco.so.2.2.2", "libmujoco.so"];

    private static readonly object Gate = new();
    private static IntPtr s_handle;
    private static int s_version;
    private static volatile bool s_ready;

    /// <summary>The version reported by the loaded libmujoco (mj_version(), e.g. 222). Loads the library but
    /// does not throw on a version mismatch, so callers can report it.</summary>
    public static int Version
    {
        get
        {
            lock (Gate)
            {
                LoadLibraryLocked();
                return s_version;
            }
        }
    }

    /// <summary>Loads libmujoco, checks its version and installs the handlers; cheap after the first call.</summary>
    /// <exception cref="DllNotFoundException">libmujoco is not installed.</exception>
    /// <exception cref="MuJoCoException">libmujoco is not version 2.2.2.</exception>
    public static void EnsureLoaded()
    {
        if (s_ready) return;
        lock (Gate)
        {
            if (s_ready) return;
            LoadLibraryLocked();
            CheckVersion(s_version);
            InstallHandlers(s_handle);
            s_ready = true;
        }
    }

    private static void LoadLibraryLocked()
    {
        if (s_handle != IntPtr.Zero) return;
        IntPtr h = LoadFirst(Candidates);
        var version = (delegate* unmanaged[Cdecl]<int>)NativeLibrary.GetExport(h, "mj_version");
        s_version = version();
        s_handle = h;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(MuJoCoLibrary).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Another resolver already owns this assembly; default probing of "mujoco" finds libmujoco.so,
            // which dlopen maps to the same already-loaded library.
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == MjNative.Library ? s_handle : IntPtr.Zero;

    /// <summary>Loads the first library that exists among <paramref name="candidates"/>.</summary>
    internal static IntPtr LoadFirst(IReadOnlyList<string> candidates)
    {
        foreach (string c in candidates)
        {
            if (NativeLibrary.TryLoad(c, out IntPtr h)) return h;
        }
        throw new DllNotFoundException(
            $"MuJoCo 2.2.2 native library not found (tried {string.Join(", ", candidates)}). " +
            "Install it with tools/setup.sh (Debian package libmujoco-dev).");
    }

    /// <summary>Throws unless <paramref name="reported"/> is the version the bindings were generated for.</summary>
    internal static void CheckVersion(int reported)
    {
        if (reported != ExpectedVersion || MjLayout.HeaderVersion != ExpectedVersion)
        {
            throw new MuJoCoException(
                $"ControlRL's bindings are generated for MuJoCo 2.2.2 (mj_version {ExpectedVersion}, headers " +
                $"{MjLayout.HeaderVersion}) but libmujoco reports {reported}; run tools/setup.sh to install " +
                "Debian's libmujoco-dev 2.2.2, or regenerate the layout with tools/gen-mujoco-layout.sh and " +
                "update MuJoCoLibrary.ExpectedVersion after checking the API.");
        }
    }

    // mju_user_error / mju_user_warning are exported global function-pointer variables: GetExport yields the
    // variable's address, and we store our callbacks there. Without them MuJoCo appends to MUJOCO_LOG.TXT in the
    // working directory, prints to stdout, and for errors waits for Enter on stdin before exit(1).
    private static void InstallHandlers(IntPtr lib)
    {
        var error = (IntPtr*)NativeLibrary.GetExport(lib, "mju_user_error");
        var warning = (IntPtr*)NativeLibrary.GetExport(lib, "mju_user_warning");
        *error = (IntPtr)(delegate* unmanaged[Cdecl]<byte*, void>)&OnError;
        *warning = (IntPtr)(delegate* unmanaged[Cdecl]<byte*, void>)&OnWarning;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnWarning(byte* msg)
    {
        // Exceptions must not unwind through MuJoCo's C frames.
        try
        {
            MuJoCoLog.Dispatch(MuJoCoLogLevel.Warning, FromUtf8(msg));
        }
        catch (Exception e)
        {
            try { Console.Error.WriteLine($"MuJoCo warning handler failed: {e}"); } catch { /* stderr gone */ }
        }
    }

    // MuJoCo 2.2.2's mju_error (engine_util_errmem.c, checked in the Debian binary) calls the user handler and,
    // when it returns, simply returns to its caller, which then carries on in an invalid state (e.g. mj_stackAlloc
    // past the end of the arena, mju_malloc returning NULL). An exception cannot unwind through the C frames, so
    // the only safe action is to report and terminate. XML loading does not come here: mj_loadXML installs its
    // own thread-local handler and returns the text in its error buffer (MjModel.LoadXml turns that into a
    // MuJoCoException).
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnError(byte* msg)
    {
        string text = FromUtf8(msg);
        try
        {
            MuJoCoLog.Dispatch(MuJoCoLogLevel.Error, text);
        }
        catch
        {
            // Terminating anyway.
        }
        Environment.FailFast($"MuJoCo fatal error: {text} (MuJoCo 2.2.2 cannot continue after mju_error)");
    }

    internal static string FromUtf8(byte* s) => s == null ? string.Empty : Marshal.PtrToStringUTF8((IntPtr)s) ?? string.Empty;
}
