using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ControlRL.Envs.MuJoCo.Native;

/// <summary>
/// Raw entry points of libmujoco 2.2.2. Model/data are passed as raw pointers (not SafeHandles) so a hot-loop
/// call is a plain P/Invoke without ref counting; the owning wrappers keep the handles alive.
/// No [SuppressGCTransition] on anything that may reach mju_warning/mju_error: those call back into managed
/// code, which is illegal without a GC transition. Only the trivial mj_version gets it.
/// </summary>
internal static unsafe partial class MjNative
{
    public const string Library = "mujoco";

    // Runs before the first P/Invoke of this class: registers the resolver, checks the version, installs
    // the error/warning handlers.
    static MjNative() => MuJoCoLibrary.EnsureLoaded();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr mj_loadXML(string filename, IntPtr vfs, byte* error, int errorSize);

    [LibraryImport(Library)]
    public static partial void mj_deleteModel(IntPtr m);

    [LibraryImport(Library)]
    public static partial IntPtr mj_makeData(IntPtr m);

    [LibraryImport(Library)]
    public static partial void mj_deleteData(IntPtr d);

    [LibraryImport(Library)]
    public static partial void mj_step(IntPtr m, IntPtr d);

    [LibraryImport(Library)]
    public static partial void mj_forward(IntPtr m, IntPtr d);

    [LibraryImport(Library)]
    public static partial void mj_resetData(IntPtr m, IntPtr d);

    [LibraryImport(Library)]
    public static partial void mj_rnePostConstraint(IntPtr m, IntPtr d);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mj_name2id(IntPtr m, int type, string name);

    [LibraryImport(Library)]
    public static partial byte* mj_id2name(IntPtr m, int type, int id);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int mj_version();

    [LibraryImport(Library)]
    public static partial void mju_warning(byte* msg);
}
